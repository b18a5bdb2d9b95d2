import * as authorization from "@pulumi/azure-native/authorization";
import * as azuread from "@pulumi/azuread";
import * as pulumi from "@pulumi/pulumi";
import { BatchClientApp } from "./components/batchClientApp";
import { PROGRAM_ASSIGNED_BUILT_IN_ROLES, PipelineIdentity } from "./components/pipelineIdentity";
import { batchDefaultScope, batchUserImpersonationScope } from "./config/clouds";
import { pulumiRawConfig, readSettings } from "./config/settings";

/**
 * The batch-entra program: validates the stack configuration, then composes the components. Pulumi calls this
 * function and publishes what it returns as the stack outputs that client code reads.
 */
export = async () => {
    const settings = readSettings(pulumiRawConfig(pulumi.runtime.allConfig()), {
        projectName: pulumi.getProject(),
        stackName: pulumi.getStack(),
    });
    const { cloud } = settings;

    // The deploy identity must own the client app before CI takes over, so the bootstrap run creates it first.
    const pipeline = settings.pipeline.enabled
        ? new PipelineIdentity("pipeline", {
              repository: settings.pipeline.repository,
              deployEnvironments: settings.pipeline.deployEnvironments,
              displayNamePrefix: settings.clientApp.displayName,
              resourceGroupId: pulumi.interpolate`/subscriptions/${authorization.getClientConfigOutput().subscriptionId}/resourceGroups/${settings.pipeline.resourceGroupName}`,
              assignableRoleDefinitionIds: PROGRAM_ASSIGNED_BUILT_IN_ROLES,
              owners: settings.pipeline.owners,
          })
        : undefined;

    const clientApp = new BatchClientApp("batch-client", {
        displayName: settings.clientApp.displayName,
        signInAudience: settings.clientApp.signInAudience,
        owners: pipeline ? pipeline.deployServicePrincipalObjectId.apply((id) => [...settings.clientApp.owners, id]) : settings.clientApp.owners,
        redirectUris: settings.clientApp.redirectUris,
        allowPublicClientFlows: settings.clientApp.allowPublicClientFlows,
        grantAdminConsent: settings.clientApp.grantAdminConsent,
        clientSecret: settings.clientApp.clientSecret,
    });

    const tenantId = azuread.getClientConfigOutput().tenantId;
    const subscriptionId = authorization.getClientConfigOutput().subscriptionId;

    return {
        cloud: cloud.name,
        tenantId,
        authorityHost: cloud.authorityHost,
        authorityUrl: pulumi.interpolate`${cloud.authorityHost}/${tenantId}`,
        batchResourceUri: cloud.batchResource,
        batchScope: batchDefaultScope(cloud),
        batchUserImpersonationScope: batchUserImpersonationScope(cloud),
        clientId: clientApp.clientId,
        servicePrincipalObjectId: clientApp.servicePrincipalObjectId,
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
        // What the workflows' repository variables need (docs/run-from-ci.md).
        ...(pipeline
            ? {
                  pipelinePreviewClientId: pipeline.previewClientId,
                  pipelineDeployClientId: pipeline.deployClientId,
                  pipelineTenantId: tenantId,
                  pipelineSubscriptionId: subscriptionId,
              }
            : {}),
    };
};
