import * as fs from "fs";
import * as yaml from "js-yaml";
import * as path from "path";
import { CONFIG_NAMESPACE, readSettings } from "../config/settings";
import { CONFIG_KEYS } from "../config/configKeys";
import { typedInProject } from "../config/keys";
import { ConfigValidationError } from "../config/problems";
import { generateConfigDocs } from "../tools/generateConfigDocs";
import { loadStackConfig } from "../tools/stackConfig";
import { PROJECT_DIR } from "./helpers";

const STACK = { projectName: "batch-entra", stackName: "dev" };
/** The keys without a usable default: a region and the app's owners. */
const REQUIRED: Record<string, string> = {
    "azure-native:location": "westeurope",
    "batch-entra:appOwners": '["0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9"]',
};

function declaredProjectKeys(): Record<string, { type: string; default?: unknown; description?: string }> {
    const project = yaml.load(fs.readFileSync(path.join(PROJECT_DIR, "Pulumi.yaml"), "utf8")) as any;
    return project.config;
}

/** The keys of the batch-entra namespace that readSettings asks for, recorded from its reads of an empty config. */
function keysTheProgramReads(): string[] {
    const read = new Set<string>();
    readSettings(
        {
            get: (key) => {
                read.add(key);
                return REQUIRED[key];
            },
            keys: () => [],
        },
        STACK,
    );
    return [...read].filter((key) => key.startsWith(`${CONFIG_NAMESPACE}:`)).map((key) => key.slice(CONFIG_NAMESPACE.length + 1));
}

describe("Pulumi.yaml, the README and the code agree on the configuration", () => {
    test("the key declarations are exactly the keys the program reads, each declared once", () => {
        const declared = CONFIG_KEYS.map((key) => key.name);
        const reads = keysTheProgramReads();
        expect({ undeclared: reads.filter((key) => !declared.includes(key)), unread: declared.filter((key) => !reads.includes(key)) }).toEqual({ undeclared: [], unread: [] });
        expect(declared.filter((key, index) => declared.indexOf(key) !== index)).toEqual([]);
    });

    test("every declared example is a value its key accepts", () => {
        // Keys that only apply alongside another key are tried with that key's example too.
        const alongside: Record<string, string[]> = { privateDnsZones: ["privateEndpointSubnetId"], clientCredentialReaders: ["clientSecretKeyVault"] };
        const exampleOf = (name: string) => ({ [`${CONFIG_NAMESPACE}:${name}`]: CONFIG_KEYS.find((key) => key.name === name)!.example });
        const refused = CONFIG_KEYS.flatMap((key) => {
            const fullKey = `${CONFIG_NAMESPACE}:${key.name}`;
            const context = Object.assign({}, ...(alongside[key.name] ?? []).map(exampleOf));
            try {
                readSettings(rawOf({ ...REQUIRED, ...context, [fullKey]: key.example }), STACK);
                return [];
            } catch (error) {
                if (!(error instanceof ConfigValidationError)) throw error;
                return error.problems.filter((problem) => problem.key === fullKey || problem.key.startsWith(`${fullKey}[`)).map((problem) => `${key.name}: ${problem.problem}`);
            }
        });
        expect(refused).toEqual([]);
    });

    test("the committed Pulumi.yaml and README are what npm run generate:config writes", () => {
        const stale = generateConfigDocs(PROJECT_DIR)
            .filter(({ file, text }) => fs.readFileSync(path.join(PROJECT_DIR, file), "utf8") !== text)
            .map(({ file }) => `${file} is stale: its configuration part differs from the key declarations; run npm run generate:config and commit the result`);
        expect(stale).toEqual([]);
    });

    test("a changed declaration changes both generated files, and Pulumi.yaml leaves out the keys it cannot type", () => {
        const changed = CONFIG_KEYS.map((key) => (key.name === "appRole" ? { ...key, description: "Changed role text.", reference: { meaning: "Changed meaning." } } : key));
        const [project, readme] = generateConfigDocs(PROJECT_DIR, changed);
        expect(project.text).toContain("description: Changed role text.");
        expect(readme.text).toContain("| `appRole` | string | `JobSubmitter` | Changed meaning. |");
        const untyped = CONFIG_KEYS.filter((key) => !typedInProject(key)).map((key) => key.name);
        expect(untyped).toEqual(expect.arrayContaining(["tags", "pools", "privateDnsZones", "roleAssignments"]));
        expect(Object.keys(declaredProjectKeys()).filter((key) => untyped.includes(key))).toEqual([]);
        expect(Object.keys(declaredProjectKeys())).toEqual(CONFIG_KEYS.filter(typedInProject).map((key) => key.name));
    });

    test("every key the program reads is declared in Pulumi.yaml or documented in the README's reference", () => {
        const declared = Object.keys(declaredProjectKeys());
        const readme = fs.readFileSync(path.join(PROJECT_DIR, "README.md"), "utf8");
        const undocumented = keysTheProgramReads().filter((key) => !declared.includes(key) && !readme.includes(`| \`${key}\` |`));
        expect(undocumented).toEqual([]);
    });

    test("every declaration fits the Pulumi CLI's project schema (simple types only, items for arrays)", () => {
        // pulumi/pulumi sdk/go/common/workspace/project.json: a declaration has only these fields; types and item
        // types are string, integer, boolean or array. `object` is not one of them: the CLI rejects the whole file.
        const simpleTypes = ["string", "integer", "boolean", "array"];
        for (const [key, declaration] of Object.entries<any>(declaredProjectKeys())) {
            expect({ key, fields: Object.keys(declaration).filter((f) => !["type", "items", "description", "secret", "default"].includes(f)) }).toEqual({ key, fields: [] });
            expect({ key, type: simpleTypes.includes(declaration.type) }).toEqual({ key, type: true });
            let items = declaration.type === "array" ? declaration.items : undefined;
            expect({ key, hasItems: declaration.type !== "array" || items !== undefined }).toEqual({ key, hasItems: true });
            while (items !== undefined) {
                expect({ key, itemType: simpleTypes.includes(items.type) }).toEqual({ key, itemType: true });
                items = items.type === "array" ? items.items : undefined;
            }
        }
    });

    test("every key declared in Pulumi.yaml is read by the program, typed and described", () => {
        const reads = keysTheProgramReads();
        for (const [key, declaration] of Object.entries(declaredProjectKeys())) {
            expect({ key, read: reads.includes(key) }).toEqual({ key, read: true });
            expect(["string", "integer", "boolean", "array"]).toContain(declaration.type);
            expect(declaration.description?.length ?? 0).toBeGreaterThan(10);
        }
    });

    test("Pulumi.yaml's defaults give the same settings as the code's own defaults", () => {
        const withProjectDefaults = loadStackConfig(PROJECT_DIR, "dev", path.join(PROJECT_DIR, "test", "fixtures", "empty-stack.yaml"));
        const fromYaml = readSettings(rawOf({ ...withProjectDefaults.config, ...REQUIRED }), STACK);
        const fromCode = readSettings(rawOf(REQUIRED), STACK);
        expect(fromYaml).toEqual(fromCode);
    });

    test("every key in the README's configuration reference is one the program reads", () => {
        const readme = fs.readFileSync(path.join(PROJECT_DIR, "README.md"), "utf8");
        const start = readme.indexOf("## Configuration reference");
        const reference = readme.slice(start, readme.indexOf("\n## ", start + 1));
        const documented = [...reference.matchAll(/^\| `([A-Za-z0-9.[\]]+)` \|/gm)].map((match) => match[1]);
        expect(documented.length).toBeGreaterThan(5);
        const reads = keysTheProgramReads();
        expect(documented.filter((key) => !reads.includes(key))).toEqual([]);
    });
});

function rawOf(values: Record<string, string>) {
    return { get: (key: string) => values[key], keys: () => Object.keys(values) };
}
