import * as fs from "fs";
import * as yaml from "js-yaml";
import * as path from "path";

export interface StackConfig {
    readonly project: string;
    readonly stack: string;
    /** Fully qualified keys to raw values, as the Pulumi CLI hands them to the program. */
    readonly config: Record<string, string>;
    /** Keys whose values are encrypted in the stack file; the offline tools cannot decrypt them. */
    readonly encryptedKeys: readonly string[];
}

/** Placeholder for a `secure:` value, which only the Pulumi CLI (with the stack's secrets provider) can decrypt. */
export const ENCRYPTED_PLACEHOLDER = "[encrypted value: only `pulumi up` can decrypt it]";

/**
 * Reads configuration the way the Pulumi CLI does: the project's defaults from Pulumi.yaml, overridden by the
 * values in Pulumi.<stack>.yaml. Structured values become JSON text, as the CLI passes them to programs.
 */
export function loadStackConfig(projectDir: string, stack: string, stackFile?: string): StackConfig {
    const projectFile = path.join(projectDir, "Pulumi.yaml");
    const projectDoc = readYaml(projectFile) as Record<string, any>;
    const project = String(projectDoc.name);
    const config: Record<string, string> = {};
    const encryptedKeys: string[] = [];

    for (const [key, declaration] of Object.entries<any>(projectDoc.config ?? {})) {
        const fullKey = key.includes(":") ? key : `${project}:${key}`;
        const isSchema = declaration !== null && typeof declaration === "object" && "type" in declaration;
        const value = isSchema ? declaration.default : declaration?.value ?? declaration;
        if (value !== undefined) {
            config[fullKey] = toRaw(value);
        }
    }

    const file = stackFile ?? path.join(projectDir, `Pulumi.${stack}.yaml`);
    if (!fs.existsSync(file)) {
        throw new Error(`No stack file ${file}. Stacks in this project: ${listStacks(projectDir).join(", ") || "none"}.`);
    }
    const stackDoc = (readYaml(file) ?? {}) as Record<string, any>;
    for (const [key, value] of Object.entries<any>(stackDoc.config ?? {})) {
        const fullKey = key.includes(":") ? key : `${project}:${key}`;
        if (value !== null && typeof value === "object" && "secure" in value) {
            config[fullKey] = ENCRYPTED_PLACEHOLDER;
            encryptedKeys.push(fullKey);
        } else {
            config[fullKey] = toRaw(value);
        }
    }
    return { project, stack, config, encryptedKeys };
}

/** Parses a YAML file; a syntax error names the file, line and column. */
function readYaml(file: string): unknown {
    try {
        return yaml.load(fs.readFileSync(file, "utf8"), { filename: file });
    } catch (error) {
        if (error instanceof yaml.YAMLException) {
            throw new Error(`${file} is not valid YAML: ${error.message}`);
        }
        throw error;
    }
}

export function listStacks(projectDir: string): string[] {
    return fs
        .readdirSync(projectDir)
        .map((file) => /^Pulumi\.(.+)\.ya?ml$/.exec(file)?.[1])
        .filter((stack): stack is string => stack !== undefined)
        .sort();
}

function toRaw(value: unknown): string {
    return typeof value === "string" ? value : JSON.stringify(value);
}
