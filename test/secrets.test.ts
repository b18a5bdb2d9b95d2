import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { fakeSecretValue } from "../tools/fakeCloud";
import { OfflineRun, runOffline } from "../tools/offlineRuntime";
import { main as plan } from "../tools/plan";
import { exampleStackConfig, runWith, tempDir } from "./helpers";

const SECRET_VALUE = fakeSecretValue("batch-client-secret");

/** A resource that only takes inputs, standing in for any resource a secret could be passed to. */
class Sink extends pulumi.CustomResource {
    constructor(name: string, props: pulumi.Inputs) {
        super("test:index:Sink", name, props);
    }
}

/** Paths (in the offline runtime's `a.b[0]` form) of every string under `value` that contains `needle`. */
function pathsHolding(value: unknown, needle: string, path = ""): string[] {
    if (typeof value === "string") {
        return value.includes(needle) ? [path] : [];
    }
    if (Array.isArray(value)) {
        return value.flatMap((item, index) => pathsHolding(item, needle, `${path}[${index}]`));
    }
    if (value !== null && typeof value === "object") {
        return Object.entries(value).flatMap(([key, item]) => pathsHolding(item, needle, path ? `${path}.${key}` : key));
    }
    return [];
}

/** Input paths of a run's resources that hold the client secret outside any path the run marked secret. */
function unmarkedSecretInputs(run: OfflineRun): string[] {
    return run.resources.flatMap((resource) =>
        pathsHolding(resource.inputs, SECRET_VALUE)
            .filter((path) => !resource.secretPaths.some((secret) => path === secret || path.startsWith(`${secret}.`) || path.startsWith(`${secret}[`)))
            .map((path) => `${resource.type} ${resource.name}: ${path}`),
    );
}

async function capturePlanOutput(argv: string[]): Promise<{ code: number; text: string }> {
    const lines: string[] = [];
    const log = jest.spyOn(console, "log").mockImplementation((...args) => void lines.push(args.join(" ")));
    const error = jest.spyOn(console, "error").mockImplementation((...args) => void lines.push(args.join(" ")));
    try {
        const code = await plan(argv);
        return { code, text: lines.join("\n") };
    } finally {
        log.mockRestore();
        error.mockRestore();
    }
}

describe("client secrets stay secret", () => {
    test("the client secret and the sdk-auth object are secret stack outputs", async () => {
        const run = await runWith();
        expect(run.outputs.clientSecret).toBe(SECRET_VALUE);
        expect(run.outputs.sdkAuth.clientSecret).toBe(SECRET_VALUE);
        expect([...run.secretOutputs].sort()).toEqual(["clientSecret", "sdkAuth"]);
    });

    test("the secret value is where secrets are, and under a secret mark wherever else it appears", async () => {
        const run = await runWith();
        const secretOutputs = Object.fromEntries(Object.entries(run.outputs).filter(([key]) => run.secretOutputs.includes(key)));
        const openOutputs = Object.fromEntries(Object.entries(run.outputs).filter(([key]) => !run.secretOutputs.includes(key)));
        // The search below finds the value where it is known to be, so finding it nowhere else means something.
        expect(pathsHolding(secretOutputs, SECRET_VALUE).sort()).toEqual(["clientSecret", "sdkAuth.clientSecret"]);
        expect(pathsHolding(openOutputs, SECRET_VALUE)).toEqual([]);
        expect(unmarkedSecretInputs(run)).toEqual([]);
    });

    test("a resource input that holds the secret without its mark is caught; one that keeps the mark is not", async () => {
        const program = require("../index") as () => Promise<Record<string, any>>;
        const run = await runOffline({
            config: exampleStackConfig(),
            program: async () => {
                const outputs = await program();
                new Sink("kept-secret", { settings: { value: outputs.clientSecret } });
                new Sink("lost-mark", { settings: [{ value: pulumi.unsecret(outputs.clientSecret) }] });
                return outputs;
            },
        });
        const kept = run.resources.find((resource) => resource.name === "kept-secret")!;
        expect(pathsHolding(kept.inputs, SECRET_VALUE)).toEqual(["settings.value"]);
        expect(kept.secretPaths).toEqual(["settings.value"]);
        expect(unmarkedSecretInputs(run)).toEqual(["test:index:Sink lost-mark: settings[0].value"]);
    });

    test("the offline plan never prints a secret value, in text or in its JSON file", async () => {
        const jsonPath = path.join(tempDir("secrets"), "plan.json");
        const { code, text } = await capturePlanOutput(["--stack", "dev", "--json", jsonPath]);
        expect(code).toBe(0);
        expect(text).toContain('clientSecret: "[secret]"');
        expect(text).toContain('sdkAuth: "[secret]"');
        expect(text).not.toContain(SECRET_VALUE);
        expect(text).not.toContain("FAKE-SECRET");
        const json = require("fs").readFileSync(jsonPath, "utf8");
        expect(json).not.toContain("FAKE-SECRET");
        expect(JSON.parse(json)["batch-entra"].outputs.clientSecret).toBe("[secret]");
    });
});

describe("the client secret delivered to Key Vault stays secret", () => {
    test("the Key Vault secret's value is a Pulumi secret in its inputs, and nowhere unmarked", async () => {
        const run = await runWith({ clientSecretKeyVault: true });
        const vaultSecret = run.resources.find((resource) => resource.type === "azure-native:keyvault:Secret")!;
        // The search finds the value where it is known to be, so finding it nowhere unmarked means something.
        expect(pathsHolding(vaultSecret.inputs, SECRET_VALUE)).toEqual(["properties.value"]);
        expect(vaultSecret.secretPaths.some((path) => path === "properties.value" || path === "properties")).toBe(true);
        expect(vaultSecret.options.additionalSecretOutputs).toContain("properties");
        expect(unmarkedSecretInputs(run)).toEqual([]);
    });

    test("the offline plan of such a stack never prints it, in text or JSON", async () => {
        const fs = require("fs");
        const dir = tempDir("secrets-keyvault");
        const stackFile = path.join(dir, "Pulumi.keyvault.yaml");
        const jsonPath = path.join(dir, "plan.json");
        const config = { ...exampleStackConfig(), "batch-entra:clientSecretKeyVault": "true" };
        fs.writeFileSync(stackFile, `config:\n${Object.entries(config).map(([key, value]) => `  ${key}: ${JSON.stringify(value)}`).join("\n")}\n`);
        const { code, text } = await capturePlanOutput(["--stack-file", stackFile, "--json", jsonPath]);
        expect(code).toBe(0);
        expect(text).toContain("azure-native:keyvault:Secret");
        expect(text).not.toContain("FAKE-SECRET");
        expect(fs.readFileSync(jsonPath, "utf8")).not.toContain("FAKE-SECRET");
    });
});

describe("the offline plan command", () => {
    test("prints the components, resources and a summary for the example stack", async () => {
        const { code, text } = await capturePlanOutput([]);
        expect(code).toBe(0);
        expect(text).toMatch(/^ \+ {3}├─ batch-entra:index:BatchClientApp +batch-client +create$/m);
        expect(text).toMatch(/^ \+ {3}│ {2}├─ azuread:index\/application:Application +batch-client-app +create$/m);
        expect(text).toMatch(/Resources:\n {4}\+ \d+ to create/);
    });

    test("exits 1 with the validation error on bad configuration, and 2 on a usage error", async () => {
        const file = path.join(tempDir("bad-stack"), "Pulumi.bad.yaml");
        require("fs").writeFileSync(file, "config:\n  batch-entra:clientSecretLifetimeDays: never\n");
        const bad = await capturePlanOutput(["--stack-file", file]);
        expect(bad.code).toBe(1);
        expect(bad.text).toContain("batch-entra:clientSecretLifetimeDays");
        expect(bad.text).not.toMatch(/\+ azuread/);
        expect((await capturePlanOutput(["--stack"])).code).toBe(2);
        expect((await capturePlanOutput(["--frobnicate"])).code).toBe(2);
        const missing = await capturePlanOutput(["--stack", "nosuchstack"]);
        expect(missing.code).toBe(2);
        expect(missing.text).toMatch(/Stacks in this project: .*dev/);
    });
});
