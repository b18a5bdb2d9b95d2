import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { ConfigProblem, ConfigValidationError } from "../config/problems";
import type { CertificateRotatingPoolArgs } from "../features/pools/certificateRotatingPool";
import { CONFIG_NAMESPACE } from "../config/settings";
import { DeclaredResource, OfflineProgramError, OfflineRun, runOffline } from "../tools/offlineRuntime";
import { loadStackConfig } from "../tools/stackConfig";

export const PROJECT_DIR = path.resolve(__dirname, "..");

/** A fresh folder for a test's files; the jest run removes it at its end with everything in it (test/support/shares.js). */
export const tempDir: (prefix: string) => string = (require("./support/shares") as { scratchDir(prefix: string): string }).scratchDir;

/**
 * Node arguments that run a TypeScript file in a child process, as package.json's plan and verify scripts do: sucrase
 * strips types without loading the TypeScript compiler, which ts-node does at every start (npm test type-checks).
 */
export const TYPESCRIPT_RUNNER: readonly string[] = ["-r", "sucrase/register/ts"];

/** The example stack the repository ships (Pulumi.dev.yaml with Pulumi.yaml's defaults), as the CLI would read it. */
export function exampleStackConfig(stack = "dev"): Record<string, string> {
    return loadStackConfig(PROJECT_DIR, stack).config;
}

/** Fully qualifies bare keys with the project namespace and stores non-strings as JSON, as the CLI does. */
export function toRawConfig(values: Record<string, unknown>): Record<string, string> {
    return Object.fromEntries(
        Object.entries(values).map(([key, value]) => [
            key.includes(":") ? key : `${CONFIG_NAMESPACE}:${key}`,
            typeof value === "string" ? value : JSON.stringify(value),
        ]),
    );
}

/**
 * Runs the program with the example stack's configuration plus `overrides` (bare keys are batch-entra keys;
 * a value of `undefined` removes the key).
 */
export async function runWith(overrides: Record<string, unknown> = {}, base = exampleStackConfig()): Promise<OfflineRun> {
    return runOffline({ config: mergeConfig(base, overrides) });
}

export function mergeConfig(base: Record<string, string>, overrides: Record<string, unknown>): Record<string, string> {
    const config = { ...base };
    for (const [key, value] of Object.entries(overrides)) {
        const fullKey = key.includes(":") ? key : `${CONFIG_NAMESPACE}:${key}`;
        if (value === undefined) {
            delete config[fullKey];
        } else {
            Object.assign(config, toRawConfig({ [fullKey]: value }));
        }
    }
    return config;
}

export interface Rejection {
    readonly error: ConfigValidationError;
    /** The problem reported for the expected key. */
    readonly problem: ConfigProblem;
    /** Cloud resources declared before validation stopped the program (must be none). */
    readonly declared: readonly DeclaredResource[];
}

/**
 * Runs the program with `overrides` and expects validation to reject it: the error must name `key` (bare keys are
 * batch-entra keys; `key[0]`, `key.field` forms name a part), and no cloud resource may have been declared.
 */
export async function expectRejected(overrides: Record<string, unknown>, key: string): Promise<Rejection> {
    const fullKey = key.includes(":") ? key : `${CONFIG_NAMESPACE}:${key}`;
    try {
        await runWith(overrides);
    } catch (error) {
        if (!(error instanceof OfflineProgramError) || !(error.cause instanceof ConfigValidationError)) {
            throw error;
        }
        const problem = error.cause.problems.find((candidate) => candidate.key === fullKey);
        if (!problem) {
            throw new Error(`Expected a problem with ${fullKey}; got:\n${error.cause.message}`);
        }
        const declared = error.resources.filter((resource) => resource.custom);
        expect(declared).toEqual([]);
        expect(problem.example.length).toBeGreaterThan(0);
        expect(error.cause.message).toContain(fullKey);
        return { error: error.cause, problem, declared };
    }
    throw new Error(`Expected the configuration to be rejected for ${fullKey}, but the program ran`);
}

/** Links these packages from this repository's node_modules into `dir`'s, as an install of them there would place them. */
export function linkRepositoryPackages(dir: string, names: readonly string[]): void {
    for (const name of names) {
        fs.mkdirSync(path.dirname(path.join(dir, "node_modules", name)), { recursive: true });
        fs.symlinkSync(path.join(PROJECT_DIR, "node_modules", name), path.join(dir, "node_modules", name), "dir");
    }
}

/** Good args for a CertificateRotatingPool constructed directly (plain values, so they also travel as Construct inputs). */
export const LIBRARY_POOL_ARGS: CertificateRotatingPoolArgs = {
    resourceGroupName: "rg-batch",
    batchAccountName: "batchprod01",
    poolName: "pool-01",
    vmSize: "Standard_D2s_v5",
    image: { publisher: "canonical", offer: "ubuntu-24_04-lts", sku: "server", version: "latest", nodeAgentSkuId: "batch.node.ubuntu 24.04", osFamily: "linux" },
    identity: { id: "identity-id", clientId: "identity-client-id" },
    certificates: [],
};

/**
 * Constructs a component the way a platform team's own program would, with no stack configuration to validate, and
 * expects it to refuse its args: a ResourceError, with what was declared before it (no cloud resource, when the
 * component checks its args first, as it must).
 */
export async function libraryRefusal(construct: () => pulumi.ComponentResource): Promise<{ message: string; resources: readonly DeclaredResource[] }> {
    const failure = await runOffline({
        config: exampleStackConfig(),
        program: async () => {
            construct();
            return {};
        },
    }).catch((error) => error);
    expect(failure).toBeInstanceOf(OfflineProgramError);
    expect((failure as OfflineProgramError).cause).toBeInstanceOf(pulumi.ResourceError);
    return { message: failure.message, resources: failure.resources };
}
