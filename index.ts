import * as authorization from "@pulumi/azure-native/authorization";
import * as azuread from "@pulumi/azuread";
import * as pulumi from "@pulumi/pulumi";
import { certificateProvider } from "./azure/classicProvider";
import { BatchAccount } from "./features/batchAccount/batchAccount";
import { BatchClientApp } from "./features/clientApp/batchClientApp";
import { declareClientCredentials } from "./features/clientCredentials/clientCredentials";
import { declareRbac } from "./features/rbac/declareRbac";
import { PrivateNetwork, checkPoolNetworks, declareOperations, declarePrivateNetwork } from "./features/privateNetworking/networkAndOperations";
import { NodeIdentityAutoStorage, poolNodeIdentityId } from "./features/pools/nodeIdentity";
import { CertificateRotatingPool, certificateRotatingPoolWaitingFor, poolScaleChoice } from "./features/pools/certificateRotatingPool";
import { PipelineIdentity } from "./features/pipeline/pipelineIdentity";
import { AssignedRoles } from "./features/rbac/assignedRoles";
import { PoolIdentityVault, poolIdentityAccess } from "./features/pools/poolIdentityVault";
import { generationalVaultName } from "./features/keyVault/recoverableVault";
import { defaultBatchAccountName } from "./features/batchAccount/config";
import { ownEntry } from "./config/lookup";
import { batchDefaultScope, batchUserImpersonationScope } from "./azure/clouds";
import { describeConfigWarning } from "./config/problems";
import { Settings, pulumiRawConfig, readSettings } from "./config/settings";

/**
 * The batch-entra program: validates the stack configuration, then composes the components. Pulumi calls this
 * function and publishes what it returns as the stack outputs that client code reads.
 */
export = async () => {
    const settings = readSettings(pulumiRawConfig(pulumi.runtime.allConfig()), {
        projectName: pulumi.getProject(),
        stackName: pulumi.getStack(),
    });
    for (const warning of settings.warnings) {
        pulumi.log.warn(describeConfigWarning(warning));
    }

    await checkPoolNetworks(settings);

    // The pipeline's deploy identity may assign exactly the roles the rest of the program assigns.
    const assignedRoles = new AssignedRoles((parent) => parent instanceof PipelineIdentity);
    try {
        return declareStack(settings, assignedRoles);
    } finally {
        assignedRoles.seal();
    }
};

function declareStack(settings: Settings, assignedRoles: AssignedRoles): Record<string, unknown> {
    const { cloud } = settings;
    const tenantId = azuread.getClientConfigOutput().tenantId;
    const subscriptionId = authorization.getClientConfigOutput().subscriptionId;

    const accountSettings = settings.batchAccount;
    const { accountName, ...configuredAccount } = accountSettings;
    const batchAccount = new BatchAccount("batch", {
        ...configuredAccount,
        accountName: accountName ?? subscriptionId.apply((id) => defaultBatchAccountName(settings, id)),
        allowedNodeManagementIpRanges: [...settings.privateNetworking.nodeManagementIpRanges],
        autoStorageNodeIdentityId: poolNodeIdentityId(settings, subscriptionId),
        tags: settings.tags,
        subscriptionId,
    });

    // The deploy identity must own the client app before CI takes over, so the bootstrap run creates it first.
    const { enabled: pipelineEnabled, ...configuredPipeline } = settings.pipeline;
    const pipeline = pipelineEnabled
        ? new PipelineIdentity("pipeline", {
              ...configuredPipeline,
              resourceGroupId: batchAccount.resourceGroupId,
              assignableRoleDefinitionIds: assignedRoles.roleDefinitionIds,
          })
        : undefined;

    const { owners, clientSecret, ...configuredApp } = settings.clientApp;
    const clientApp = new BatchClientApp("batch-client", {
        ...configuredApp,
        // The configured owners whoever deploys, so a second deployer's update changes nothing.
        owners: pipeline ? pipeline.deployServicePrincipalObjectId.apply((id) => [...owners, id]) : owners,
        addDeployerAsOwner: false,
        ownerChangesNeedAdministratorFor: pipeline?.deployServicePrincipalObjectId,
        clientSecret: settings.clientCredential.mode === "secret" ? clientSecret : undefined,
    });
    const clientCredentials = declareClientCredentials(settings.clientCredential, {
        stack: settings,
        clientApp,
        resourceGroupName: batchAccount.resourceGroupName,
        location: accountSettings.location,
        subscriptionId,
        azureEnvironment: cloud.azureNativeEnvironment,
        certificateManager: settings.pools.certificateManager,
        tags: settings.tags,
    });

    const batchRbac = declareRbac(settings.rbac, {
        batchAccountId: batchAccount.id,
        resourceGroupId: batchAccount.resourceGroupId,
        subscriptionId,
        appServicePrincipalObjectId: clientApp.servicePrincipalObjectId,
    });

    const privateNetwork = declarePrivateNetwork(settings, batchAccount);
    const { outputs: pools, vaultId, components } = declarePools(settings, batchAccount, subscriptionId, pipeline, privateNetwork);
    declareOperations(settings, { batchAccountId: batchAccount.id, vaultId, lockedContents: [batchRbac, ...privateNetwork.components, ...components] });

    return {
        cloud: cloud.name,
        tenantId,
        // Not secret, and client tools need it; published in the open so the plan does not mask it inside IDs.
        subscriptionId,
        authorityHost: cloud.authorityHost,
        authorityUrl: pulumi.interpolate`${cloud.authorityHost}/${tenantId}`,
        batchResourceUri: cloud.batchResource,
        batchScope: batchDefaultScope(cloud),
        batchUserImpersonationScope: batchUserImpersonationScope(cloud),
        clientId: clientApp.clientId,
        servicePrincipalObjectId: clientApp.servicePrincipalObjectId,
        batchAccountName: batchAccount.name,
        batchAccountId: batchAccount.id,
        batchAccountUrl: batchAccount.url,
        jobSubmitterRoleDefinitionId: batchRbac.jobSubmitterRoleDefinitionId,
        roleAssignments: batchRbac.assignments,
        ...(clientApp.clientSecret
            ? {
                  clientSecret: clientApp.clientSecret,
                  clientSecretExpiresAt: clientApp.clientSecretExpiresAt,
                  clientSecretRotatesAt: clientApp.clientSecretRotatesAt,
                  // The JSON `az ad sp create-for-rbac --sdk-auth` printed (seed 002), for tools that still take one.
                  sdkAuth: pulumi.secret({
                      clientId: clientApp.clientId,
                      clientSecret: clientApp.clientSecret,
                      subscriptionId,
                      tenantId,
                      activeDirectoryEndpointUrl: cloud.authorityHost,
                      resourceManagerEndpointUrl: cloud.resourceManager,
                      activeDirectoryGraphResourceId: cloud.graphEndpoint,
                      sqlManagementEndpointUrl: cloud.sqlManagement,
                      galleryEndpointUrl: cloud.gallery,
                      managementEndpointUrl: cloud.management,
                  }),
              }
            : {}),
        ...clientCredentials,
        ...pools,
        // What the workflows' repository variables need (docs/run-from-ci.md); tenantId and subscriptionId are above.
        ...(pipeline ? { pipelinePreviewClientId: pipeline.previewClientId, pipelineDeployClientId: pipeline.deployClientId } : {}),
    };
}

/** Who creates and manages Key Vault certificates, in the pools' vault and the client-credential vault alike. */
/**
 * The certificate-rotating pools (seed 004): one identity and vault for all pools, then each pool with the
 * certificates it observes. Declares nothing, and adds no output, when the `pools` list is empty.
 */
function declarePools(
    settings: Settings,
    batchAccount: BatchAccount,
    subscriptionId: pulumi.Output<string>,
    pipeline: PipelineIdentity | undefined,
    privateNetwork: PrivateNetwork,
): { outputs: Record<string, unknown>; vaultId?: pulumi.Output<string>; components: pulumi.Resource[] } {
    const { pools, keyVaultName, permissionModel, identityResourceGroup, identityName } = settings.pools;
    if (pools.length === 0) {
        return { outputs: {}, components: [] };
    }
    const classicProvider = certificateProvider("azure-certificates", subscriptionId, settings.cloud.azureNativeEnvironment);
    const vault = new PoolIdentityVault(
        "pool-vault",
        {
            // The group's output, so the identity and the vault wait for a group this stack creates.
            resourceGroupName: batchAccount.resourceGroupName,
            location: settings.batchAccount.location,
            identityResourceGroupName: identityResourceGroup,
            identityName,
            vaultName: keyVaultName ?? generationalVaultName("pool-vault", settings, subscriptionId),
            permissionModel,
            // A configured principal, the same whoever deploys: a grant that followed whoever runs `pulumi up` would
            // move at every change of deployer. From CI the deploy identity manages certificates too (the bootstrap
            // run creates them as a member of the configured group) and the preview identity reads them.
            certificateManager: settings.pools.certificateManager,
            certificateOfficers: pipeline ? [{ key: "pipeline-deploy", principalId: pipeline.deployServicePrincipalObjectId }] : [],
            certificateReaders: pipeline ? [{ key: "pipeline-preview", principalId: pipeline.previewServicePrincipalObjectId }] : [],
            certificates: pools.flatMap((pool) => pool.certificates.flatMap((cert) => (cert.kind === "created" ? [{ ...cert, dnsNames: [...cert.dnsNames] }] : []))),
            existingCertificates: pools.flatMap((pool) => pool.certificates.flatMap((cert) => (cert.kind === "existing" ? [cert] : []))),
            tags: settings.tags,
            // A private account makes a private vault: nodes and the deployer reach both through private endpoints.
            publicNetworkAccess: settings.privateNetworking.endpointSubnet ? settings.batchAccount.publicNetworkAccess : undefined,
            privateEndpoint: privateNetwork.vaultEndpoint,
        },
        { providers: [classicProvider] },
    );
    const { autoStorageAccountId } = settings.batchAccount;
    // Nodes that use the identity for auto-storage must not boot before it may read there.
    const nodeIdentityAccess =
        autoStorageAccountId !== undefined && pools.some((pool) => pool.nodeIdentity)
            ? [new NodeIdentityAutoStorage("pool-node-identity", { storageAccountId: autoStorageAccountId, principalId: vault.identityPrincipalId, subscriptionId })]
            : [];
    const declared = pools.map(
        (pool) =>
            new CertificateRotatingPool(
                `pool-${pool.name}`,
                certificateRotatingPoolWaitingFor(
                    {
                        // A plain name and the account's output: the pool waits for the account and nothing else of it.
                        resourceGroupName: settings.batchAccount.resourceGroup.name,
                        batchAccountName: batchAccount.name,
                        poolName: pool.name,
                        vmSize: pool.vmSize,
                        image: pool.image,
                        identity: { id: vault.identityId, clientId: vault.identityClientId },
                        certificates: pool.certificates.map((cert) => ({ secretUrl: ownEntry(vault.certificateSecretUrls, cert.name)! })),
                        pollingIntervalSeconds: pool.pollingIntervalSeconds,
                        certificateStoreLocation: pool.certificateStoreLocation,
                        scale: poolScaleChoice(pool.scale),
                        network: privateNetwork.poolNetwork(pool),
                        resourceManager: settings.cloud.resourceManager,
                    },
                    // The identity, its read access to the vault(s) (with requireInitialSync a node that boots before
                    // access exists never becomes usable), what nodes need before they boot, and the created certificates.
                    [
                        vault.identity,
                        ...poolIdentityAccess(vault),
                        ...(pool.nodeIdentity ? nodeIdentityAccess : []),
                        ...privateNetwork.nodeManagementReady,
                        ...pool.certificates.flatMap((cert) => {
                            const created = ownEntry(vault.createdCertificates, cert.name);
                            return created ? [created] : [];
                        }),
                    ],
                ),
            ),
    );
    const outputs = {
        poolIdentityClientId: vault.identityClientId,
        poolIdentityPrincipalId: vault.identityPrincipalId,
        poolIdentityId: vault.identityId,
        keyVaultUri: vault.keyVaultUri,
        certificateSecretUrls: vault.certificateSecretUrls,
        poolIds: Object.fromEntries(declared.map((pool, index) => [pools[index].name, pool.poolId])),
    };
    return { outputs, vaultId: vault.vault.id, components: [vault, ...nodeIdentityAccess, ...declared] };
}

