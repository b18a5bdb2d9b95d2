/**
 * The Azure clouds batch-entra can deploy to. The authority host and the Batch resource differ per cloud, and a
 * token for the wrong Batch resource is rejected with 401, so client code must take both from the stack outputs.
 * Sources: "Authenticate Batch service solutions with Microsoft Entra ID" (Batch endpoints per cloud) and
 * "National clouds" in the Microsoft identity platform docs.
 */
export type CloudName = "public" | "usgovernment" | "china";

export interface CloudEndpoints {
    readonly name: CloudName;
    /** Entra ID authority host, without a trailing slash; the tenant ID is appended for the authority URL. */
    readonly authorityHost: string;
    /** The Batch resource (audience) tokens are requested for; the trailing slash is part of it. */
    readonly batchResource: string;
    /** DNS suffix of Batch account endpoints: https://<account>.<region>.<suffix>. */
    readonly batchEndpointSuffix: string;
    readonly resourceManager: string;
    readonly graphEndpoint: string;
    readonly sqlManagement: string;
    readonly gallery: string;
    readonly management: string;
    /** The value the azure-native provider expects in `azure-native:environment`. */
    readonly azureNativeEnvironment: string;
    /** The values the azuread provider accepts in `azuread:environment` for this cloud. */
    readonly azureadEnvironments: readonly string[];
}

export const CLOUDS: Readonly<Record<CloudName, CloudEndpoints>> = {
    public: {
        name: "public",
        authorityHost: "https://login.microsoftonline.com",
        batchResource: "https://batch.core.windows.net/",
        batchEndpointSuffix: "batch.azure.com",
        resourceManager: "https://management.azure.com/",
        graphEndpoint: "https://graph.microsoft.com/",
        sqlManagement: "https://management.core.windows.net:8443/",
        gallery: "https://gallery.azure.com/",
        management: "https://management.core.windows.net/",
        azureNativeEnvironment: "public",
        azureadEnvironments: ["global", "public"],
    },
    usgovernment: {
        name: "usgovernment",
        authorityHost: "https://login.microsoftonline.us",
        batchResource: "https://batch.core.usgovcloudapi.net/",
        batchEndpointSuffix: "batch.usgovcloudapi.net",
        resourceManager: "https://management.usgovcloudapi.net/",
        graphEndpoint: "https://graph.microsoft.us/",
        sqlManagement: "https://management.core.usgovcloudapi.net:8443/",
        gallery: "https://gallery.usgovcloudapi.net/",
        management: "https://management.core.usgovcloudapi.net/",
        azureNativeEnvironment: "usgovernment",
        azureadEnvironments: ["usgovernment", "usgovernmentl4", "usgovernmentl5"],
    },
    china: {
        name: "china",
        authorityHost: "https://login.chinacloudapi.cn",
        batchResource: "https://batch.chinacloudapi.cn/",
        batchEndpointSuffix: "batch.chinacloudapi.cn",
        resourceManager: "https://management.chinacloudapi.cn/",
        graphEndpoint: "https://microsoftgraph.chinacloudapi.cn/",
        sqlManagement: "https://management.core.chinacloudapi.cn:8443/",
        gallery: "https://gallery.chinacloudapi.cn/",
        management: "https://management.core.chinacloudapi.cn/",
        azureNativeEnvironment: "china",
        azureadEnvironments: ["china"],
    },
};

/** The Azure Batch first-party API's application (client) ID; the same in every tenant. */
export const AZURE_BATCH_API_APP_ID = "ddbf3205-c6bd-46ae-8127-60eb93363864";

/** The delegated permission integrated (user) sign-in needs on the Batch API. */
export const BATCH_USER_IMPERSONATION = "user_impersonation";

/** Client-credentials scope: the resource plus `/.default`. The double slash is real and required. */
export function batchDefaultScope(cloud: CloudEndpoints): string {
    return `${cloud.batchResource}/.default`;
}

/** Delegated scope for integrated sign-in, e.g. `https://batch.core.windows.net/user_impersonation`. */
export function batchUserImpersonationScope(cloud: CloudEndpoints): string {
    return `${cloud.batchResource}${BATCH_USER_IMPERSONATION}`;
}
