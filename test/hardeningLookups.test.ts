import { ownEntry } from "../config/lookup";
import { POOL_IMAGES } from "../features/pools/config";
import { diagnoseTokenError } from "../tools/verify/diagnosis";
import { expectRejected, runWith } from "./helpers";

/** Names every JavaScript object answers to without having them as entries. */
const INHERITED_NAMES = ["constructor", "__proto__", "toString", "hasOwnProperty", "valueOf", "__defineGetter__"];

describe("a value looked up in a table never matches a built-in property name", () => {
    test("ownEntry finds own entries only", () => {
        expect(ownEntry(POOL_IMAGES, "ubuntu-22.04")).toBe(POOL_IMAGES["ubuntu-22.04"]);
        for (const name of INHERITED_NAMES) {
            expect(ownEntry(POOL_IMAGES, name)).toBeUndefined();
        }
    });

    test.each(INHERITED_NAMES)("pool image %p is refused as unknown, naming the key, without undefined or source code", async (name) => {
        const { problem, error } = await expectRejected({ pools: [{ name: "pool-01", vmSize: "Standard_D2s_v5", image: name }] }, "pools[0].image");
        expect(problem.problem).toMatch(/is not a supported image; choose one of ubuntu-24.04/);
        expect(error.message).not.toMatch(/undefined|function|\[native code\]/);
    });

    test.each([
        ["appRole", (name: string) => ({ appRole: name }), "appRole"],
        ["roleAssignments[0].role", (name: string) => ({ roleAssignments: [{ principalId: "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9", principalType: "User", role: name }] }), "roleAssignments[0].role"],
        ["appExtraScopes[0].role", (name: string) => ({ appExtraScopes: [{ scope: "/subscriptions/00000000-1111-2222-3333-444444444444/resourceGroups/rg-ml", role: name }] }), "appExtraScopes[0].role"],
        ["cloud", (name: string) => ({ cloud: name }), "cloud"],
        ["signInAudience", (name: string) => ({ signInAudience: name }), "signInAudience"],
        ["poolKeyVaultPermissionModel", (name: string) => ({ poolKeyVaultPermissionModel: name }), "poolKeyVaultPermissionModel"],
    ])("%s: every inherited name is refused as unknown", async (_label, overrides, key) => {
        for (const name of INHERITED_NAMES) {
            const { error } = await expectRejected(overrides(name), key);
            expect(error.message).not.toMatch(/undefined|function|\[native code\]/);
        }
    });

    test("certificates named like built-in properties (the limit case: valid Key Vault names) are declared normally", async () => {
        const run = await runWith({
            pools: [
                {
                    name: "pool-01",
                    vmSize: "Standard_D2s_v5",
                    certificates: [
                        { name: "tostring", subject: "CN=pool-01" },
                        {
                            secretUrl: "https://kv-certs.vault.azure.net/secrets/constructor",
                            keyVaultId: "/subscriptions/00000000-1111-2222-3333-444444444444/resourceGroups/rg-certs/providers/Microsoft.KeyVault/vaults/kv-certs",
                        },
                    ],
                },
            ],
            poolKeyVaultName: "kv-batch-pools-01",
        });
        const pool = run.resources.find((resource) => resource.type === "azure-native:batch:Pool");
        const observed = JSON.stringify(pool?.inputs);
        expect(observed).toContain("https://kv-certs.vault.azure.net/secrets/constructor");
        expect(observed).toContain("/secrets/tostring");
        expect(pool?.dependencies.every((urn) => typeof urn === "string" && urn.startsWith("urn:pulumi:"))).toBe(true);
    });

    test("verify's diagnosis treats an Entra error named like a built-in property as unknown", () => {
        const diagnosis = diagnoseTokenError(new Error("sign-in failed"), { error: "constructor" }, "https://login.microsoftonline.com");
        expect(JSON.stringify(diagnosis)).not.toMatch(/function|\[native code\]/);
        expect(typeof diagnosis.cause).toBe("string");
    });
});
