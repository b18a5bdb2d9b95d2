import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const USAGE = `Usage: npm run bench:tests -- [--runs <n>] [--cold] [--by-process]

Runs the whole \`npm test\` <n> times (default 3) under /usr/bin/time and prints, per run and as medians, the wall
time, the CPU time (user + sys, the test processes and every child they start) and the peak RSS of the largest process.
--cold gives each run an empty jest cache and an empty cache of its own (no type-check build info, test durations
from the committed seed only), as a fresh checkout in CI has. --by-process adds, for the last run, the CPU time of
each node process the run started (the type-check, the jest workers, the plugin, child programs;
tools/benchProcessCpu.js). On a shared machine the CPU figures are the ones to compare; wall time on an idle 2-core
machine is about max(CPU / 2, the type-check's CPU). Then the longest test files of the last run, from the durations
the shares keep (test/support/shares.js). Not a test: it prints figures.

Before and after the runs it prints a gauge of the machine's speed at this kind of work: the time TypeScript takes to
parse the Azure Native SDK's largest declaration file three times. The same tree's npm test has taken from 42 to 74 s
of CPU on one machine as its speed drifted; compare runs whose gauges agree.`;

const PROJECT_DIR = path.resolve(__dirname, "..");
const TIME = "/usr/bin/time";
const { CACHE_DIR_VARIABLE, DURATIONS_FILE } = require("../test/support/shares") as { CACHE_DIR_VARIABLE: string; DURATIONS_FILE: string };

interface Run {
    readonly wall: number;
    readonly cpu: number;
    readonly peakRssMiB: number;
}

/** Each test file's wall time in one run, as the shares record it. */
type Durations = Record<string, number>;

interface Options {
    readonly runs: number;
    readonly cold: boolean;
    readonly byProcess: boolean;
}

/** One node process of a run, as tools/benchProcessCpu.js records it. */
interface ProcessRecord {
    readonly cpu: number;
    readonly wall: number;
    readonly argv: readonly string[];
}

function parseArgs(argv: readonly string[]): Options {
    let runs = 3;
    let cold = false;
    let byProcess = false;
    for (let i = 0; i < argv.length; i++) {
        if (argv[i] === "--runs" && /^[1-9]\d*$/.test(argv[i + 1] ?? "")) {
            runs = Number(argv[++i]);
        } else if (argv[i] === "--cold") {
            cold = true;
        } else if (argv[i] === "--by-process") {
            byProcess = true;
        } else {
            console.error(argv[i] === "--help" ? USAGE : `bench:tests: unknown argument ${argv[i]}\n\n${USAGE}`);
            process.exit(argv[i] === "--help" ? 0 : 2);
        }
    }
    return { runs, cold, byProcess };
}

function readDurations(file: string): Durations | undefined {
    try {
        return JSON.parse(fs.readFileSync(file, "utf8"));
    } catch {
        return undefined;
    }
}

interface RunResult extends Run {
    readonly durations?: Durations;
    readonly processes?: readonly ProcessRecord[];
}

function runOnce(cold: boolean, byProcess: boolean): RunResult {
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "batch-entra-bench-tests-"));
    try {
        const report = path.join(scratch, "time.txt");
        // One argument: tools/test.sh runs the shares only when every argument is an option.
        const jestArgs = cold ? ["--", `--cacheDirectory=${path.join(scratch, "jest-cache")}`] : [];
        const testCache = path.join(scratch, "test-cache");
        const processLog = path.join(scratch, "processes.jsonl");
        const env: NodeJS.ProcessEnv = { ...process.env };
        if (cold) {
            env[CACHE_DIR_VARIABLE] = testCache;
        }
        if (byProcess) {
            env.BATCH_ENTRA_BENCH_PROCESS_LOG = processLog;
            env.NODE_OPTIONS = `${env.NODE_OPTIONS ?? ""} -r ${path.join(__dirname, "benchProcessCpu.js")}`.trim();
        }
        const child = spawnSync(TIME, ["-f", "%e %U %S %M", "-o", report, "npm", "test", "--silent", ...jestArgs], {
            cwd: PROJECT_DIR,
            env,
            encoding: "utf8",
            maxBuffer: 64 * 1024 * 1024,
        });
        if (child.error) {
            throw new Error(`bench:tests needs ${TIME} (Debian's time package): ${child.error.message}`);
        }
        if (child.status !== 0) {
            throw new Error(`npm test failed (exit ${child.status}):\n${child.stdout}${child.stderr}`);
        }
        const [wall, user, sys, rssKiB] = fs.readFileSync(report, "utf8").trim().split("\n").pop()!.split(" ").map(Number);
        const processes = byProcess
            ? fs.readFileSync(processLog, "utf8").trim().split("\n").map((line) => JSON.parse(line) as ProcessRecord)
            : undefined;
        return { wall, cpu: user + sys, peakRssMiB: rssKiB / 1024, durations: readDurations(cold ? path.join(testCache, "durations.json") : DURATIONS_FILE), processes };
    } finally {
        fs.rmSync(scratch, { recursive: true, force: true });
    }
}

/** Milliseconds to parse @pulumi/azure-native's types/output.d.ts (~9 MB) three times: memory-heavy, like the tests. */
function machineGauge(): number {
    const ts = require("typescript") as typeof import("typescript");
    const text = fs.readFileSync(require.resolve("@pulumi/azure-native/types/output.d.ts"), "utf8");
    const started = process.hrtime.bigint();
    for (let i = 0; i < 3; i++) {
        ts.createSourceFile("output.d.ts", text, ts.ScriptTarget.ES2022, true);
    }
    return Number(process.hrtime.bigint() - started) / 1e6;
}

function median(values: readonly number[]): number {
    const sorted = [...values].sort((a, b) => a - b);
    const middle = Math.floor(sorted.length / 2);
    return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function line(label: string, run: Run): string {
    return `${label.padEnd(8)} wall ${run.wall.toFixed(1).padStart(6)} s   cpu ${run.cpu.toFixed(1).padStart(6)} s   peak rss ${run.peakRssMiB.toFixed(0).padStart(5)} MiB`;
}

function main(): void {
    const { runs, cold, byProcess } = parseArgs(process.argv.slice(2));
    console.log(`npm test, ${runs} run(s), ${cold ? "empty" : "warm"} caches, ${os.cpus().length} cores, load average ${os.loadavg()[0].toFixed(1)}`);
    console.log(`machine gauge before: ${machineGauge().toFixed(0)} ms`);
    const results: RunResult[] = [];
    for (let i = 1; i <= runs; i++) {
        const run = runOnce(cold, byProcess);
        results.push(run);
        console.log(line(`run ${i}`, run));
    }
    console.log(line("median", {
        wall: median(results.map((run) => run.wall)),
        cpu: median(results.map((run) => run.cpu)),
        peakRssMiB: median(results.map((run) => run.peakRssMiB)),
    }));
    console.log(`load average after: ${os.loadavg()[0].toFixed(1)}, machine gauge after: ${machineGauge().toFixed(0)} ms`);
    const last = results[results.length - 1];
    printLongestFiles(last.durations, 10);
    printProcesses(last.processes, 12);
}

/** The test files that took longest in the last run, from the durations the shares keep for their split. */
function printLongestFiles(durations: Durations | undefined, count: number): void {
    if (!durations) {
        return;
    }
    const files = Object.entries(durations).sort(([, a], [, b]) => b - a);
    const total = files.reduce((sum, [, ms]) => sum + ms, 0);
    console.log(`longest test files of the last run (wall, loading included; all ${files.length}: ${(total / 1000).toFixed(1)} s):`);
    for (const [file, ms] of files.slice(0, count)) {
        console.log(`  ${(ms / 1000).toFixed(1).padStart(6)} s  ${file}`);
    }
}

/** What a process was, from its arguments: the script, relative to the repository, and its first argument. */
function processLabel(argv: readonly string[]): string {
    if (argv.length === 0) {
        return "node -e (a test's fresh process)";
    }
    const inProject = (arg: string) => !path.relative(PROJECT_DIR, arg).startsWith("..");
    const relative = (arg: string) => (!path.isAbsolute(arg) ? arg : inProject(arg) ? path.relative(PROJECT_DIR, arg) : path.basename(arg));
    return argv.slice(0, 2).map(relative).join(" ").slice(0, 110);
}

/** The processes of the last run that used the most CPU, with the sum over all of them. */
function printProcesses(processes: readonly ProcessRecord[] | undefined, count: number): void {
    if (!processes) {
        return;
    }
    const sorted = [...processes].sort((a, b) => b.cpu - a.cpu);
    const total = sorted.reduce((sum, record) => sum + record.cpu, 0);
    console.log(`node processes of the last run by CPU time (all ${sorted.length}: ${total.toFixed(1)} s; the rest of the run's CPU is npm, sh, openssl):`);
    for (const record of sorted.slice(0, count)) {
        console.log(`  ${record.cpu.toFixed(1).padStart(6)} s cpu ${record.wall.toFixed(1).padStart(6)} s wall  ${processLabel(record.argv)}`);
    }
}

main();
