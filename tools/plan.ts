import * as fs from "fs";
import * as path from "path";
import { ConfigValidationError } from "../config/problems";
import { OfflineProgramError, runOffline } from "./offlineRuntime";
import { diffPlans, readPlanFile, renderPlanDiffText } from "./planDiff";
import { renderPlanMarkdown } from "./planMarkdown";
import { Plan, buildPlan } from "./planModel";
import { renderPlanText } from "./planText";
import { evaluatePolicies, hasMandatoryViolation, loadPolicyConfig, offlinePolicyConfig, renderPolicyReport, summarizeMandatory } from "./policyRunner";
import { loadStackConfig } from "./stackConfig";
import { parseCommandLine, runCli } from "./cli";

const USAGE = `Usage: npm run plan -- [--stack <name>] [--stack-file <path>] [--json <path>] [--format text|markdown] [--diff <base.json>]

Runs the batch-entra program under Pulumi's mock runtime and prints what \`pulumi up\` would declare:
components, resources and their key inputs (secrets masked), and a summary. Needs no Pulumi CLI,
no Azure credentials and no network. IDs, client IDs and timestamps are placeholders.

  --stack <name>       stack whose Pulumi.<name>.yaml to read (default: dev)
  --stack-file <path>  read this stack file instead of Pulumi.<stack>.yaml
  --json <path>        also write the plan as JSON (no secret values) to <path>
  --policy-config <path>  policy pack config (the JSON file \`pulumi preview --policy-pack-config\` takes)
  --format <format>    text (default) or markdown: the plan and policy results for a PR comment or job summary
  --diff <base.json>   compare with a plan written by --json on the base branch: added, changed, removed resources
  --help               show this text

After the tree, the policy pack in policies/ is evaluated over every declared resource; each violation is printed
with its resource and remediation.

Exit status: 0 when the plan was built, 1 when the configuration is invalid, 2 on a usage error,
3 when a mandatory policy is violated.`;

interface PlanArguments {
    stack: string;
    stackFile?: string;
    json?: string;
    policyConfig?: string;
    format?: string;
    diff?: string;
}

function parseArguments(argv: readonly string[]): PlanArguments | "help" {
    const parsed: PlanArguments = { stack: "dev" };
    for (let i = 0; i < argv.length; i++) {
        const flag = argv[i];
        const value = argv[i + 1];
        if (flag === "--help" || flag === "-h") {
            return "help";
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
    } catch (error) {
        console.error((error as Error).message);
        return 2;
    }
    try {
        const run = await runOffline({ config: stackConfig.config, project: stackConfig.project, stack: stackConfig.stack });
        const plan = buildPlan(run, stackConfig.project, stackConfig.stack);
        const diff = basePlan === undefined ? undefined : diffPlans(basePlan, plan);
        const policyReport = await evaluatePolicies(run.resources, { config: policyConfig });
        if (args.format === "markdown") {
            console.log(renderPlanMarkdown(plan, { diff, policyFindings: policyReport.violations }));
        } else {
            console.log(`Offline plan for stack "${plan.stack}" of ${plan.project} (mock runtime: IDs and timestamps are placeholders)\n`);
            console.log(renderPlanText(plan));
            if (diff) console.log(`\n${renderPlanDiffText(diff)}`);
            console.log(`\n${renderPolicyReport(policyReport)}`);
        }
        if (args.json) {
            fs.writeFileSync(args.json, `${JSON.stringify(plan, null, 2)}\n`);
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
            console.error(cause.message);
            return 1;
        }
        throw cause;
    }
}

if (require.main === module) {
    runCli(main);
}
