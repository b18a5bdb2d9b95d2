import { defaultKeyVaultName, keyVaultNameProblem } from "../config/pools";
import { expectRejected } from "./helpers";

const minimal = { name: "pool-01", vmSize: "Standard_D2s_v5" };
const withPool = (fields: Record<string, unknown>) => ({ pools: [{ ...minimal, ...fields }] });

describe("certificates", () => {
    test("days before expiry must be less than the validity", async () => {
        const { problem } = await expectRejected(withPool({ certificates: [{ validityMonths: 1, daysBeforeExpiry: 28 }] }), "pools[0].certificates[0].daysBeforeExpiry");
        expect(problem.problem).toMatch(/not less than the 1-month validity/);
        expect(Number(problem.example)).toBeLessThan(28);
    });

    test("a /certificates/ URL is refused: it carries no private key", async () => {
        const { problem } = await expectRejected(
            withPool({ certificates: [{ secretUrl: "https://kv-certs.vault.azure.net/certificates/web-tls" }] }),
            "pools[0].certificates[0].secretUrl",
        );
        expect(problem.problem).toMatch(/private key/);
        expect(problem.example).toMatch(/\/secrets\//);
    });

    test("a versioned secret URL is refused with why it breaks rotation", async () => {
        const { problem } = await expectRejected(
            withPool({ certificates: [{ secretUrl: "https://kv-certs.vault.azure.net/secrets/web-tls/8f5f3f491afd48cb99286ba2aacd39af" }] }),
            "pools[0].certificates[0].secretUrl",
        );
        expect(problem.problem).toMatch(/renewals would never reach them/);
    });

    test("a URL that is not a Key Vault secret URL is refused", async () => {
        for (const secretUrl of ["https://storage.blob.core.windows.net/secrets/web-tls", "http://kv-certs.vault.azure.net/secrets/web-tls", "not a url"]) {
            await expectRejected(withPool({ certificates: [{ secretUrl }] }), "pools[0].certificates[0].secretUrl");
        }
    });

    test("a secret URL of another cloud is refused", async () => {
        const { problem } = await expectRejected(
            withPool({ certificates: [{ secretUrl: "https://kv-certs.vault.usgovcloudapi.net/secrets/web-tls" }] }),
            "pools[0].certificates[0].secretUrl",
        );
        expect(problem.problem).toMatch(/public cloud/);
    });

    test("a certificate outside the stack's vault needs the vault's ID", async () => {
        await expectRejected(withPool({ certificates: [{ secretUrl: "https://kv-certs.vault.azure.net/secrets/web-tls" }] }), "pools[0].certificates[0].keyVaultId");
    });

    test("a vault ID that names another vault than the URL is refused", async () => {
        const keyVaultId = "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv-other";
        await expectRejected(
            withPool({ certificates: [{ secretUrl: "https://kv-certs.vault.azure.net/secrets/web-tls", keyVaultId }] }),
            "pools[0].certificates[0].keyVaultId",
        );
    });

    test("two pools cannot create a certificate of the same name", async () => {
        await expectRejected(
            { pools: [{ ...minimal, certificates: [{ name: "shared" }] }, { name: "pool-02", vmSize: "Standard_D2s_v5", certificates: [{ name: "shared" }] }] },
            "pools[1].certificates[0].name",
        );
    });

    test("an unknown certificate field is reported, not ignored", async () => {
        await expectRejected(withPool({ certificates: [{ validityMonth: 12 }] }), "pools[0].certificates[0].validityMonth");
    });
});

describe("images", () => {
    test("a node agent SKU that does not match the image is refused", async () => {
        const { problem } = await expectRejected(withPool({ image: "ubuntu-22.04", nodeAgentSkuId: "batch.node.ubuntu 24.04" }), "pools[0].nodeAgentSkuId");
        expect(problem.example).toBe("batch.node.ubuntu 22.04");
    });

    test("a Linux image with the Windows agent is refused", async () => {
        await expectRejected(withPool({ image: "ubuntu-24.04", nodeAgentSkuId: "batch.node.windows amd64" }), "pools[0].nodeAgentSkuId");
    });

    test("an image the extension does not support (Ubuntu 18.04 from the article) is refused", async () => {
        await expectRejected(withPool({ image: { publisher: "canonical", offer: "ubuntuserver", sku: "18.04-lts" } }), "pools[0].image");
        await expectRejected(withPool({ image: "ubuntu-18.04" }), "pools[0].image");
    });
});

describe("pool entries", () => {
    test("an empty VM size is refused", async () => {
        const { problem } = await expectRejected(withPool({ vmSize: "" }), "pools[0].vmSize");
        expect(problem.example).toBe("Standard_D2s_v5");
    });

    test("a missing VM size is refused", async () => {
        await expectRejected({ pools: [{ name: "pool-01" }] }, "pools[0].vmSize");
    });

    test("a pool name Batch refuses is refused", async () => {
        await expectRejected(withPool({ name: "pool 01" }), "pools[0].name");
    });

    test("pool names are unique regardless of case", async () => {
        await expectRejected({ pools: [minimal, { ...minimal, name: "POOL-01" }] }, "pools[1].name");
    });

    test("autoscale and fixed node counts cannot be combined", async () => {
        await expectRejected(withPool({ dedicatedNodes: 1, autoScale: { formula: "$TargetDedicatedNodes = 1;" } }), "pools[0].autoScale");
    });

    test("an autoscale interval outside Batch's range is refused", async () => {
        await expectRejected(withPool({ autoScale: { formula: "$TargetDedicatedNodes = 1;", evaluationInterval: "PT1M" } }), "pools[0].autoScale.evaluationInterval");
    });

    test("negative node counts are refused", async () => {
        await expectRejected(withPool({ dedicatedNodes: -1 }), "pools[0].dedicatedNodes");
    });

    test("a polling interval under a minute is refused", async () => {
        await expectRejected(withPool({ pollingIntervalSeconds: 5 }), "pools[0].pollingIntervalSeconds");
    });

    test("a Windows store location on Linux (and the reverse) is refused", async () => {
        await expectRejected(withPool({ certificateStoreLocation: "LocalMachine" }), "pools[0].certificateStoreLocation");
        await expectRejected(withPool({ image: "windows-2022", certificateStoreLocation: "/var/lib/certs" }), "pools[0].certificateStoreLocation");
    });

    test("a misspelled pool field is reported", async () => {
        await expectRejected(withPool({ vmsize: "Standard_D2s_v5" }), "pools[0].vmsize");
    });

    test("pools must be a list", async () => {
        await expectRejected({ pools: { name: "pool-01" } }, "pools");
    });
});

describe("the vault and the identity", () => {
    test.each([
        ["kv", /3 to 24/],
        ["kv-this-name-is-far-too-long", /3 to 24/],
        ["1kv-pools", /start with a letter/],
        ["kv--pools", /consecutive hyphens/],
        ["kv_pools", /letters, digits and hyphens/],
        ["kv-pools-", /end with a letter or digit/],
    ])("vault name %s is refused", async (name, why) => {
        const { problem } = await expectRejected({ poolKeyVaultName: name }, "poolKeyVaultName");
        expect(problem.problem).toMatch(why);
    });

    test("the derived vault name follows Azure's rules and differs per stack and per subscription", () => {
        const subscription = "8c3f1c55-0000-4000-8000-00000000b47c";
        const named = (stackName: string, subscriptionId = subscription, generation = "2026-01-01T00:00:00Z") =>
            defaultKeyVaultName({ projectName: "batch-entra", stackName }, subscriptionId, generation);
        for (const stack of ["dev", "production-europe-west-01", "a_b", "9"]) {
            expect(keyVaultNameProblem(named(stack))).toBeUndefined();
        }
        expect(named("dev")).not.toBe(named("prod"));
        expect(named("dev")).not.toBe(named("dev", "11111111-2222-4333-8444-555555555555"));
        expect(named("dev")).toBe(named("dev"));
        expect(named("dev")).not.toBe(named("dev", subscription, "2026-01-01T00:00:01Z"));
    });

    test("a certificate URL cannot claim the stack's vault while its name is still to be derived", async () => {
        const { problem } = await expectRejected(
            withPool({ certificates: [{ secretUrl: "https://kv-somewhere.vault.azure.net/secrets/imported-tls" }] }),
            "pools[0].certificates[0].keyVaultId",
        );
        expect(problem.problem).toMatch(/needs poolKeyVaultName set/);
    });

    test("an unknown permission model is refused", async () => {
        await expectRejected({ poolKeyVaultPermissionModel: "none" }, "poolKeyVaultPermissionModel");
    });

    test("an identity resource group Azure would refuse is refused", async () => {
        await expectRejected({ poolIdentityResourceGroup: "rg/identities" }, "poolIdentityResourceGroup");
    });
});
