import { declared, messagesOf, violationsOf } from "./policyHelpers";

const ACCOUNT = "azure-native:batch:BatchAccount";
const POOL = "azure-native:batch:Pool";
const VAULT = "azure-native:keyvault:Vault";
const ENDPOINT = "azure-native:network:PrivateEndpoint";
const DIAGNOSTIC = "azure-native:monitor:DiagnosticSetting";

const GROUP_ID = "/subscriptions/8c3f1c55-0000-4000-8000-00000000b47c/resourceGroups/rg";
const ACCOUNT_ID = `${GROUP_ID}/providers/Microsoft.Batch/batchAccounts/batchprod`;
const VAULT_ID = `${GROUP_ID}/providers/Microsoft.KeyVault/vaults/kv-prod`;

const account = (publicNetworkAccess: string) =>
    declared(ACCOUNT, "batch", { accountName: "batchprod", resourceGroupName: "rg", publicNetworkAccess, allowedAuthenticationModes: ["AAD"] });
const pool = (networkConfiguration?: Record<string, unknown>) =>
    declared(POOL, "pool", { accountName: "batchprod", resourceGroupName: "rg", poolName: "pool-01", networkConfiguration });
const endpoint = (groupId: string, target = ACCOUNT_ID) =>
    declared(ENDPOINT, `pe-${groupId}`, { privateLinkServiceConnections: [{ name: groupId, privateLinkServiceId: target, groupIds: [groupId] }] });
const noPublicIps = { subnetId: `${GROUP_ID}/providers/Microsoft.Network/virtualNetworks/vnet/subnets/nodes`, publicIPAddressConfiguration: { provision: "NoPublicIPAddresses" } };

describe("batch-account-private-node-management-endpoint (mandatory)", () => {
    const policy = "batch-account-private-node-management-endpoint";

    test("a private account with pools and its nodeManagement endpoint passes", async () => {
        expect(await messagesOf(policy, [account("Disabled"), pool(noPublicIps), endpoint("batchAccount"), endpoint("nodeManagement")])).toEqual([]);
    });

    test("a private account with pools and only the batchAccount endpoint is a mandatory violation", async () => {
        const [violation, ...rest] = await violationsOf(policy, [account("Disabled"), pool(noPublicIps), endpoint("batchAccount")]);
        expect(rest).toEqual([]);
        expect(violation.enforcement).toBe("mandatory");
        expect(violation.message).toBe(
            'Batch account "batch" has public network access disabled and pools, but no nodeManagement private endpoint: the pools\' nodes could not talk to the Batch service.',
        );
    });

    test("a nodeManagement endpoint to another account does not count", async () => {
        const elsewhere = endpoint("nodeManagement", `${GROUP_ID}/providers/Microsoft.Batch/batchAccounts/other`);
        expect(await messagesOf(policy, [account("Disabled"), pool(noPublicIps), elsewhere])).toHaveLength(1);
    });

    test("a public account, or a private account without pools, needs no endpoint", async () => {
        expect(await messagesOf(policy, [account("Enabled"), pool()])).toEqual([]);
        expect(await messagesOf(policy, [account("Disabled")])).toEqual([]);
    });
});

describe("batch-account-key-vault-diagnostic-settings (advisory)", () => {
    const policy = "batch-account-key-vault-diagnostic-settings";
    const vault = declared(VAULT, "vault", { vaultName: "kv-prod", resourceGroupName: "rg", properties: {} });
    const setting = (resourceUri: string, name: string) => declared(DIAGNOSTIC, name, { resourceUri, workspaceId: "law", logs: [{ categoryGroup: "allLogs", enabled: true }] });

    test("an account and a vault that each have a diagnostic setting pass", async () => {
        expect(await messagesOf(policy, [account("Enabled"), vault, setting(ACCOUNT_ID, "diag-account"), setting(VAULT_ID, "diag-vault")])).toEqual([]);
    });

    test("each resource without one is reported, as advisory", async () => {
        const violations = await violationsOf(policy, [account("Enabled"), vault, setting(ACCOUNT_ID, "diag-account")]);
        expect(violations.map((violation) => [violation.enforcement, violation.message])).toEqual([["advisory", 'Key Vault "vault" has no diagnostic setting.']]);
        expect(await messagesOf(policy, [account("Enabled")])).toEqual(['Batch account "batch" has no diagnostic setting.']);
    });
});

describe("batch-pool-public-ips-private-account (advisory)", () => {
    const policy = "batch-pool-public-ips-private-account";

    test("a private account's pool without public IPs passes; a public account's pool with public IPs is not this policy's business", async () => {
        expect(await messagesOf(policy, [account("Disabled"), pool(noPublicIps)])).toEqual([]);
        expect(await messagesOf(policy, [account("Enabled"), pool()])).toEqual([]);
    });

    test("a private account's pool with Batch-managed or unset public IPs is reported", async () => {
        const batchManaged = { ...noPublicIps, publicIPAddressConfiguration: { provision: "BatchManaged" } };
        const [violation] = await violationsOf(policy, [account("Disabled"), pool(batchManaged)]);
        expect(violation.enforcement).toBe("advisory");
        expect(violation.message).toBe('pool "pool" of private Batch account "batch" gives its nodes public IPs (publicIPAddressConfiguration.provision is BatchManaged).');
        expect(await messagesOf(policy, [account("Disabled"), pool()])).toEqual([
            'pool "pool" of private Batch account "batch" gives its nodes public IPs (publicIPAddressConfiguration.provision is unset, BatchManaged).',
        ]);
    });
});
