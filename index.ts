import * as authorization from "@pulumi/azure-native/authorization";
import * as azuread from "@pulumi/azuread";
import * as pulumi from "@pulumi/pulumi";
import { BatchAccount } from "./components/batchAccount";
import { BatchClientApp } from "./components/batchClientApp";
import { BatchRbac, RoleGrant } from "./components/batchRbac";
import { defaultBatchAccountName } from "./config/batchAccount";
import { shortHash } from "./config/naming";
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

    const clientApp = new BatchClientApp("batch-client", {
        displayName: settings.clientApp.displayName,
        signInAudience: settings.clientApp.signInAudience,
        owners: settings.clientApp.owners,
        redirectUris: settings.clientApp.redirectUris,
        allowPublicClientFlows: settings.clientApp.allowPublicClientFlows,
        grantAdminConsent: settings.clientApp.grantAdminConsent,
        clientSecret: settings.clientApp.clientSecret,
    });

    const tenantId = azuread.getClientConfigOutput().tenantId;
    const subscriptionId = authorization.getClientConfigOutput().subscriptionId;

    const accountSettings = settings.batchAccount;
    const batchAccount = new BatchAccount("batch", {
        location: accountSettings.location,
        resourceGroup: accountSettings.resourceGroup,
        accountName: accountSettings.accountName ?? subscriptionId.apply((id) => defaultBatchAccountName(settings, id)),
        allowedAuthenticationModes: accountSettings.allowedAuthenticationModes,
        publicNetworkAccess: accountSettings.publicNetworkAccess,
        allowedIpRanges: accountSettings.allowedIpRanges,
        autoStorageAccountId: accountSettings.autoStorageAccountId,
        tags: settings.tags,
        subscriptionId,
    });

    const { rbac } = settings;
    const grants: RoleGrant[] = [
        { key: "app", principalId: clientApp.servicePrincipalObjectId, principalType: "ServicePrincipal", role: rbac.appRole },
        ...rbac.roleAssignments.map((assignment) => ({ key: assignment.principalId, ...assignment })),
        ...rbac.appExtraScopes.map((extra) => ({
            // Keyed by the scope, not the list position, so reordering the list replaces nothing.
            key: `app-${shortHash(extra.scope.toLowerCase(), 8)}`,
            principalId: clientApp.servicePrincipalObjectId,
            principalType: "ServicePrincipal" as const,
            ...extra,
        })),
    ];
    const jobSubmitter = rbac.jobSubmitterRole;
    const batchRbac = new BatchRbac("batch-rbac", {
        batchAccountId: batchAccount.id,
        subscriptionId,
        jobSubmitterRole: jobSubmitter.create
            ? {
                  create: {
                      assignableScope:
                          jobSubmitter.assignableScope === "subscription" ? pulumi.interpolate`/subscriptions/${subscriptionId}` : batchAccount.resourceGroupId,
                      nameSuffix: `${settings.projectName}-${settings.stackName}`,
                      allowAutopool: jobSubmitter.allowAutopool,
                  },
              }
            : { existingRoleDefinitionGuid: jobSubmitter.existingRoleDefinitionGuid },
        grants,
    });

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
    };
};
