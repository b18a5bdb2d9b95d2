import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import { ConfigValidationError, ConfigWarning } from "../config/problems";
import { Settings, readSettings } from "../config/settings";
import { main } from "../tools/plan";
import { exampleStackConfig, mergeConfig, tempDir } from "./helpers";

const STACK = { projectName: "batch-entra", stackName: "dev" };

/** Settings read from the example stack plus `overrides` (bare keys are batch-entra keys); `secretKeys` were set with --secret. */
export function settingsWith(overrides: Record<string, unknown>, secretKeys: readonly string[] = []): Settings {
    const config = mergeConfig(exampleStackConfig(), overrides);
    return readSettings({ get: (key) => (Object.hasOwn(config, key) ? config[key] : undefined), keys: () => Object.keys(config), isSecret: (key) => secretKeys.includes(key) }, STACK);
}

/** The validation error `settingsWith` throws; fails the test when the configuration is accepted. */
export function validationErrorOf(overrides: Record<string, unknown>, secretKeys: readonly string[] = []): ConfigValidationError {
    try {
        settingsWith(overrides, secretKeys);
    } catch (error) {
        if (error instanceof ConfigValidationError) {
            return error;
        }
        throw error;
    }
    throw new Error("expected the configuration to be rejected");
}

/** The warnings recorded for `key` (fully qualified, or a batch-entra key). */
export function warningsFor(overrides: Record<string, unknown>, key: string): ConfigWarning[] {
    const fullKey = key.includes(":") ? key : `batch-entra:${key}`;
    return settingsWith(overrides).warnings.filter((warning) => warning.key === fullKey);
}

/** Runs `npm run plan` in-process on a stack file written from `config` (YAML values as given); returns exit code and output. */
export async function planOfStackFile(config: Record<string, unknown>, extraArgs: string[] = []): Promise<{ code: number; out: string; err: string }> {
    const dir = tempDir("hardening");
    const stackFile = path.join(dir, "Pulumi.hardening.yaml");
    fs.writeFileSync(stackFile, yaml.dump({ config }));
    const out: string[] = [];
    const err: string[] = [];
    const log = jest.spyOn(console, "log").mockImplementation((...args) => void out.push(args.join(" ")));
    const error = jest.spyOn(console, "error").mockImplementation((...args) => void err.push(args.join(" ")));
    try {
        const code = await main(["--stack-file", stackFile, ...extraArgs]);
        return { code, out: out.join("\n"), err: err.join("\n") };
    } finally {
        log.mockRestore();
        error.mockRestore();
    }
}

/** The example stack file's own values, so a test stack file differs from it only in what the test changes. */
export function exampleStackFile(): Record<string, unknown> {
    const doc = yaml.load(fs.readFileSync(path.join(__dirname, "..", "Pulumi.dev.yaml"), "utf8")) as { config: Record<string, unknown> };
    return { ...doc.config };
}

/** A stack trace line, as Node prints them. */
export const STACK_TRACE_LINE = /^\s+at .+\(.+:\d+:\d+\)$|^\s+at .+:\d+:\d+$/m;
