import { performance } from "perf_hooks";

const { share } = require("./shares") as {
    share(index: number): { files: string[]; relative(file: string): string; record(durations: Record<string, number>): void };
};

/**
 * Declares the tests of share `index`: each test file under a describe named by its path, so its top-level hooks stay
 * its own and a failure names its file. A file that fails to load fails one test under its name; the others still run.
 * Each file's duration (loading plus its tests) is recorded for the next run's split. What a file changes for the rest
 * of the process (environment variables, timers, mocks, patched modules) it must restore, since the next file runs in
 * the same registry: a file that leaves an environment variable changed fails.
 */
export function runShare(index: number): void {
    const { files, relative, record } = share(index);
    const durations: Record<string, number> = {};
    warmUp();
    for (const file of files) {
        const name = relative(file);
        describe(name, () => {
            let started = 0;
            let environment: NodeJS.ProcessEnv = {};
            beforeAll(() => {
                started = performance.now();
                environment = { ...process.env };
            });
            const loadStarted = performance.now();
            const beforeLoad = { ...process.env };
            try {
                require(file);
                expectEnvironment(name, "loading it", beforeLoad);
            } catch (error) {
                test("loads", () => {
                    throw error;
                });
            }
            const loading = performance.now() - loadStarted;
            afterAll(() => {
                durations[name] = Math.round(loading + performance.now() - started);
                expectEnvironment(name, "its tests", environment);
            });
        });
    }
    afterAll(() => record(durations));
}

/**
 * Loads the Pulumi SDKs and runs the example stack once before the share's files, so that no file's recorded duration
 * carries the share's one-off start (~1.5 s: modules loaded, the mock runtime compiled). Otherwise that cost lands on
 * whichever file of the share runs a program first, moves with the split, and unbalances the next run's shares. A
 * program that fails here is ignored: the tests that run it report it.
 */
function warmUp(): void {
    const { runOffline } = require("../../tools/offlineRuntime") as typeof import("../../tools/offlineRuntime");
    const { exampleStackConfig } = require("../helpers") as typeof import("../helpers");
    beforeAll(async () => {
        await runOffline({ config: exampleStackConfig() }).catch(() => undefined);
    });
}

function expectEnvironment(file: string, when: string, before: NodeJS.ProcessEnv): void {
    const changed = [...new Set([...Object.keys(before), ...Object.keys(process.env)])].filter((key) => before[key] !== process.env[key]);
    if (changed.length > 0) {
        throw new Error(`${file}: ${when} left environment variables changed for the files after it: ${changed.sort().join(", ")}`);
    }
}
