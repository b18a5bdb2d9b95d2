import { CountLimit } from "./reader";

/**
 * Limits Entra ID and Azure Resource Manager enforce only when a deployment reaches them, checked here so that
 * `npm run plan` and the preview report them instead of a failed `pulumi up` half-way through. Each cites its source.
 */

/**
 * Redirect URIs: at most 256 per app registration for apps that sign in work or school accounts (signInAudience
 * AzureADMyOrg or AzureADMultipleOrgs), at most 256 characters each, and none of the characters ! $ ' ( ) , ;
 * ("Redirect URI (reply URL) outline and restrictions", https://learn.microsoft.com/entra/identity-platform/reply-url).
 */
export const REDIRECT_URIS_PER_APP: CountLimit = { max: 256, why: "Entra ID allows at most 256 redirect URIs per app registration, across all platforms" };
export const REDIRECT_URI_MAX_LENGTH = 256;
export const REDIRECT_URI_FORBIDDEN_CHARACTERS = ["!", "$", "'", "(", ")", ",", ";"] as const;
/**
 * Schemes that never deliver a sign-in response to an application, even on the public-client platform where custom
 * schemes (`msal<client-id>://auth`) are allowed: script and document URLs a browser would run or open in place
 * (the same page, "Supported schemes": HTTPS, HTTP on localhost, and app-specific custom schemes).
 */
export const REDIRECT_URI_REFUSED_SCHEMES = ["javascript:", "vbscript:", "data:", "file:", "about:", "blob:", "ftp:"] as const;

/**
 * Owners: "A maximum of 100 users and service principals can be owners of a single application" ("Microsoft Entra
 * service limits and restrictions", https://learn.microsoft.com/entra/identity/users/directory-service-limits-restrictions).
 * The program adds one owner itself (the deploying identity, or the pipeline's deploy identity).
 */
export const APP_OWNERS_MAX = 100;
export const APP_OWNERS: CountLimit = {
    max: APP_OWNERS_MAX - 1,
    why: `Entra ID allows ${APP_OWNERS_MAX} owners per application and the program adds the deploying identity as one more`,
};
export const PIPELINE_OWNERS: CountLimit = { max: APP_OWNERS_MAX, why: `Entra ID allows ${APP_OWNERS_MAX} owners per application` };

/**
 * Tags: at most 50 name-value pairs per resource; names at most 512 characters, values at most 256; names are
 * case-insensitive for operations, so `Env` and `env` are one tag ("Use tags to organize your Azure resources",
 * Limitations, https://learn.microsoft.com/azure/azure-resource-manager/management/tag-resources).
 */
export const TAGS_PER_RESOURCE = 50;
export const TAG_NAME_MAX_LENGTH = 512;
export const TAG_VALUE_MAX_LENGTH = 256;

/**
 * Batch account IP rules: "Each endpoint supports a maximum of 200 IP network rules" ("Configure public network
 * access with Azure Batch accounts", https://learn.microsoft.com/azure/batch/public-network-access).
 */
export const BATCH_IP_RULES_PER_ENDPOINT: CountLimit = { max: 200, why: "a Batch account endpoint takes at most 200 IP network rules" };

/**
 * The subscription segment of an ARM resource ID is the subscription's ID, a GUID: resource IDs have the form
 * `/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/{namespace}/{type}/{name}` ("resourceId",
 * https://learn.microsoft.com/azure/azure-resource-manager/templates/template-functions-resource#resourceid), and
 * `subscriptionId` is the GUID the "subscription" function returns (same page). Compared without case.
 */
export const GUID_PATTERN_TEXT = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}";
export const SUBSCRIPTION_ID_PREFIX = `/subscriptions/${GUID_PATTERN_TEXT}`;

/**
 * Host-name syntax for certificate DNS names (subject alternative names): labels of 1-63 letters, digits and hyphens,
 * not starting or ending with a hyphen, at most 253 characters in all (RFC 1123 section 2.1, RFC 1035 section 2.3.4);
 * a leading `*.` label for a wildcard certificate (Key Vault "subjectAlternativeNames": DNS names,
 * https://learn.microsoft.com/rest/api/keyvault/certificates/create-certificate/create-certificate#subjectalternativenames).
 */
const HOST_LABEL = /^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$/;
export function hostNameProblem(value: string): string | undefined {
    const name = value.startsWith("*.") ? value.slice(2) : value;
    if (value.length > 253) {
        return "is longer than 253 characters, the most a DNS name can have";
    }
    if (!name.split(".").every((label) => HOST_LABEL.test(label))) {
        return "is not a DNS host name: labels of 1 to 63 letters, digits or hyphens, separated by dots, no hyphen at either end (a leading *. for a wildcard)";
    }
    return undefined;
}

/**
 * Azure VM size names: tier, family letters, vCPU count (with an optional constrained count, `E4-2s`), feature
 * letters, an optional accelerator (`_A100`, `_T4`) and an optional version with its underscore (`_v5`)
 * ("Azure virtual machine sizes naming conventions", https://learn.microsoft.com/azure/virtual-machines/vm-naming-conventions).
 * `Standard_D2sv5` (no underscore before the version) is not a size.
 */
const VM_SIZE_SHAPE = /^(Standard|Basic)_[A-Z]+\d+(-\d+)?[a-z]*(_[A-Z]+\d+[A-Za-z]*)?(_v\d+)?(_Promo)?$/i;
export function isVmSizeShaped(value: string): boolean {
    return VM_SIZE_SHAPE.test(value);
}

/**
 * Federated identity credentials: "A maximum of 20 federated identity credentials can be added to an application or
 * user-assigned managed identity" ("Workload identity federation", Important considerations and restrictions,
 * https://learn.microsoft.com/entra/workload-id/workload-identity-federation-considerations). The stack federates
 * nothing else to the client app.
 */
export const FEDERATED_CREDENTIALS_PER_APP: CountLimit = { max: 20, why: "Entra ID allows at most 20 federated identity credentials per app" };
/** Email receivers: at most 1000 per action group ("Azure Monitor service limits", Action groups). */
export const ACTION_GROUP_EMAILS: CountLimit = { max: 1000, why: "an Azure Monitor action group takes at most 1000 email receivers" };
