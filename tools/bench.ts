import { spawnSync } from "child_process";
import * as os from "os";
import * as path from "path";
import { ConfigValidationError } from "../config/problems";
import { CONFIG_NAMESPACE } from "../config/settings";
import { fakeGuid } from "./fakeCloud";
import { DeclaredResource, OfflineProgramError, runOffline } from "./offlineRuntime";
import { buildPlan } from "./planModel";
import { renderPlanText } from "./planText";
import { evaluatePolicies, offlinePolicyConfig } from "./policyRunner";
import { loadStackConfig } from "./stackConfig";
import { runCli } from "./cli";

const USAGE = `Usage: npm run bench [-- --scenario example|large|xlarge] [--pairs <n>]

Measures the offline plan and the policy pack for the example stack (Pulumi.dev.yaml), a large synthetic stack
(500 principals in roleAssignments, 20 minimal pools) and an extra-large one (5,000 principals, 50 pools). Each
scenario runs in a fresh child process, started as \`npm run plan\` starts (package.json's plan script), so its
peak memory is its own. Then the whole \`npm run plan\` process is timed against the floor: a bare one-resource
program run the same way (the plan script's node arguments, sucrase, the mock runtime), in <n> back-to-back pairs
(default 5), and the median ratio is printed. On a shared machine, read the ratios rather than the absolute times.
Not a test: it prints figures and whether they meet the targets.`;

const PROJECT_DIR = path.resolve(__dirname, "..");
const MB = 1024 * 1024;
/**
 * The node arguments `npm run plan` starts the plan with, read from package.json's plan script (`node <arguments>
 * tools/plan.ts`): its heap flags and sucrase, which strips types without loading the TypeScript compiler. Every
 * process measured here (the scenarios, the plan and the floor) starts with them, so the figures are the plan's.
 */
export function planNodeArguments(scripts: Record<string, string> = (require("../package.json") as { scripts: Record<string, string> }).scripts): string[] {
    const words = (scripts.plan ?? "").trim().split(/\s+/);
    const entry = words.indexOf("tools/plan.ts");
    if (words[0] !== "node" || entry < 0) {
        throw new Error(`package.json's plan script must read "node <arguments> tools/plan.ts" for the benchmark to start the plan as it does, not "${scripts.plan}"`);
    }
    return words.slice(1, entry);
}
const PLAN_NODE_ARGUMENTS = planNodeArguments();
/** Marks the child's result line on stdout, so program output can never be mistaken for it. */
const RESULT_MARKER = "BENCH-RESULT ";

type ScenarioName = "example" | "large" | "xlarge";

interface Target {
    readonly maxSeconds: number;
    readonly maxMemoryMb?: number;
}

const TARGETS: Record<ScenarioName, Target> = {
    example: { maxSeconds: 10 },
    large: { maxSeconds: 30, maxMemoryMb: 1024 },
    xlarge: { maxSeconds: 30, maxMemoryMb: 1024 },
};

/** The plan may cost at most this many times the floor (a bare one-resource program run the same way). */
const MAX_RATIO_TO_FLOOR = 1.5;

/** What one child process measured. */
interface Measurement {
    readonly scenario: ScenarioName;
    readonly rejected?: string;
    readonly resources?: number;
    readonly customResources?: number;
    readonly longestChain?: readonly string[];
    readonly planMs?: number;
    readonly policyMs?: number;
    readonly mandatoryViolations?: number;
    readonly advisoryViolations?: number;
    readonly peakMemoryMb?: number;
}

export interface SyntheticSize {
    readonly principals: number;
    readonly pools: number;
}

/** Role tokens the roleAssignments key accepts, assigned round-robin to the synthetic principals. */
const ROLE_TOKENS = [
    "JobSubmitter",
    "AzureBatchJobSubmitter",
    "AzureBatchAccountReader",
    "AzureBatchAccountContributor",
    "AzureBatchDataContributor",
    "Contributor",
    "Reader",
];
const PRINCIPAL_TYPES = ["User", "Group", "ServicePrincipal"];

/**
 * The large stack: the example stack plus `principals` role assignments and `pools` minimal pools, using the
 * stack configuration's `roleAssignments` and `pools` keys. Adjust here when those keys change shape.
 */
export function syntheticLargeStack(base: Record<string, string>, size: SyntheticSize = { principals: 500, pools: 20 }): Record<string, string> {
    const roleAssignments = Array.from({ length: size.principals }, (_, index) => ({
        principalId: fakeGuid(`bench-principal-${index}`),
        principalType: PRINCIPAL_TYPES[index % PRINCIPAL_TYPES.length],
        role: ROLE_TOKENS[index % ROLE_TOKENS.length],
    }));
    const pools = Array.from({ length: size.pools }, (_, index) => ({
        name: `pool-${String(index + 1).padStart(2, "0")}`,
        vmSize: "Standard_D2s_v5",
    }));
    return {
        ...base,
        [`${CONFIG_NAMESPACE}:roleAssignments`]: JSON.stringify(roleAssignments),
        [`${CONFIG_NAMESPACE}:pools`]: JSON.stringify(pools),
    };
}

/**
 * The longest chain of resources that wait on each other, first to last: the critical path of `pulumi up`, since
 * each link can only start when the one before it is created.
 */
export function longestChain(resources: readonly DeclaredResource[]): string[] {
    const byUrn = new Map(resources.map((resource) => [resource.urn, resource]));
    const memo = new Map<string, string[]>();
    const chainEndingAt = (urn: string): string[] => {
        const known = memo.get(urn);
        if (known) {
            return known;
        }
        const resource = byUrn.get(urn);
        if (!resource) {
            return [];
        }
        let longest: string[] = [];
        for (const dependency of resource.dependencies) {
            const candidate = chainEndingAt(dependency);
            if (candidate.length > longest.length) {
                longest = candidate;
            }
        }
        const chain = [...longest, resource.name];
        memo.set(urn, chain);
        return chain;
    };
    return resources.reduce<string[]>((best, resource) => {
        const chain = chainEndingAt(resource.urn);
        return chain.length > best.length ? chain : best;
    }, []);
}

async function measure(scenario: ScenarioName): Promise<Measurement> {
    const example = loadStackConfig(PROJECT_DIR, "dev");
    const config =
        scenario === "example"
            ? example.config
            : syntheticLargeStack(example.config, scenario === "xlarge" ? { principals: 5000, pools: 50 } : undefined);
    const planStarted = process.hrtime.bigint();
    let run;
    try {
        run = await runOffline({ config, project: example.project, stack: example.stack });
    } catch (error) {
        const cause = error instanceof OfflineProgramError ? error.cause : error;
        if (cause instanceof ConfigValidationError) {
            return { scenario, rejected: cause.message };
        }
        throw cause;
    }
    renderPlanText(buildPlan(run, example.project, example.stack));
    const planMs = Number(process.hrtime.bigint() - planStarted) / 1e6;
    const report = await evaluatePolicies(run.resources, { config: offlinePolicyConfig() });
    const mandatory = report.violations.filter((violation) => violation.enforcement === "mandatory").length;
    return {
        scenario,
        resources: run.resources.length,
        customResources: run.resources.filter((resource) => resource.custom).length,
        longestChain: longestChain(run.resources),
        planMs,
        policyMs: report.elapsedMs,
        mandatoryViolations: mandatory,
        advisoryViolations: report.violations.length - mandatory,
        // resourceUsage reports kilobytes.
        peakMemoryMb: (process.resourceUsage().maxRSS * 1024) / MB,
    };
}

function runChild(scenario: ScenarioName): { measurement?: Measurement; wallMs: number; failure?: string } {
    const started = process.hrtime.bigint();
    const child = spawnSync(process.execPath, [...PLAN_NODE_ARGUMENTS, __filename, "--child", scenario], {
        cwd: PROJECT_DIR,
        encoding: "utf8",
        maxBuffer: 64 * MB,
    });
    const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
    const line = child.stdout.split("\n").find((candidate) => candidate.startsWith(RESULT_MARKER));
    if (child.status !== 0 || !line) {
        return { wallMs, failure: `exit ${child.status}: ${child.stderr.trim().split("\n").slice(-5).join("\n")}` };
    }
    return { measurement: JSON.parse(line.slice(RESULT_MARKER.length)) as Measurement, wallMs };
}

function seconds(ms: number): string {
    return ms < 1000 ? `${ms.toFixed(1)} ms` : `${(ms / 1000).toFixed(2)} s`;
}

function report(scenario: ScenarioName, result: ReturnType<typeof runChild>): boolean {
    const target = TARGETS[scenario];
    console.log(`\n${scenario} stack`);
    if (result.failure) {
        console.log(`    FAILED: ${result.failure}`);
        return false;
    }
    const measured = result.measurement as Measurement;
    if (measured.rejected) {
        console.log(
            "    NOT MEASURED: the program's validation rejected the synthetic configuration. The large stack uses the\n" +
                "    roleAssignments and pools keys; if their shape changed, adjust syntheticLargeStack in tools/bench.ts.\n" +
                "    Validation said:\n" +
                measured.rejected
                    .split("\n")
                    .slice(0, 8)
                    .map((line) => `        ${line}`)
                    .join("\n"),
        );
        return false;
    }
    const chain = measured.longestChain ?? [];
    const total = (measured.planMs ?? 0) + (measured.policyMs ?? 0);
    const withinTime = result.wallMs / 1000 < target.maxSeconds;
    const withinMemory = target.maxMemoryMb === undefined || (measured.peakMemoryMb ?? Infinity) < target.maxMemoryMb;
    console.log(
        [
            `    resources declared:   ${measured.resources} (${measured.customResources} cloud resources, the rest components)`,
            `    longest wait chain:   ${chain.length} (${chain.join(" -> ")})`,
            `    plan wall time:       ${seconds(measured.planMs ?? 0)}`,
            `    policy time:          ${seconds(measured.policyMs ?? 0)} (${measured.mandatoryViolations} mandatory, ${measured.advisoryViolations} advisory violations)`,
            `    plan + policies:      ${seconds(total)}; whole process incl. start-up: ${seconds(result.wallMs)}`,
            `    peak memory (RSS):    ${(measured.peakMemoryMb ?? 0).toFixed(0)} MB`,
            `    target:               < ${target.maxSeconds} s${target.maxMemoryMb ? `, < ${target.maxMemoryMb} MB` : ""}: ` +
                (withinTime && withinMemory ? "met" : "MISSED"),
        ].join("\n"),
    );
    return withinTime && withinMemory;
}

/** Wall milliseconds of one whole child process, start-up included. */
interface ProcessCost {
    readonly wallMs: number;
}

function timedProcess(args: readonly string[]): ProcessCost {
    const started = process.hrtime.bigint();
    const child = spawnSync(process.execPath, args, { cwd: PROJECT_DIR, encoding: "utf8", maxBuffer: 64 * MB });
    const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
    if (child.status !== 0) {
        throw new Error(`${args.join(" ")} exited ${child.status}: ${child.stderr.trim().split("\n").slice(-5).join("\n")}`);
    }
    return { wallMs };
}

function median(values: readonly number[]): number {
    const sorted = [...values].sort((a, b) => a - b);
    const middle = Math.floor(sorted.length / 2);
    return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** How `npm run plan` starts the plan (see package.json); the floor is started the same way. */
const PLAN_COMMAND = [...PLAN_NODE_ARGUMENTS, path.join("tools", "plan.ts"), "--stack", "dev"];
const FLOOR_COMMAND = [...PLAN_NODE_ARGUMENTS, path.join("tools", "benchFloor.ts")];

function reportAgainstFloor(pairs: number): boolean {
    const floor: ProcessCost[] = [];
    const plan: ProcessCost[] = [];
    for (let pair = 0; pair < pairs; pair++) {
        floor.push(timedProcess(FLOOR_COMMAND));
        plan.push(timedProcess(PLAN_COMMAND));
    }
    const ratios = plan.map((cost, index) => cost.wallMs / floor[index].wallMs);
    const ratio = median(ratios);
    console.log(
        [
            `\nnpm run plan against the floor (${pairs} pairs, floor then plan, back to back)`,
            `    floor (one resource): median ${seconds(median(floor.map((cost) => cost.wallMs)))} wall`,
            `    plan (example stack): median ${seconds(median(plan.map((cost) => cost.wallMs)))} wall`,
            `    ratio per pair:       ${ratios.map((value) => value.toFixed(2)).join(", ")}`,
            `    median ratio:         ${ratio.toFixed(2)}x the floor; target <= ${MAX_RATIO_TO_FLOOR}x: ${ratio <= MAX_RATIO_TO_FLOOR ? "met" : "MISSED"}`,
        ].join("\n"),
    );
    return ratio <= MAX_RATIO_TO_FLOOR;
}

async function main(argv: readonly string[]): Promise<number> {
    if (argv.includes("--help") || argv.includes("-h")) {
        console.log(USAGE);
        return 0;
    }
    const pairsIndex = argv.indexOf("--pairs");
    const pairs = pairsIndex >= 0 ? Number(argv[pairsIndex + 1]) : 5;
    if (!Number.isInteger(pairs) || pairs < 1) {
        console.error(`--pairs takes a whole number of at least 1\n\n${USAGE}`);
        return 2;
    }
    const childIndex = argv.indexOf("--child");
    if (childIndex >= 0) {
        const measurement = await measure(argv[childIndex + 1] as ScenarioName);
        console.log(`${RESULT_MARKER}${JSON.stringify(measurement)}`);
        return 0;
    }
    const scenarioIndex = argv.indexOf("--scenario");
    const requested = scenarioIndex >= 0 ? argv[scenarioIndex + 1] : undefined;
    if (requested !== undefined && !(requested in TARGETS)) {
        console.error(`unknown scenario "${requested}"\n\n${USAGE}`);
        return 2;
    }
    const scenarios = requested ? [requested as ScenarioName] : (Object.keys(TARGETS) as ScenarioName[]);
    console.log(`batch-entra benchmark on Node ${process.version}, ${os.cpus().length} CPUs`);
    let allMet = true;
    for (const scenario of scenarios) {
        allMet = report(scenario, runChild(scenario)) && allMet;
    }
    if (!requested) {
        allMet = reportAgainstFloor(pairs) && allMet;
    }
    return allMet ? 0 : 1;
}

if (require.main === module) {
    runCli(main);
}
