import { fakeSecretValue } from "../tools/fakeCloud";
import { main as plan } from "../tools/plan";
import { runWith } from "./helpers";

const SECRET_VALUE = fakeSecretValue("batch-client-secret");

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

    test("no non-secret output or resource input carries the secret value", async () => {
        const run = await runWith();
        const openOutputs = Object.entries(run.outputs).filter(([key]) => !run.secretOutputs.includes(key));
        expect(JSON.stringify(openOutputs)).not.toContain(SECRET_VALUE);
        for (const resource of run.resources) {
            const masked = JSON.stringify(resource.inputs);
            if (masked.includes(SECRET_VALUE)) {
                expect(resource.secretPaths.length).toBeGreaterThan(0);
            }
        }
    });

    test("the offline plan never prints a secret value, in text or in its JSON file", async () => {
        const jsonPath = `${require("os").tmpdir()}/batch-entra-secrets-test.plan.json`;
        const { code, text } = await capturePlanOutput(["--stack", "dev", "--json", jsonPath]);
        expect(code).toBe(0);
        expect(text).toContain("clientSecret: [secret]");
        expect(text).toContain("sdkAuth: [secret]");
        expect(text).not.toContain(SECRET_VALUE);
        expect(text).not.toContain("FAKE-SECRET");
        const json = require("fs").readFileSync(jsonPath, "utf8");
        expect(json).not.toContain("FAKE-SECRET");
        expect(JSON.parse(json).outputs.clientSecret).toBe("[secret]");
    });
});

describe("the offline plan command", () => {
    test("prints the components, resources and a summary for the example stack", async () => {
        const { code, text } = await capturePlanOutput([]);
        expect(code).toBe(0);
        expect(text).toMatch(/\+- batch-entra:app:BatchClientApp {2}batch-client/);
        expect(text).toMatch(/\+ azuread:index\/application:Application {2}batch-client-app/);
        expect(text).toMatch(/Resources: \d+ to create/);
    });

    test("exits 1 with the validation error on bad configuration, and 2 on a usage error", async () => {
        const file = `${require("os").tmpdir()}/batch-entra-bad-stack.yaml`;
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
