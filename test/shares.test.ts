import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PROJECT_DIR, tempDir } from "./helpers";

const { split, findTestFiles } = require("./support/shares") as {
    split(files: string[], durations: Record<string, number>, sizeOf?: (file: string) => number): string[][];
    findTestFiles(): string[];
};

const file = (name: string) => path.join(PROJECT_DIR, name);

describe("npm test's shares", () => {
    test("recorded durations decide the split, longest first to the lightest share", () => {
        const files = ["a.test.ts", "b.test.ts", "c.test.ts", "d.test.ts"].map(file);
        const shares = split(files, { "a.test.ts": 10_000, "b.test.ts": 6_000, "c.test.ts": 5_000, "d.test.ts": 1_000 }, () => 100);
        expect(shares.map((share) => share.map((name) => path.basename(name)))).toEqual([["a.test.ts", "d.test.ts"], ["b.test.ts", "c.test.ts"]]);
    });

    test("a file with no recorded duration is costed by its size at the recorded files' median time per byte", () => {
        const files = ["heavy.test.ts", "light.test.ts", "new.test.ts"].map(file);
        const sizes: Record<string, number> = { "heavy.test.ts": 1_000, "light.test.ts": 1_000, "new.test.ts": 5_000 };
        // Recorded: 10 ms/byte and 1 ms/byte, median (upper) 10 ms/byte, so the new file costs 50 s and gets a share alone.
        const shares = split(files, { "heavy.test.ts": 10_000, "light.test.ts": 1_000 }, (name) => sizes[path.basename(name)]);
        expect(shares.map((share) => share.map((name) => path.basename(name)))).toEqual([["new.test.ts"], ["heavy.test.ts", "light.test.ts"]]);
    });

    test("the committed seed keeps the two child-process files in different shares of a fresh checkout", () => {
        const seed = require("./support/durations.seed.json") as Record<string, number>;
        const shares = split(findTestFiles(), seed).map((share) => share.map((name) => path.relative(PROJECT_DIR, name)));
        const shareOf = (name: string) => shares.findIndex((share) => share.includes(name));
        expect(shareOf("test/packageInstall.test.ts")).not.toBe(shareOf("test/componentProvider.test.ts"));
    });

    test("a test's scratch folder is inside the run's folder, which the run's teardown removes with what it holds", () => {
        expect(path.dirname(tempDir("scratch"))).toBe(process.env.BATCH_ENTRA_TEST_RUN_DIR);
        // A whole setUp ... tearDown, as jest's globalSetup and globalTeardown run them, with a cache of its own.
        const cache = fs.mkdtempSync(path.join(os.tmpdir(), "batch-entra-shares-cache-"));
        try {
            const script = `
                const fs = require("fs");
                const shares = require(${JSON.stringify(path.join(__dirname, "support", "shares"))});
                shares.setUp();
                const dir = shares.scratchDir("left-behind");
                fs.writeFileSync(dir + "/plan.json", "{}");
                shares.tearDown();
                console.log(JSON.stringify({ dir, exists: fs.existsSync(dir) }));
            `;
            const env = { ...process.env, BATCH_ENTRA_TEST_CACHE_DIR: cache, BATCH_ENTRA_TEST_RUN_DIR: "" };
            const { dir, exists } = JSON.parse(execFileSync(process.execPath, ["-e", script], { env, encoding: "utf8" }));
            expect(dir.startsWith(os.tmpdir())).toBe(true);
            expect(exists).toBe(false);
        } finally {
            fs.rmSync(cache, { recursive: true, force: true });
        }
    });
});
