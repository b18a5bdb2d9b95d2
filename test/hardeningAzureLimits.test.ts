import { CLOUD_REGIONS, checkRegion } from "../azure/regions";
import { isVmSizeShaped } from "../azure/limits";
import { expectRejected, runWith } from "./helpers";
import { settingsWith, warningsFor } from "./hardeningHelpers";

const SUBSCRIPTION = "00000000-1111-2222-3333-444444444444";
const guid = (n: number) => `${n.toString(16).padStart(8, "0")}-1111-4222-8333-444444444444`;

describe("what Entra ID and ARM enforce at deploy time is refused before anything is declared", () => {
    describe("redirect URIs (Entra: 256 per app, 256 characters, no ! $ ' ( ) , ;, app-receivable schemes)", () => {
        const uris = (count: number) => Array.from({ length: count }, (_, i) => `https://portal.contoso.com/cb${i}`);

        test("256 across all platforms is accepted; 257 is refused", async () => {
            const atLimit = { webRedirectUris: uris(200), spaRedirectUris: uris(55).map((u) => `${u}/spa`), publicClientRedirectUris: ["http://localhost"] };
            expect(settingsWith(atLimit).clientApp.redirectUris.web).toHaveLength(200);
            const { problem } = await expectRejected({ ...atLimit, spaRedirectUris: uris(56).map((u) => `${u}/spa`) }, "webRedirectUris");
            expect(problem.problem).toMatch(/lists 257 redirect URIs; Entra ID allows at most 256/);
        });

        test("a URI of 256 characters is accepted; 257 is refused", async () => {
            const at = `https://contoso.com/${"a".repeat(256 - "https://contoso.com/".length)}`;
            expect(at).toHaveLength(256);
            expect(settingsWith({ webRedirectUris: [at] }).clientApp.redirectUris.web).toEqual([at]);
            await expectRejected({ webRedirectUris: [`${at}b`] }, "webRedirectUris[0]");
        });

        test.each(["!", "$", "'", "(", ")", ",", ";"])("the character %s is refused", async (character) => {
            const { problem } = await expectRejected({ webRedirectUris: [`https://portal.contoso.com/sign${character}in`] }, "webRedirectUris[0]");
            expect(problem.problem).toMatch(/Entra ID refuses the characters/);
        });

        test.each(["javascript:alert(1)", "javascript://comment%0Aalert(1)", "file:///etc/passwd", "data:text/html,hi", "vbscript:x", "about:blank", "blob:https://a.contoso.com/x"])(
            "the public-client URI %s is refused",
            async (uri) => {
                const { problem } = await expectRejected({ publicClientRedirectUris: [uri] }, "publicClientRedirectUris[0]");
                expect(problem.problem).toMatch(/scheme|characters/);
            },
        );

        test("custom schemes of desktop and mobile apps are still accepted", () => {
            const accepted = settingsWith({ publicClientRedirectUris: ["msal0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9://auth", "com.contoso.batch://callback", "http://localhost"] });
            expect(accepted.clientApp.redirectUris.publicClient).toHaveLength(3);
        });
    });

    describe("owners (Entra: 100 per application, the deploying identity included)", () => {
        test("99 extra owners are accepted; 100 are refused", async () => {
            const owners = (count: number) => Array.from({ length: count }, (_, i) => guid(i));
            expect(settingsWith({ appOwners: owners(99) }).clientApp.owners).toHaveLength(99);
            const { problem } = await expectRejected({ appOwners: owners(100) }, "appOwners");
            expect(problem.problem).toMatch(/lists 100 entries; Entra ID allows 100 owners/);
        });

        test("pipelineOwners take 100; 101 are refused", async () => {
            const owners = (count: number) => Array.from({ length: count }, (_, i) => guid(i));
            expect(settingsWith({ pipelineOwners: owners(100) }).pipeline.owners).toHaveLength(100);
            await expectRejected({ pipelineOwners: owners(101) }, "pipelineOwners");
        });
    });

    describe("GUIDs are compared without case and handed on in lower case", () => {
        const upper = "0F1E2D3C-4B5A-4978-8695-A4B3C2D1E0F9";
        test("an owner listed in upper and lower case is a duplicate", async () => {
            const { problem } = await expectRejected({ appOwners: [upper, upper.toLowerCase()] }, "appOwners");
            expect(problem.problem).toMatch(/more than once/);
        });

        test("owners become inputs in lower case", async () => {
            const run = await runWith({ appOwners: [upper] });
            const app = run.resources.find((resource) => resource.type === "azuread:index/application:Application");
            expect(app?.inputs.owners).toContain(upper.toLowerCase());
            expect(JSON.stringify(app?.inputs.owners)).not.toContain(upper);
        });
    });

    describe("display names are text", () => {
        test.each([["a list", ["batch", "entra"]], ["a map", { name: "batch" }]])("appDisplayName given as %s is refused", async (_label, value) => {
            const { problem } = await expectRejected({ appDisplayName: value }, "appDisplayName");
            expect(problem.problem).toMatch(/must be a single value, not a (list|map)/);
        });

        test("a name of 120 characters is accepted", () => {
            expect(settingsWith({ appDisplayName: "n".repeat(120) }).clientApp.displayName).toHaveLength(120);
        });

        test.each(["location", "resourceGroupName", "cloud", "clientSecretLifetimeDays", "allowPublicClientFlows"])("%s given as a list is refused", async (key) => {
            await expectRejected({ [key]: ["westeurope"] }, key);
        });
    });

    describe("tags (ARM: 50 per resource, names compared without case)", () => {
        const tags = (count: number) => Object.fromEntries(Array.from({ length: count }, (_, i) => [`tag${i}`, "x"]));
        test("50 tags are accepted; 51 are refused", async () => {
            expect(Object.keys(settingsWith({ tags: tags(50) }).tags)).toHaveLength(50);
            const { problem } = await expectRejected({ tags: tags(51) }, "tags");
            expect(problem.problem).toMatch(/has 51 tags; Azure allows at most 50/);
        });

        test("Env and env are the same tag", async () => {
            const { problem } = await expectRejected({ tags: { Env: "dev", env: "prod" } }, "tags.env");
            expect(problem.problem).toMatch(/same tag as "Env"/);
        });
    });

    describe("IP rules (Batch: 200 per endpoint)", () => {
        const ranges = (count: number) => Array.from({ length: count }, (_, i) => `203.0.${Math.floor(i / 250)}.${i % 250}`);
        test("200 are accepted; 201 are refused", async () => {
            expect(settingsWith({ allowedIpRanges: ranges(200) }).batchAccount.allowedIpRanges).toHaveLength(200);
            const { problem } = await expectRejected({ allowedIpRanges: ranges(201) }, "allowedIpRanges");
            expect(problem.problem).toMatch(/at most 200 IP network rules/);
        });
    });

    describe("ARM resource IDs: the subscription segment is a GUID", () => {
        const storage = (subscription: string) => `/subscriptions/${subscription}/resourceGroups/rg-data/providers/Microsoft.Storage/storageAccounts/stbatchdata`;
        test.each([["36 hyphens", "-".repeat(36)], ["36 hex digits without hyphens' places", "0".repeat(36)]])("autoStorageAccountId with %s is refused", async (_label, subscription) => {
            await expectRejected({ autoStorageAccountId: storage(subscription) }, "autoStorageAccountId");
        });

        test("a GUID in any case is accepted", () => {
            expect(settingsWith({ autoStorageAccountId: storage(SUBSCRIPTION.toUpperCase()) }).batchAccount.autoStorageAccountId).toBeDefined();
        });

        test("a pool certificate's keyVaultId with a non-GUID subscription is refused", async () => {
            await expectRejected(
                {
                    pools: [{ name: "pool-01", vmSize: "Standard_D2s_v5", certificates: [{ secretUrl: "https://kv-certs.vault.azure.net/secrets/web", keyVaultId: `/subscriptions/${"-".repeat(36)}/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv-certs` }] }],
                },
                "pools[0].certificates[0].keyVaultId",
            );
        });
    });

    describe("certificate DNS names are host names", () => {
        const pool = (dnsNames: string[]) => ({ pools: [{ name: "pool-01", vmSize: "Standard_D2s_v5", certificates: [{ name: "web", subject: "CN=batch.contoso.com", dnsNames }] }] });
        test.each([["a 63-character label", `${"a".repeat(63)}.contoso.com`], ["a wildcard", "*.batch.contoso.com"], ["a 253-character name", `${"a".repeat(61)}.${"b".repeat(61)}.${"c".repeat(61)}.${"d".repeat(57)}.com`]])("%s is accepted", (_label, name) => {
            expect(name.length).toBeLessThanOrEqual(253);
            expect(settingsWith(pool([name])).pools.pools[0].certificates[0]).toMatchObject({ dnsNames: [name] });
        });

        test.each([["a 64-character label", `${"a".repeat(64)}.contoso.com`], ["an underscore", "batch_01.contoso.com"], ["a space", "batch contoso.com"], ["a leading hyphen", "-batch.contoso.com"], ["a URL", "https://batch.contoso.com"], ["an inner wildcard", "batch.*.contoso.com"], ["254 characters", `${"a".repeat(63)}.${"b".repeat(63)}.${"c".repeat(63)}.${"d".repeat(59)}.com`]])(
            "%s is refused",
            async (_label, name) => {
                await expectRejected(pool([name]), "pools[0].certificates[0].dnsNames[0]");
            },
        );
    });

    describe("the region belongs to the stack's cloud", () => {
        test("every shipped region is in exactly one cloud", () => {
            const all = Object.values(CLOUD_REGIONS).flat();
            expect(new Set(all).size).toBe(all.length);
        });

        test.each([
            ["westeurope", "usgovernment", "usgovvirginia"],
            ["usgovvirginia", "public", "westeurope"],
            ["chinanorth3", "usgovernment", "usgovvirginia"],
        ])("%s with cloud %s is refused, naming the key and a region of that cloud", async (region, cloud, example) => {
            const environments = cloud === "public" ? {} : { "azure-native:environment": cloud, "azuread:environment": cloud };
            const { problem } = await expectRejected({ cloud, ...environments, "azure-native:location": region }, "azure-native:location");
            expect(problem.problem).toMatch(/is a region of the \w+ cloud/);
            expect(problem.example).toBe(example);
        });

        test("the batch-entra:location key is named when it is the one set", async () => {
            await expectRejected({ location: "chinaeast2" }, "location");
        });

        test("a misspelt region is accepted with a did-you-mean warning", () => {
            const [warning] = warningsFor({ "azure-native:location": "westeurpoe" }, "azure-native:location");
            expect(warning.warning).toMatch(/did you mean "westeurope"\?/);
            expect(checkRegion("West Europe".toLowerCase().replace(/\s+/g, ""), "public")).toEqual({ kind: "known" });
        });

        test("a region of the cloud gives no warning", () => {
            expect(warningsFor({ "azure-native:location": "westeurope" }, "azure-native:location")).toEqual([]);
        });
    });

    describe("VM sizes have Azure's naming shape (a warning: Azure decides which sizes exist)", () => {
        test.each(["Standard_D2s_v5", "Standard_NC24ads_A100_v4", "Standard_E4-2s_v5", "Standard_DS1_v2", "Standard_M128ms", "Standard_A1_v2", "Basic_A0", "standard_d2s_v5", "Standard_NC4as_T4_v3", "Standard_HB120rs_v3"])(
            "%s has the shape",
            (size) => expect(isVmSizeShaped(size)).toBe(true),
        );

        test.each(["Standard_D2sv5", "D2s_v5", "Standard_D2s_v", "Standard__D2s_v5", "Standard_2s_v5"])("%s does not", (size) => expect(isVmSizeShaped(size)).toBe(false));

        test("Standard_D2sv5 in a pool is warned about under the pool's key", () => {
            const [warning] = warningsFor({ pools: [{ name: "pool-01", vmSize: "Standard_D2sv5" }] }, "pools[0].vmSize");
            expect(warning.warning).toMatch(/does not have the shape of an Azure VM size/);
            expect(warning.fix).toMatch(/Standard_D2s_v5/);
        });
    });
});
