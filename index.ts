import * as authorization from "@pulumi/azure-native/authorization";
import * as azuread from "@pulumi/azuread";
import * as pulumi from "@pulumi/pulumi";
import { BatchAccount } from "./features/batchAccount/batchAccount";
import { BatchClientApp } from "./features/clientApp/batchClientApp";
import { declareClientCredentials } from "./features/clientCredentials/clientCredentials";
import { declareRbac } from "./features/rbac/declareRbac";
import { checkPoolNetworks, declareOperations, declarePrivateNetwork } from "./features/privateNetworking/networkAndOperations";
import { poolNodeIdentityId } from "./features/pools/nodeIdentity";
import { declarePools } from "./features/pools/declarePools";
import { PipelineIdentity } from "./features/pipeline/pipelineIdentity";
import { AssignedRoles } from "./features/rbac/assignedRoles";
import { batchAccountName } from "./features/batchAccount/config";
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
    const batchAccount = new BatchAccount("batch", {
        ...accountSettings,
        accountName: batchAccountName(settings, accountSettings, subscriptionId),
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
    const { outputs: pools, vaultId, components } = declarePools(settings, { batchAccount, subscriptionId, pipeline, privateNetwork });
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
