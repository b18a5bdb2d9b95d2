import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const USAGE = `Usage: npm run bench:tests -- [--runs <n>] [--cold]

Runs the whole \`npm test\` <n> times (default 3) under /usr/bin/time and prints, per run and as medians, the wall
time, the CPU time (user + sys, the test processes and every child they start) and the peak RSS of the largest process.
--cold gives each run an empty jest cache and an empty cache of its own (no type-check build info, test durations
from the committed seed only), as a fresh checkout in CI has. On a shared machine the CPU figures are the ones to compare;
wall time on an idle 2-core machine is about max(CPU / 2, the type-check's CPU). Then the longest test files of the
last run, from the durations the shares keep (test/support/shares.js). Not a test: it prints figures.`;

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

function parseArgs(argv: readonly string[]): { runs: number; cold: boolean } {
    let runs = 3;
    let cold = false;
    for (let i = 0; i < argv.length; i++) {
        if (argv[i] === "--runs" && /^[1-9]\d*$/.test(argv[i + 1] ?? "")) {
            runs = Number(argv[++i]);
        } else if (argv[i] === "--cold") {
            cold = true;
        } else {
            console.error(argv[i] === "--help" ? USAGE : `bench:tests: unknown argument ${argv[i]}\n\n${USAGE}`);
            process.exit(argv[i] === "--help" ? 0 : 2);
        }
    }
    return { runs, cold };
}

function readDurations(file: string): Durations | undefined {
    try {
        return JSON.parse(fs.readFileSync(file, "utf8"));
    } catch {
        return undefined;
    }
}

function runOnce(cold: boolean): Run & { durations?: Durations } {
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "batch-entra-bench-tests-"));
    try {
        const report = path.join(scratch, "time.txt");
        // One argument: tools/test.sh runs the shares only when every argument is an option.
        const jestArgs = cold ? ["--", `--cacheDirectory=${path.join(scratch, "jest-cache")}`] : [];
        const testCache = path.join(scratch, "test-cache");
        const child = spawnSync(TIME, ["-f", "%e %U %S %M", "-o", report, "npm", "test", "--silent", ...jestArgs], {
            cwd: PROJECT_DIR,
            env: cold ? { ...process.env, [CACHE_DIR_VARIABLE]: testCache } : process.env,
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
        return { wall, cpu: user + sys, peakRssMiB: rssKiB / 1024, durations: readDurations(cold ? path.join(testCache, "durations.json") : DURATIONS_FILE) };
    } finally {
        fs.rmSync(scratch, { recursive: true, force: true });
    }
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
    const { runs, cold } = parseArgs(process.argv.slice(2));
    console.log(`npm test, ${runs} run(s), ${cold ? "empty" : "warm"} caches, ${os.cpus().length} cores, load average ${os.loadavg()[0].toFixed(1)}`);
    const results: (Run & { durations?: Durations })[] = [];
    for (let i = 1; i <= runs; i++) {
        const run = runOnce(cold);
        results.push(run);
        console.log(line(`run ${i}`, run));
    }
    console.log(line("median", {
        wall: median(results.map((run) => run.wall)),
        cpu: median(results.map((run) => run.cpu)),
        peakRssMiB: median(results.map((run) => run.peakRssMiB)),
    }));
    console.log(`load average after: ${os.loadavg()[0].toFixed(1)}`);
    printLongestFiles(results[results.length - 1].durations, 10);
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

main();
