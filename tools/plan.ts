import * as fs from "fs";
import * as path from "path";
import { ConfigValidationError } from "../config/problems";
import { OfflineProgramError, runOffline } from "./offlineRuntime";
import { diffPlans } from "./planDiff";
import { readPlanFile, toPreviewJson } from "./planJson";
import { renderConfigProblemsMarkdown, renderPlanMarkdown } from "./planMarkdown";
import { Plan, buildPlan } from "./planModel";
import { renderPlanText } from "./planText";
import { evaluatePolicies, hasMandatoryViolation, loadPolicyConfig, offlinePolicyConfig, renderPolicyReport, summarizeMandatory } from "./policyRunner";
import { loadStackConfig } from "./stackConfig";
import { parseCommandLine, runCli } from "./cli";

const USAGE = `Usage: npm run plan -- [--stack <name>] [--stack-file <path>] [--json <path>] [--format text|markdown] [--diff <base.json>] [--details]

Runs the batch-entra program under Pulumi's mock runtime and prints what \`pulumi up\` would declare:
components, resources and their key inputs (secrets masked), and a summary. Needs no Pulumi CLI,
no Azure credentials and no network. IDs, client IDs and timestamps are placeholders.

  --stack <name>       stack whose Pulumi.<name>.yaml to read (default: dev)
  --stack-file <path>  read this stack file instead of Pulumi.<stack>.yaml
  --json <path>        also write the plan as JSON to <path>, in the shape \`pulumi preview --json\` prints
                       (secrets as [secret]; outputs, warnings and policy results under "batch-entra")
  --policy-config <path>  policy pack config (the JSON file \`pulumi preview --policy-pack-config\` takes)
  --format <format>    text (default) or markdown: the plan and policy results for a PR comment or job summary
  --diff <base.json>   compare with a plan written by --json on the base branch, or by \`pulumi preview --json\`:
                       created, updated, replaced and deleted resources, each changed input as old => new
  --details            print every resource's inputs, whole
  --help               show this text

After the tree, the policy pack in policies/ is evaluated over every declared resource; each violation is printed
with its resource and remediation.

Exit status: 0 when the plan was built, 1 when the configuration is invalid, 2 on a usage error (an unwritable
--json path among them, found before any work),
3 when a mandatory policy is violated.`;

interface PlanArguments {
    stack: string;
    stackFile?: string;
    json?: string;
    policyConfig?: string;
    format?: string;
    diff?: string;
    details?: boolean;
}

function parseArguments(argv: readonly string[]): PlanArguments | "help" {
    const parsed: PlanArguments = { stack: "dev" };
    for (let i = 0; i < argv.length; i++) {
        const flag = argv[i];
        const value = argv[i + 1];
        if (flag === "--help" || flag === "-h") {
            return "help";
        }
        if (flag === "--details") {
            parsed.details = true;
            continue;
        }
        if (!["--stack", "--stack-file", "--json", "--policy-config", "--format", "--diff"].includes(flag)) {
            throw new UsageError(`unknown argument "${flag}"`);
        }
        if (value === undefined || value.startsWith("--")) {
            throw new UsageError(`${flag} needs a value`);
        }
        if (flag === "--stack") parsed.stack = value;
        if (flag === "--stack-file") parsed.stackFile = value;
        if (flag === "--json") parsed.json = value;
        if (flag === "--policy-config") parsed.policyConfig = value;
        if (flag === "--format" && !["text", "markdown"].includes(value)) throw new UsageError(`--format is text or markdown, not "${value}"`);
        if (flag === "--format") parsed.format = value;
        if (flag === "--diff") parsed.diff = value;
        i++;
    }
    return parsed;
}

class UsageError extends Error {}

/** Fails with one line when `file` could not be written, so a bad path stops the run before any work. */
function assertWritable(file: string): void {
    const target = fs.existsSync(file) ? file : path.dirname(path.resolve(file));
    try {
        fs.accessSync(target, fs.constants.W_OK);
    } catch {
        throw new UsageError(`cannot write ${file}: ${fs.existsSync(target) ? "permission denied" : `the folder ${target} does not exist`}`);
    }
    if (fs.existsSync(file) && fs.statSync(file).isDirectory()) {
        throw new UsageError(`cannot write ${file}: it is a folder`);
    }
}

export async function main(argv: readonly string[]): Promise<number> {
    const args = parseCommandLine(argv, parseArguments, USAGE);
    if (typeof args === "number") {
        return args;
    }
    const projectDir = path.resolve(__dirname, "..");
    let stackConfig;
    let policyConfig;
    let basePlan: Plan | undefined;
    try {
        stackConfig = loadStackConfig(projectDir, args.stack, args.stackFile);
        policyConfig = offlinePolicyConfig(args.policyConfig ? loadPolicyConfig(args.policyConfig) : {});
        basePlan = args.diff === undefined ? undefined : readPlanFile(args.diff, stackConfig);
        if (args.json) assertWritable(args.json);
    } catch (error) {
        console.error((error as Error).message);
        return 2;
    }
    try {
        const showsInputs = args.details === true || args.json !== undefined || args.diff !== undefined || args.format === "markdown";
        const run = await runOffline({
            config: stackConfig.config,
            project: stackConfig.project,
            stack: stackConfig.stack,
            serializeDynamicProviders: showsInputs,
        });
        const plan = buildPlan(run, stackConfig.project, stackConfig.stack);
        const diff = basePlan === undefined ? undefined : diffPlans(basePlan, plan);
        const policyReport = await evaluatePolicies(run.resources, { config: policyConfig });
        if (args.format === "markdown") {
            console.log(renderPlanMarkdown(plan, { diff, policyFindings: policyReport.violations }));
        } else {
            const against = diff ? `, compared with the base plan ${args.diff}` : "";
            console.log(`Offline plan for stack "${plan.stack}" of ${plan.project}${against} (mock runtime: IDs and timestamps are placeholders)\n`);
            console.log(renderPlanText(plan, { diff, details: args.details }));
            console.log(`\n${renderPolicyReport(policyReport)}`);
        }
        if (args.json) {
            fs.writeFileSync(args.json, `${JSON.stringify(toPreviewJson(plan, { diff, policyViolations: policyReport.violations }), null, 2)}\n`);
            console.log(`\nPlan written to ${args.json}`);
        }
        if (hasMandatoryViolation(policyReport)) {
            console.error(summarizeMandatory(policyReport));
            return 3;
        }
        return 0;
    } catch (error) {
        const cause = error instanceof OfflineProgramError ? error.cause : error;
        if (cause instanceof ConfigValidationError) {
            if (args.format === "markdown") {
                console.log(renderConfigProblemsMarkdown(stackConfig.project, stackConfig.stack, cause.problems));
            }
            console.error(cause.message);
            return 1;
        }
        throw cause;
    }
}

if (require.main === module) {
    runCli(main);
}
