import * as authorization from "@pulumi/azure-native/authorization";
import * as azuread from "@pulumi/azuread";
import * as pulumi from "@pulumi/pulumi";
import { BatchClientApp } from "./components/batchClientApp";
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
    };
};
