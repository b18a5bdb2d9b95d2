import * as batch from "@pulumi/azure-native/batch";
import { CertificateRotatingPool, certificateRotatingPoolWaitingFor, poolScaleChoice } from "./certificateRotatingPool";
import { KEY_VAULT_CERTIFICATES_OFFICER_ROLE, KEY_VAULT_SECRETS_USER_ROLE, PoolIdentityVault, poolIdentityAccess } from "./poolIdentityVault";
import { POOL_IMAGES, defaultKeyVaultName } from "./config";
import { FAKE_NOW, FAKE_SUBSCRIPTION_ID, fakeGuid } from "../../tools/fakeCloud";
import { DeclaredResource, OfflineRun, findResource, resourcesOfType, runOffline } from "../../tools/offlineRuntime";
import { runWith } from "../../test/helpers";

const POOL = "azure-native:batch:Pool";
const VAULT = "azure-native:keyvault:Vault";
const IDENTITY = "azure-native:managedidentity:UserAssignedIdentity";
const ROLE_ASSIGNMENT = "azure-native:authorization:RoleAssignment";
const ACCESS_POLICY = "azure-native:keyvault:AccessPolicy";
const CERTIFICATE = "azure:keyvault/certificate:Certificate";
/** The example stack sets no vault name, so the program derives it from subscription, project, stack and generation. */
const VAULT_NAME = defaultKeyVaultName({ projectName: "batch-entra", stackName: "dev" }, FAKE_SUBSCRIPTION_ID, FAKE_NOW);

function extensionOf(pool: DeclaredResource): any {
    const extensions = pool.inputs.deploymentConfiguration.virtualMachineConfiguration.extensions;
    expect(extensions).toHaveLength(1);
    return extensions[0];
}

function observedUrls(pool: DeclaredResource): string[] {
    const observed = extensionOf(pool).settings.secretsManagementSettings.observedCertificates as (string | { url: string })[];
    return observed.map((entry) => (typeof entry === "string" ? entry : entry.url));
}

/** Resources of a type declared by the pools' identity-and-vault component, leaving out other features' ones. */
function poolVaultResources(run: OfflineRun, type: string): DeclaredResource[] {
    return resourcesOfType(run, type).filter((resource) => resource.name.startsWith("pool-vault-"));
}

function urnOf(run: OfflineRun, type: string, name: string): string {
    return findResource(run, type, name).urn;
}

describe("the example stack's pool", () => {
    let run: OfflineRun;
    beforeAll(async () => {
        run = await runWith();
    });

    test("the extension authenticates as the pool identity, by its client ID", () => {
        const pool = findResource(run, POOL, "pool-pool-01-pool");
        const extension = extensionOf(pool);
        expect(extension).toMatchObject({ publisher: "Microsoft.Azure.KeyVault", type: "KeyVaultForLinux", typeHandlerVersion: "3.0", autoUpgradeMinorVersion: true });
        const clientId = fakeGuid("pool-vault-identity/clientId");
        expect(extension.settings.authenticationSettings).toEqual({ msiEndpoint: "http://169.254.169.254/metadata/identity", msiClientId: clientId });
        expect(run.outputs.poolIdentityClientId).toBe(clientId);
        expect(pool.inputs.identity).toEqual({ type: "UserAssigned", userAssignedIdentities: [run.outputs.poolIdentityId] });
    });

    test("nodes observe the certificate's versionless secret URL and wait for the first sync", () => {
        const pool = findResource(run, POOL, "pool-pool-01-pool");
        const settings = extensionOf(pool).settings.secretsManagementSettings;
        expect(observedUrls(pool)).toEqual([`https://${VAULT_NAME}.vault.azure.net/secrets/pool-01-cert`]);
        expect(run.outputs.certificateSecretUrls).toEqual({ "pool-01-cert": `https://${VAULT_NAME}.vault.azure.net/secrets/pool-01-cert` });
        expect(settings).toMatchObject({ requireInitialSync: true, pollingIntervalInS: "3600" });
        // Extension 3.0's form: the store location in each observed certificate, none at the top level (the 1.x/2.x form).
        expect(settings.observedCertificates).toEqual([
            { url: `https://${VAULT_NAME}.vault.azure.net/secrets/pool-01-cert`, certificateStoreLocation: "/var/lib/waagent/Microsoft.Azure.KeyVault" },
        ]);
        expect(settings.certificateStoreLocation).toBeUndefined();
    });

    test("identity -> vault access -> certificate -> pool, in that order", () => {
        const grant = findResource(run, ROLE_ASSIGNMENT, "pool-vault-identity-secrets-user");
        expect(grant.inputs.roleDefinitionId).toMatch(new RegExp(`/roleDefinitions/${KEY_VAULT_SECRETS_USER_ROLE}$`));
        expect(grant.inputs.scope).toMatch(new RegExp(`/providers/Microsoft\\.KeyVault/vaults/${VAULT_NAME}$`));
        expect(grant.inputs.principalId).toBe(run.outputs.poolIdentityPrincipalId);
        expect(grant.inputs.principalType).toBe("ServicePrincipal");
        expect(grant.dependencies).toContain(urnOf(run, IDENTITY, "pool-vault-identity"));

        const officer = findResource(run, ROLE_ASSIGNMENT, "pool-vault-deployer-certificates-officer");
        expect(officer.inputs.roleDefinitionId).toMatch(new RegExp(`/roleDefinitions/${KEY_VAULT_CERTIFICATES_OFFICER_ROLE}$`));
        const certificate = findResource(run, CERTIFICATE, "pool-vault-pool-01-cert");
        // The certificate waits for the officer grant and then for the grant to reach Key Vault's data plane.
        const propagation = findResource(run, "pulumi-nodejs:dynamic/batch-entra:GrantPropagationWait", "pool-vault-grant-propagation");
        expect(propagation.dependencies).toContain(officer.urn);
        expect(certificate.dependencies).toContain(propagation.urn);

        const pool = findResource(run, POOL, "pool-pool-01-pool");
        const account = urnOf(run, "azure-native:batch:BatchAccount", "batch-account");
        expect([...pool.dependencies].sort()).toEqual([account, urnOf(run, IDENTITY, "pool-vault-identity"), grant.urn, certificate.urn].sort());
        expect(pool.inputs.accountName).toBe(findResource(run, "azure-native:batch:BatchAccount", "batch-account").inputs.accountName);
    });

    test("the vault keeps soft delete and purge protection on and authorizes with RBAC", () => {
        const vault = findResource(run, VAULT, "pool-vault-vault");
        expect(vault.inputs.properties).toMatchObject({
            enableSoftDelete: true,
            enablePurgeProtection: true,
            enableRbacAuthorization: true,
            enabledForDeployment: false,
        });
        expect(resourcesOfType(run, ACCESS_POLICY)).toEqual([]);
    });

    test("the certificate renews itself before it expires", () => {
        const policy = findResource(run, CERTIFICATE, "pool-vault-pool-01-cert").inputs.certificatePolicy;
        expect(policy.lifetimeActions).toEqual([{ action: { actionType: "AutoRenew" }, trigger: { daysBeforeExpiry: 30 } }]);
        expect(policy.issuerParameters).toEqual({ name: "Self" });
        expect(policy.x509CertificateProperties).toMatchObject({ subject: "CN=pool-01", validityInMonths: 12 });
        expect(policy.keyProperties).toMatchObject({ exportable: true });
    });

    test("the pool costs nothing until scaled, and is replaced rather than failing on immutable changes", () => {
        const pool = findResource(run, POOL, "pool-pool-01-pool");
        expect(pool.inputs.scaleSettings.fixedScale).toMatchObject({ targetDedicatedNodes: 0, targetLowPriorityNodes: 0 });
        expect(pool.inputs.deploymentConfiguration.virtualMachineConfiguration).toMatchObject({
            imageReference: { publisher: "canonical", offer: "ubuntu-24_04-lts", sku: "server", version: "latest" },
            nodeAgentSkuId: "batch.node.ubuntu 24.04",
        });
        expect(pool.options.deleteBeforeReplace).toBe(true);
        expect(pool.options.replaceOnChanges).toEqual(expect.arrayContaining(["deploymentConfiguration", "identity", "vmSize"]));
    });
});

test("a pool depends on exactly the account, the identity, its vault access and its certificates", async () => {
    const run = await runOffline({
        config: {},
        program: async () => {
            const account = new batch.BatchAccount("account", { resourceGroupName: "rg-batch", accountName: "batchacct", location: "westeurope" });
            const vault = new PoolIdentityVault("vault", {
                resourceGroupName: "rg-batch",
                location: "westeurope",
                identityResourceGroupName: "rg-identities",
                identityName: "pools-identity",
                vaultName: "kv-pools-test",
                certificateManager: { principalId: "33333333-4444-4555-8666-777777777777", principalType: "Group" },
                certificates: [{ name: "pool-a-cert", subject: "CN=pool-a", validityMonths: 12, daysBeforeExpiry: 30 }],
            });
            new CertificateRotatingPool(
                "pool-a",
                certificateRotatingPoolWaitingFor(
                    {
                        resourceGroupName: "rg-batch",
                        batchAccountName: account.name,
                        poolName: "pool-a",
                        vmSize: "Standard_D2s_v5",
                        image: { ...POOL_IMAGES["ubuntu-22.04"], version: "latest" },
                        identity: { id: vault.identityId, clientId: vault.identityClientId },
                        certificates: [{ secretUrl: vault.certificateSecretUrls["pool-a-cert"] }],
                    },
                    [vault.identity, ...poolIdentityAccess(vault), vault.createdCertificates["pool-a-cert"]],
                ),
            );
            return {};
        },
    });
    const pool = findResource(run, POOL, "pool-a-pool");
    expect([...pool.dependencies].sort()).toEqual(
        [
            urnOf(run, "azure-native:batch:BatchAccount", "account"),
            urnOf(run, IDENTITY, "vault-identity"),
            urnOf(run, ROLE_ASSIGNMENT, "vault-identity-secrets-user"),
            urnOf(run, CERTIFICATE, "vault-pool-a-cert"),
        ].sort(),
    );
    expect(findResource(run, IDENTITY, "vault-identity").inputs.resourceGroupName).toBe("rg-identities");
    expect(findResource(run, VAULT, "vault-vault").inputs.resourceGroupName).toBe("rg-batch");
    expect(pool.inputs.deploymentConfiguration.virtualMachineConfiguration.nodeAgentSkuId).toBe("batch.node.ubuntu 22.04");
});

test("access policies: the identity may get and list secrets and certificates, and the pool waits for that policy", async () => {
    const run = await runWith({ poolKeyVaultPermissionModel: "accessPolicy" });
    expect(findResource(run, VAULT, "pool-vault-vault").inputs.properties).toMatchObject({ enableRbacAuthorization: false, enablePurgeProtection: true });
    const identityPolicy = findResource(run, ACCESS_POLICY, "pool-vault-identity-policy");
    expect(identityPolicy.inputs.policy).toMatchObject({
        objectId: run.outputs.poolIdentityPrincipalId,
        permissions: { secrets: ["get", "list"], certificates: ["get", "list"] },
    });
    expect(identityPolicy.inputs.policy.permissions.keys).toBeUndefined();
    const deployerPolicy = findResource(run, ACCESS_POLICY, "pool-vault-deployer-policy");
    expect(deployerPolicy.inputs.policy.permissions.certificates).toContain("create");
    expect(findResource(run, CERTIFICATE, "pool-vault-pool-01-cert").dependencies).toContain(deployerPolicy.urn);
    expect(findResource(run, POOL, "pool-pool-01-pool").dependencies).toContain(identityPolicy.urn);
    expect(poolVaultResources(run, ROLE_ASSIGNMENT)).toEqual([]);
});

test("the configured certificate manager gets the grant, typed as configured (a group by default)", async () => {
    const manager = "33333333-4444-4555-8666-777777777777";
    const asGroup = await runWith({ poolCertificateManager: manager });
    const grant = findResource(asGroup, ROLE_ASSIGNMENT, "pool-vault-deployer-certificates-officer");
    expect(grant.inputs).toMatchObject({ principalId: manager, principalType: "Group" });
    const asServicePrincipal = await runWith({ poolCertificateManager: manager, poolCertificateManagerType: "ServicePrincipal" });
    expect(findResource(asServicePrincipal, ROLE_ASSIGNMENT, "pool-vault-deployer-certificates-officer").inputs.principalType).toBe("ServicePrincipal");
});

test("an existing certificate in the stack's vault is observed as given, and none is created for it", async () => {
    const secretUrl = "https://kv-batch-pools-01.vault.azure.net/secrets/imported-tls";
    const run = await runWith({
        poolKeyVaultName: "kv-batch-pools-01",
        pools: [{ name: "pool-01", vmSize: "Standard_D2s_v5", certificates: [{ secretUrl }] }],
    });
    expect(resourcesOfType(run, CERTIFICATE)).toEqual([]);
    const pool = findResource(run, POOL, "pool-pool-01-pool");
    expect(observedUrls(pool)).toEqual([secretUrl]);
    expect(pool.dependencies).toContain(urnOf(run, ROLE_ASSIGNMENT, "pool-vault-identity-secrets-user"));
    expect(run.outputs.certificateSecretUrls).toEqual({ "imported-tls": secretUrl });
});

test("an existing certificate in another vault gets the identity read access on that vault before the pool", async () => {
    const keyVaultId = "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-certs/providers/Microsoft.KeyVault/vaults/kv-certs";
    const secretUrl = "https://kv-certs.vault.azure.net/secrets/web-tls";
    const run = await runWith({ pools: [{ name: "pool-01", vmSize: "Standard_D2s_v5", certificates: [{ secretUrl, keyVaultId }] }] });
    const grant = findResource(run, ROLE_ASSIGNMENT, "pool-vault-identity-secrets-user-external-0");
    expect(grant.inputs.scope).toBe(keyVaultId);
    expect(grant.inputs.roleDefinitionId).toMatch(new RegExp(`/roleDefinitions/${KEY_VAULT_SECRETS_USER_ROLE}$`));
    const pool = findResource(run, POOL, "pool-pool-01-pool");
    expect(pool.dependencies).toContain(grant.urn);
    expect(observedUrls(pool)).toEqual([secretUrl]);
});

test("a Windows pool uses KeyVaultForWindows with a per-certificate store", async () => {
    const run = await runWith({ pools: [{ name: "win-01", vmSize: "Standard_D2s_v5", image: "windows-2022" }] });
    const pool = findResource(run, POOL, "pool-win-01-pool");
    const extension = extensionOf(pool);
    expect(extension.type).toBe("KeyVaultForWindows");
    expect(extension.typeHandlerVersion).toBe("3.0");
    expect(extension.settings.secretsManagementSettings.observedCertificates).toEqual([
        { url: `https://${VAULT_NAME}.vault.azure.net/secrets/win-01-cert`, certificateStoreName: "MY", certificateStoreLocation: "LocalMachine" },
    ]);
    expect(extension.settings.authenticationSettings.msiClientId).toBe(run.outputs.poolIdentityClientId);
    expect(pool.inputs.deploymentConfiguration.virtualMachineConfiguration).toMatchObject({
        imageReference: { publisher: "microsoftwindowsserver", sku: "2022-datacenter" },
        nodeAgentSkuId: "batch.node.windows amd64",
    });
});

test("several pools share one identity and vault, and each observes only its own certificates", async () => {
    const run = await runWith({
        pools: [
            { name: "pool-a", vmSize: "Standard_D2s_v5" },
            {
                name: "pool-b",
                vmSize: "Standard_D4s_v5",
                image: "azurelinux-3",
                autoScale: { formula: "$TargetDedicatedNodes = min(4, $PendingTasks.GetSample(1));", evaluationInterval: "PT10M" },
                certificates: [
                    { name: "pool-b-api", subject: "CN=api.contoso.com", dnsNames: ["api.contoso.com"], validityMonths: 6, daysBeforeExpiry: 20 },
                    { name: "pool-b-client", validityMonths: 24 },
                ],
            },
        ],
    });
    expect(resourcesOfType(run, IDENTITY)).toHaveLength(1);
    expect(resourcesOfType(run, VAULT)).toHaveLength(1);
    expect(resourcesOfType(run, CERTIFICATE).map((cert) => cert.inputs.name).sort()).toEqual(["pool-a-cert", "pool-b-api", "pool-b-client"]);
    const poolA = findResource(run, POOL, "pool-pool-a-pool");
    const poolB = findResource(run, POOL, "pool-pool-b-pool");
    expect(observedUrls(poolA)).toEqual([`https://${VAULT_NAME}.vault.azure.net/secrets/pool-a-cert`]);
    expect(observedUrls(poolB)).toEqual([
        `https://${VAULT_NAME}.vault.azure.net/secrets/pool-b-api`,
        `https://${VAULT_NAME}.vault.azure.net/secrets/pool-b-client`,
    ]);
    expect(poolA.dependencies).not.toContain(urnOf(run, CERTIFICATE, "pool-vault-pool-b-api"));
    expect(poolB.dependencies).toEqual(expect.arrayContaining([urnOf(run, CERTIFICATE, "pool-vault-pool-b-api"), urnOf(run, CERTIFICATE, "pool-vault-pool-b-client")]));
    expect(poolB.inputs.scaleSettings).toEqual({ autoScale: { formula: "$TargetDedicatedNodes = min(4, $PendingTasks.GetSample(1));", evaluationInterval: "PT10M" } });
    const api = findResource(run, CERTIFICATE, "pool-vault-pool-b-api").inputs.certificatePolicy;
    expect(api.x509CertificateProperties.subjectAlternativeNames).toEqual({ dnsNames: ["api.contoso.com"] });
    expect(api.lifetimeActions[0].trigger).toEqual({ daysBeforeExpiry: 20 });
    expect(Object.keys(run.outputs.poolIds)).toEqual(["pool-a", "pool-b"]);
});

test("an empty pool list declares no pool, identity, vault or certificate provider", async () => {
    const run = await runWith({ pools: [] });
    for (const type of [POOL, IDENTITY, VAULT, CERTIFICATE, ACCESS_POLICY, "pulumi:providers:azure"]) {
        expect(resourcesOfType(run, type)).toEqual([]);
    }
    expect(poolVaultResources(run, ROLE_ASSIGNMENT)).toEqual([]);
    expect(run.outputs.poolIds).toBeUndefined();
});

test("poolScaleChoice turns a library caller's kind-tagged scale into the component's one-of arg", () => {
    expect(poolScaleChoice({ kind: "fixed", dedicatedNodes: 2, lowPriorityNodes: 1 })).toEqual({ fixed: { dedicatedNodes: 2, lowPriorityNodes: 1 } });
    expect(poolScaleChoice({ kind: "auto", formula: "$TargetDedicatedNodes = 1;", evaluationInterval: "PT15M" })).toEqual({
        auto: { formula: "$TargetDedicatedNodes = 1;", evaluationInterval: "PT15M" },
    });
});
