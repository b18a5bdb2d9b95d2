/*
 * How `npm test` splits the test files into shares, one per jest worker (tools/test.sh, test/support/aggregate.config.js).
 * Jest gives every test file a fresh module registry, so each file would load the Pulumi SDKs and warm up the mock
 * runtime again (~1.5 s CPU); a share requires its files into one registry and pays that once.
 *
 * The test files are found exactly as jest.config.js finds them (its testMatch and testPathIgnorePatterns), so a new
 * or moved `*.test.ts` file needs no edit here. The shares are balanced by each file's duration in earlier runs (kept
 * in node_modules/.cache), or by file size when a file has never run; globalSetup fixes the split once per run, so
 * every share sees the same one even when the shares run one after the other.
 */
const fs = require("fs");
const os = require("os");
const path = require("path");
const { globsToMatcher, replacePathSepForGlob } = require("jest-util");
const base = require("../../jest.config");

const ROOT_DIR = path.resolve(__dirname, "..", "..");
/** One share per `share<N>.aggregate.ts` file here, one per jest worker (jest.config.js's maxWorkers). */
const SHARE_FILE = /^share\d+\.aggregate\.ts$/;
const SHARES = fs.readdirSync(__dirname).filter((name) => SHARE_FILE.test(name)).length;
/**
 * Where `npm test` keeps what it learns between runs on this machine: test durations, the type-check's build info.
 * BATCH_ENTRA_TEST_CACHE_DIR puts it elsewhere: `npm run bench:tests -- --cold` gives each run an empty one, as a fresh
 * checkout in CI has.
 */
const CACHE_DIR_VARIABLE = "BATCH_ENTRA_TEST_CACHE_DIR";
const CACHE_DIR = process.env[CACHE_DIR_VARIABLE] || path.join(ROOT_DIR, "node_modules", ".cache", "batch-entra-tests");
const DURATIONS_FILE = path.join(CACHE_DIR, "durations.json");
/**
 * Durations of one run on a 2-core machine, committed so that a fresh checkout splits by time too: by size alone the
 * two files that start child processes (the package test, the component provider's) are small but take a third of
 * the run, and their share finished ~10 s after the other. A stale seed only makes a worse split, never a wrong run;
 * refresh it with `cp node_modules/.cache/batch-entra-tests/durations.json test/support/durations.seed.json`.
 */
const SEED_FILE = path.join(__dirname, "durations.seed.json");
/**
 * Set by globalSetup for the workers: the run's folder, holding the split, each share's measured durations and the
 * tests' scratch folders (scratchDir). Every jest run has one, with the shares or without (jest.config.js).
 */
const RUN_DIR_VARIABLE = "BATCH_ENTRA_TEST_RUN_DIR";

function withRootDir(pattern) {
    return pattern.replace(/<rootDir>/g, replacePathSepForGlob(ROOT_DIR));
}

/** Every test file jest.config.js would run, as absolute paths in a stable order. */
function findTestFiles() {
    const isTest = globsToMatcher(base.testMatch.map(withRootDir));
    const ignored = base.testPathIgnorePatterns.map((pattern) => new RegExp(withRootDir(pattern)));
    const found = [];
    const walk = (dir) => {
        for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
            const full = path.join(dir, entry.name);
            if (entry.name.startsWith(".") || ignored.some((pattern) => pattern.test(full + (entry.isDirectory() ? path.sep : "")))) {
                continue;
            }
            if (entry.isDirectory()) {
                walk(full);
            } else if (isTest(replacePathSepForGlob(full))) {
                found.push(full);
            }
        }
    };
    walk(ROOT_DIR);
    return found.sort();
}

function readJson(file) {
    try {
        return JSON.parse(fs.readFileSync(file, "utf8"));
    } catch {
        return {};
    }
}

/** This machine's durations from earlier runs, over the committed seed (a fresh checkout, as in CI, has only that). */
function readDurations() {
    return { ...readJson(SEED_FILE), ...readJson(DURATIONS_FILE) };
}

/**
 * Longest first, each to the share with the least so far: within a few percent of the best split for ~40 files. A file
 * with no recorded duration (new, or renamed) is costed by its size at the recorded files' median time per byte.
 */
function split(files, durations, sizeOf = (file) => fs.statSync(file).size) {
    const relative = (file) => path.relative(ROOT_DIR, file);
    const recorded = files.filter((file) => durations[relative(file)] !== undefined);
    const rates = recorded.map((file) => durations[relative(file)] / Math.max(1, sizeOf(file))).sort((a, b) => a - b);
    const msPerByte = rates.length > 0 ? rates[Math.floor(rates.length / 2)] : 1;
    const cost = (file) => durations[relative(file)] ?? sizeOf(file) * msPerByte;
    const shares = Array.from({ length: SHARES }, () => ({ cost: 0, files: [] }));
    for (const file of [...files].sort((a, b) => cost(b) - cost(a) || a.localeCompare(b))) {
        const lightest = shares.reduce((min, share) => (share.cost < min.cost ? share : min));
        lightest.cost += cost(file);
        lightest.files.push(file);
    }
    return shares.map((share) => share.files.sort());
}

/**
 * A fresh folder for a test's files, inside this run's folder, which globalTeardown removes with everything in it;
 * outside a jest run (a script requiring a test helper), under the system's temporary directory.
 */
function scratchDir(prefix) {
    return fs.mkdtempSync(path.join(process.env[RUN_DIR_VARIABLE] || os.tmpdir(), `${prefix}-`));
}

/** globalSetup: fixes this run's split. */
function setUp() {
    const runDir = fs.mkdtempSync(path.join(os.tmpdir(), "batch-entra-tests-"));
    fs.writeFileSync(path.join(runDir, "split.json"), JSON.stringify(split(findTestFiles(), readDurations())));
    process.env[RUN_DIR_VARIABLE] = runDir;
}

/** globalTeardown: keeps the durations measured in this run for the next run's split. */
function tearDown() {
    const runDir = process.env[RUN_DIR_VARIABLE];
    if (!runDir) {
        return;
    }
    const durations = readDurations();
    for (const name of fs.readdirSync(runDir).filter((name) => name.startsWith("durations-"))) {
        Object.assign(durations, JSON.parse(fs.readFileSync(path.join(runDir, name), "utf8")));
    }
    const current = new Set(findTestFiles().map((file) => path.relative(ROOT_DIR, file)));
    const kept = Object.fromEntries(Object.entries(durations).filter(([file]) => current.has(file)).sort());
    fs.mkdirSync(path.dirname(DURATIONS_FILE), { recursive: true });
    fs.writeFileSync(`${DURATIONS_FILE}.${process.pid}`, JSON.stringify(kept, null, 2));
    fs.renameSync(`${DURATIONS_FILE}.${process.pid}`, DURATIONS_FILE);
    fs.rmSync(runDir, { recursive: true, force: true });
    delete process.env[RUN_DIR_VARIABLE];
}

/** In a worker: the files of share `index` (1-based) and where to record their durations. */
function share(index) {
    const runDir = process.env[RUN_DIR_VARIABLE];
    if (!runDir) {
        throw new Error(`${path.basename(__filename)}: no ${RUN_DIR_VARIABLE}; run the shares through test/support/aggregate.config.js (npm test)`);
    }
    const files = JSON.parse(fs.readFileSync(path.join(runDir, "split.json"), "utf8"))[index - 1] ?? [];
    return {
        files,
        relative: (file) => path.relative(ROOT_DIR, file),
        record: (durations) => fs.writeFileSync(path.join(runDir, `durations-${index}.json`), JSON.stringify(durations)),
    };
}

module.exports = { SHARES, CACHE_DIR_VARIABLE, CACHE_DIR, DURATIONS_FILE, findTestFiles, split, setUp, tearDown, share, scratchDir };
