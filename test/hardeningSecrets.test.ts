import { ConfigValidationError, describeConfigWarning } from "../config/problems";
import { OfflineProgramError, runOffline } from "../tools/offlineRuntime";
import { exampleStackConfig, mergeConfig } from "./helpers";
import { STACK_TRACE_LINE, exampleStackFile, planOfStackFile, settingsWith, validationErrorOf, warningsFor } from "./hardeningHelpers";

/** A value set with --secret; long enough that a cut copy of it would still be recognisable. */
const SECRET = "Zx9~vQ2-TopSecret-" + "k".repeat(90);
const CIPHERTEXT = "v1:AAABBBcccDDDeeeFFF0123456789abcdef==";
const ENTRA_SECRET = "abc8Q~" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7"; // 40 characters, the portal's shape
const GITHUB_TOKEN = "ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8";

/** Every form in which a secret could leak into a rendered message. */
function expectAbsent(text: string, secret = SECRET): void {
    expect(text).not.toContain(secret);
    expect(text).not.toContain(secret.slice(0, 24));
}

async function offlineRejection(overrides: Record<string, unknown>, secretKeys: string[]): Promise<ConfigValidationError> {
    try {
        await runOffline({ config: mergeConfig(exampleStackConfig(), overrides), secretKeys });
    } catch (error) {
        if (error instanceof OfflineProgramError && error.cause instanceof ConfigValidationError) {
            expect(error.resources.filter((resource) => resource.custom)).toEqual([]);
            return error.cause;
        }
        throw error;
    }
    throw new Error("expected the configuration to be rejected");
}

describe("secrets never reach configuration messages", () => {
    test.each(["appDisplayName", "clientSecretLifetimeDays", "tags", "roleAssignments", "location", "pipelineRepository"])(
        "a secure value in batch-entra:%s is refused, naming the key, without showing the value",
        (key) => {
            const error = validationErrorOf({ [key]: SECRET }, [`batch-entra:${key}`]);
            const problem = error.problems.find((p) => p.key === `batch-entra:${key}`);
            expect(problem?.problem).toMatch(/holds a secret value .* no batch-entra key holds a secret; the value is not shown/);
            expectAbsent(error.message);
            expectAbsent(JSON.stringify(error.problems));
            expect(error.problems.filter((p) => p.key === `batch-entra:${key}`)).toHaveLength(1);
        },
    );

    test("through the Pulumi runtime (the CLI's secret-keys list), the program refuses it before declaring anything", async () => {
        const error = await offlineRejection({ appDisplayName: SECRET }, ["batch-entra:appDisplayName"]);
        expect(error.problems.map((p) => p.key)).toContain("batch-entra:appDisplayName");
        expectAbsent(error.message);
        expect(error.message).not.toMatch(STACK_TRACE_LINE);
    });

    test("a secret provider value that validation would quote is redacted from problems and warnings", () => {
        const error = validationErrorOf({ "azure-native:location": `${SECRET}!` }, ["azure-native:location"]);
        expect(error.problems.map((p) => p.key)).toContain("azure-native:location");
        expectAbsent(error.message);
        expectAbsent(JSON.stringify(error.problems));
        expect(error.message).toContain("[secret]");

        const accepted = settingsWith({ "azure-native:location": "westeurpoe" }, ["azure-native:location"]);
        const text = accepted.warnings.map(describeConfigWarning).join("\n");
        expect(text).toContain("azure-native:location");
        expect(text).not.toContain("westeurpoe");
    });

    test("a secure provider credential (the limit case: a secret where a secret belongs) is accepted without a warning", () => {
        const settings = settingsWith({ "azure-native:clientSecret": ENTRA_SECRET }, ["azure-native:clientSecret"]);
        expect(settings.warnings.filter((w) => w.key === "azure-native:clientSecret")).toEqual([]);
    });

    test("the offline plan refuses a secure: value in our key, in text and Markdown, without the ciphertext or a stack trace", async () => {
        for (const format of [[], ["--format", "markdown"]]) {
            const result = await planOfStackFile({ ...exampleStackFile(), "batch-entra:appDisplayName": { secure: CIPHERTEXT } }, format);
            expect(result.code).toBe(1);
            const all = `${result.out}\n${result.err}`;
            expect(all).toContain("batch-entra:appDisplayName");
            expect(all).toMatch(/holds a secret value/);
            expectAbsent(all, CIPHERTEXT);
            expect(all).not.toContain("encrypted value");
            expect(all).not.toMatch(STACK_TRACE_LINE);
        }
    });

    test("the offline plan accepts a secure: provider key and prints no warning for it", async () => {
        const result = await planOfStackFile({ ...exampleStackFile(), "azure-native:clientSecret": { secure: CIPHERTEXT } });
        expect(result.code).toBe(0);
        expectAbsent(`${result.out}\n${result.err}`, CIPHERTEXT);
    });
});

describe("credentials typed in plain text are warned about, without showing them", () => {
    test.each([
        ["an Entra client secret in a tag", { tags: { owner: ENTRA_SECRET } }, "tags", /an Entra ID client secret/],
        ["a GitHub token in a description", { roleAssignments: [{ principalId: "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9", principalType: "User", role: "Reader", description: `token ${GITHUB_TOKEN}` }] }, "roleAssignments", /a GitHub token/],
        ["a password in the display name", { appDisplayName: "batch password=Hunter2!" }, "appDisplayName", /a password in a connection string/],
        ["a storage key in a provider key", { "azure-native:storageConnection": "DefaultEndpointsProtocol=https;AccountName=st;AccountKey=" + "Ab1+".repeat(12) + "==" }, "azure-native:storageConnection", /a storage account key|a password/],
        ["a private key", { tags: { cert: "-----BEGIN RSA PRIVATE KEY----- MIIB" } }, "tags", /a private key/],
    ])("%s", (_label, overrides, key, kind) => {
        const warnings = warningsFor(overrides, key);
        expect(warnings).toHaveLength(1);
        expect(warnings[0].warning).toMatch(kind);
        expect(warnings[0].fix).toMatch(/pulumi config set --secret/);
        const text = describeConfigWarning(warnings[0]);
        for (const secret of [ENTRA_SECRET, GITHUB_TOKEN, "Hunter2", "BEGIN RSA"]) {
            expect(text).not.toContain(secret);
        }
    });

    test("a provider key named like a credential but set in plain text is warned about", () => {
        const [warning] = warningsFor({ "azure-native:clientSecret": "not-shaped-like-anything" }, "azure-native:clientSecret");
        expect(warning.warning).toMatch(/names a credential but is stored in plain text/);
        expect(describeConfigWarning(warning)).not.toContain("not-shaped-like-anything");
    });

    test("ordinary values, and keys that only say where a credential lives, get no warning", () => {
        const settings = settingsWith({ "azuread:clientCertificatePath": "/home/me/cert.pfx", "azure-native:useOidc": "true" });
        expect(settings.warnings).toEqual([]);
    });
});
