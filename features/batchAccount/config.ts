import { BATCH_IP_RULES_PER_ENDPOINT, SUBSCRIPTION_ID_PREFIX } from "../../azure/limits";
import { shown } from "../../config/messages";
import { shortHash, stackLabel } from "../../config/naming";
import { ConfigReader, RawConfig } from "../../config/reader";
import type { StackIdentity } from "../../config/settings";
import { TextRule } from "../argRules";
import type { AuthenticationMode, BatchAccountArgs, PublicNetworkAccess, ResourceGroupReference } from "./batchAccount";
import { defineKey } from "../../config/keys";
import type { Input, Output } from "@pulumi/pulumi";

/**
 * The BatchAccount args the stack's keys configure, as the component takes them: a new account setting is an arg
 * read here, with nothing to copy in index.ts. index.ts adds what only the running program knows (the subscription,
 * the derived account name, the pools' node identity, the private network's rules, the stack's tags).
 */
export interface BatchAccountSettings
    extends Omit<BatchAccountArgs, "accountName" | "subscriptionId" | "autoStorageNodeIdentityId" | "allowedNodeManagementIpRanges" | "tags"> {
    /** The account's resource group; `existing` is always decided by the stack (useExistingResourceGroup). */
    readonly resourceGroup: Required<ResourceGroupReference>;
    /** The account name given in config; undefined means derive one (see batchAccountName). */
    readonly accountName: string | undefined;
    /** Always starts with AAD; SharedKey and TaskAuthenticationToken only with their explicit flags. */
    readonly allowedAuthenticationModes: AuthenticationMode[];
    readonly publicNetworkAccess: PublicNetworkAccess;
    /** Public IPv4 addresses or CIDR ranges allowed to call the account endpoint; empty allows every address. */
    readonly allowedIpRanges: string[];
}

export const ACCOUNT_NAME_RULE: TextRule = {
    pattern: /^[a-z0-9]{3,24}$/,
    rule: "a Batch account name is 3 to 24 lowercase letters and digits (no hyphens or capitals)",
    example: "batchprod01",
};
const LOCATION = /^[a-z][a-z0-9]+$/;
/** Resource group names: letters, digits, underscores, hyphens, periods and parentheses; no trailing period. */
export const RESOURCE_GROUP_NAME_RULE: TextRule = {
    pattern: /^[-\w.()\p{L}\p{N}]{0,89}[-\w()\p{L}\p{N}]$/u,
    rule: "a resource group name is 1 to 90 letters, digits, underscores, hyphens, periods or parentheses and cannot end in a period",
    example: "rg-batch-entra-prod",
};
const IPV4 = "(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}";
export const IPV4_OR_CIDR = new RegExp(`^${IPV4}(/([0-9]|[12][0-9]|3[0-2]))?$`);
export const IP_RANGES_EXAMPLE = '["203.0.113.0/24", "198.51.100.7"]';

/** An IP rule's problem, for the reader's allowedIpRanges and the component's allowedIpRanges alike. */
export function ipRangeProblem(value: string): string | undefined {
    return IPV4_OR_CIDR.test(value) ? undefined : `${shown(value)} is not an IPv4 address or an IPv4 CIDR range`;
}
/** The autoStorageAccountId key's rule and NodeIdentityAutoStorage's storageAccountId arg's. */
export const STORAGE_ACCOUNT_ID_RULE: TextRule = {
    pattern: new RegExp(`^${SUBSCRIPTION_ID_PREFIX}/resourceGroups/[^/]+/providers/Microsoft\\.Storage/storageAccounts/[a-z0-9]{3,24}$`, "i"),
    rule: "it must be the resource ID of a storage account",
    example: "/subscriptions/00000000-1111-2222-3333-444444444444/resourceGroups/rg-data/providers/Microsoft.Storage/storageAccounts/stbatchdata",
};

/**
 * Batch account names are global DNS labels (`<name>.<region>.batch.azure.com`), so the default mixes the
 * subscription into the hash: two stacks, or one stack name in two subscriptions, get different names, and the
 * same stack always gets the same one.
 */
export function defaultBatchAccountName(stack: StackIdentity, subscriptionId: string): string {
    const readable = `batch${stack.stackName.toLowerCase().replace(/[^a-z0-9]/g, "").slice(0, 9)}`;
    return `${readable}${shortHash(`${subscriptionId}/${stack.projectName}/${stack.stackName}`, 24 - readable.length)}`;
}

/** The account name the stack configures, or else the derived one, known once the subscription is. */
export function batchAccountName(stack: StackIdentity, account: BatchAccountSettings, subscriptionId: Output<string>): Input<string> {
    return account.accountName ?? subscriptionId.apply((id) => defaultBatchAccountName(stack, id));
}

export function readBatchAccountSettings(reader: ConfigReader, raw: RawConfig, stack: StackIdentity): BatchAccountSettings {
    const location = readLocation(reader, raw);

    const resourceGroupName = reader.string(RESOURCE_GROUP_NAME_KEY.name, `rg-${stackLabel(stack)}`, RESOURCE_GROUP_NAME_RULE);
    const existingResourceGroup = reader.boolean(USE_EXISTING_RESOURCE_GROUP_KEY.name, USE_EXISTING_RESOURCE_GROUP_KEY.default);

    const accountName = reader.optionalString(BATCH_ACCOUNT_NAME_KEY.name, ACCOUNT_NAME_RULE);

    readPoolAllocationMode(reader);
    const allowedAuthenticationModes = readAuthenticationModes(reader);

    // With private endpoints the account is private unless the stack says otherwise (docs/private-networking-and-operations.md).
    const defaultAccess: PublicNetworkAccess = reader.isSet("privateEndpointSubnetId") ? "Disabled" : "Enabled";
    const publicNetworkAccess = reader.oneOf<PublicNetworkAccess>(PUBLIC_NETWORK_ACCESS_KEY.name, ["Enabled", "Disabled"], defaultAccess);
    const allowedIpRanges = reader.stringList(ALLOWED_IP_RANGES_KEY.name, {
        example: IP_RANGES_EXAMPLE,
        item: ipRangeProblem,
        limit: BATCH_IP_RULES_PER_ENDPOINT,
    });
    if (publicNetworkAccess === "Disabled" && allowedIpRanges.length > 0) {
        reader.report(
            "allowedIpRanges",
            "IP rules only apply while publicNetworkAccess is Enabled; with Disabled, clients reach the account through private endpoints only",
            "[]",
        );
    }

    const autoStorageAccountId = reader.optionalString(AUTO_STORAGE_ACCOUNT_ID_KEY.name, STORAGE_ACCOUNT_ID_RULE);

    return {
        location,
        resourceGroup: { name: resourceGroupName, existing: existingResourceGroup },
        accountName,
        allowedAuthenticationModes,
        publicNetworkAccess,
        allowedIpRanges,
        autoStorageAccountId,
    };
}

/** The region: this key, or the provider's `azure-native:location`; written as `westeurope` or `West Europe`. */
function readLocation(reader: ConfigReader, raw: RawConfig): string {
    const own = reader.optionalString(LOCATION_KEY.name, { example: "westeurope" });
    const value = own ?? raw.get("azure-native:location")?.trim();
    const key = own !== undefined ? "location" : "azure-native:location";
    if (value === undefined || value === "") {
        reader.report(LOCATION_KEY.name, "no region is set: set this key or azure-native:location", "westeurope");
        return "westeurope";
    }
    const normalized = value.toLowerCase().replace(/\s+/g, "");
    if (!LOCATION.test(normalized)) {
        reader.report(key, `${shown(value)} is not an Azure region name`, "westeurope");
    }
    return normalized;
}

function readPoolAllocationMode(reader: ConfigReader): void {
    const value = reader.optionalString(POOL_ALLOCATION_MODE_KEY.name, { example: "BatchService" });
    if (value === undefined || value.toLowerCase() === "batchservice") {
        return;
    }
    if (value.toLowerCase() === "usersubscription") {
        reader.report(
            "poolAllocationMode",
            "UserSubscription mode is not supported by batch-entra yet (it needs a Key Vault and Batch service access " +
                "to the subscription, and cannot be changed after creation); use BatchService",
            "BatchService",
        );
        return;
    }
    reader.report(POOL_ALLOCATION_MODE_KEY.name, `${shown(value)} is not a pool allocation mode; batch-entra supports "BatchService"`, "BatchService");
}

/**
 * Shared keys give full rights to the account and bypass every role assignment, so they need
 * `allowSharedKeyAccess: true`; task authentication tokens are a separate opt-in. The modes may also be listed
 * in `allowedAuthenticationModes` (the ARM property name people copy from templates): the list must agree with
 * the flags, so a list alone never enables shared keys.
 */
function readAuthenticationModes(reader: ConfigReader): AuthenticationMode[] {
    const allowSharedKey = reader.boolean(ALLOW_SHARED_KEY_ACCESS_KEY.name, ALLOW_SHARED_KEY_ACCESS_KEY.default);
    const allowTaskToken = reader.boolean(ALLOW_TASK_AUTHENTICATION_TOKEN_KEY.name, ALLOW_TASK_AUTHENTICATION_TOKEN_KEY.default);
    if (allowTaskToken) {
        reader.report(
            "allowTaskAuthenticationToken",
            "task authentication tokens are retired by the Batch service, so an account cannot rely on them; give tasks " +
                "a user-assigned managed identity on the pool (the certificate-rotating pools already have one) and grant it a role instead",
            "false",
        );
    }
    const fromFlags: AuthenticationMode[] = ["AAD"];
    if (allowSharedKey) fromFlags.push("SharedKey");
    if (allowTaskToken) fromFlags.push("TaskAuthenticationToken");

    const key = ALLOWED_AUTHENTICATION_MODES_KEY.name;
    const known: readonly AuthenticationMode[] = ["AAD", "SharedKey", "TaskAuthenticationToken"];
    const listed = reader.stringList(key, {
        example: '["AAD"]',
        item: (value) => (known.includes(value as AuthenticationMode) ? undefined : `${shown(value)} is not one of ${known.join(", ")}`),
    });
    if (listed.length === 0) {
        return fromFlags;
    }
    if (!listed.includes("AAD")) {
        reader.report(key, "must include AAD: batch-entra's accounts authenticate callers with Entra ID", '["AAD"]');
    }
    const flagFor: Record<Exclude<AuthenticationMode, "AAD">, { flag: string; on: boolean }> = {
        SharedKey: { flag: "allowSharedKeyAccess", on: allowSharedKey },
        TaskAuthenticationToken: { flag: "allowTaskAuthenticationToken", on: allowTaskToken },
    };
    for (const [mode, { flag, on }] of Object.entries(flagFor)) {
        if (listed.includes(mode) && !on) {
            reader.report(
                key,
                `lists ${mode} but ${reader.fullKey(flag)} is not true` +
                    (mode === "SharedKey" ? "; shared keys give full access and bypass every role assignment" : ""),
                '["AAD"]',
            );
        } else if (!listed.includes(mode) && on) {
            reader.report(key, `does not list ${mode} although ${reader.fullKey(flag)} is true; leave the list out or make them agree`, JSON.stringify(fromFlags));
        }
    }
    return fromFlags;
}

export const LOCATION_KEY = defineKey({
    name: "location",
    type: "string",
    default: "",
    section: "batchAccount",
    description: "Azure region of the resource group and Batch account (e.g. westeurope). Default (empty) is the value of azure-native:location.",
    example: "westeurope",
    reference: { meaning: "Region of the resource group and account. One of the two must be set. A region of another cloud is refused; a name not in the cloud's list is warned about, with the nearest real one.", default: "`azure-native:location`" },
});

export const RESOURCE_GROUP_NAME_KEY = defineKey({
    name: "resourceGroupName",
    type: "string",
    default: "",
    section: "batchAccount",
    description: "Resource group that holds the Batch account. Default (empty) is rg-<project>-<stack>.",
    example: "rg-batch-prod",
    reference: { meaning: "Resource group for the account (and pools).", default: "`rg-<project>-<stack>`" },
});

export const USE_EXISTING_RESOURCE_GROUP_KEY = defineKey({
    name: "useExistingResourceGroup",
    type: "boolean",
    default: false,
    section: "batchAccount",
    description: "Use resourceGroupName as an existing group (looked up, never created or deleted) instead of creating it.",
    example: "true",
    reference: { meaning: "Look the group up instead of creating it. The stack never deletes it." },
});

export const BATCH_ACCOUNT_NAME_KEY = defineKey({
    name: "batchAccountName",
    type: "string",
    default: "",
    section: "batchAccount",
    description: "Batch account name, 3-24 lowercase letters and digits, unique per region. Default (empty) is batch<stack> plus a hash of subscription, project and stack.",
    example: "batchprod01",
    reference: { meaning: "3–24 lowercase letters and digits, unique in the region. Derived deterministically when unset.", default: "`batch<stack>` + hash" },
});

export const ALLOW_SHARED_KEY_ACCESS_KEY = defineKey({
    name: "allowSharedKeyAccess",
    type: "boolean",
    default: false,
    section: "batchAccount",
    description: "Also allow shared-key authentication. Shared keys give full access and bypass every role assignment.",
    example: "false",
    reference: { meaning: "Also allow shared keys. **They bypass every role assignment.**" },
});

export const ALLOW_TASK_AUTHENTICATION_TOKEN_KEY = defineKey({
    name: "allowTaskAuthenticationToken",
    type: "boolean",
    default: false,
    section: "batchAccount",
    description: "Refused when true. Task authentication tokens are retired by the Batch service; give tasks a managed identity instead.",
    example: "false",
    reference: { meaning: "Refused when true: the Batch service retires task authentication tokens. Give tasks a managed identity." },
});

export const ALLOWED_AUTHENTICATION_MODES_KEY = defineKey({
    name: "allowedAuthenticationModes",
    type: "array",
    items: "string",
    default: [],
    section: "batchAccount",
    description: "Optional explicit list (AAD, SharedKey, TaskAuthenticationToken); must include AAD and agree with the two allow flags. Default: derived from the flags.",
    example: "[\"AAD\"]",
    reference: { meaning: "ARM's own list, for people copying templates. Must contain `AAD` and agree with the flags.", default: "from the two flags" },
});

export const POOL_ALLOCATION_MODE_KEY = defineKey({
    name: "poolAllocationMode",
    type: "string",
    default: "BatchService",
    section: "batchAccount",
    description: "Pool allocation mode. Only BatchService is supported; UserSubscription is refused.",
    example: "BatchService",
    reference: { meaning: "`UserSubscription` is refused (not supported yet)." },
});

export const PUBLIC_NETWORK_ACCESS_KEY = defineKey({
    name: "publicNetworkAccess",
    type: "string",
    default: "",
    section: "batchAccount",
    description: "Public network access to the account endpoint: Enabled or Disabled (private endpoints only). Default (empty): Disabled with privateEndpointSubnetId, else Enabled.",
    example: "Disabled",
    reference: { meaning: "`Enabled` or `Disabled` (then only private endpoints reach it; with pools, `privateEndpointSubnetId` is required).", default: "`Disabled` with `privateEndpointSubnetId`, else `Enabled`" },
});

export const ALLOWED_IP_RANGES_KEY = defineKey({
    name: "allowedIpRanges",
    type: "array",
    items: "string",
    default: [],
    section: "batchAccount",
    description: "IPv4 addresses or CIDR ranges allowed to call the account endpoint; all others are denied. Empty allows every address.",
    example: "[\"203.0.113.0/24\"]",
    reference: { meaning: "IPv4 addresses or CIDR ranges, at most 200 (Batch's limit per endpoint). When set, every other address is denied." },
});

export const AUTO_STORAGE_ACCOUNT_ID_KEY = defineKey({
    name: "autoStorageAccountId",
    type: "string",
    default: "",
    section: "batchAccount",
    description: "Resource ID of a storage account to link as auto-storage, reached with the account's managed identity (no keys). Default (empty) is none.",
    example: "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-data/providers/Microsoft.Storage/storageAccounts/batchdata",
    reference: { meaning: "Existing storage account to link, reached with the account's managed identity. Its subscription segment must be a GUID.", default: "none" },
});

/** This feature's configuration keys, in the README's order. Pulumi.yaml and the README's reference are generated from them (npm run generate:config). */
export const BATCH_ACCOUNT_KEYS = [LOCATION_KEY, RESOURCE_GROUP_NAME_KEY, USE_EXISTING_RESOURCE_GROUP_KEY, BATCH_ACCOUNT_NAME_KEY, ALLOW_SHARED_KEY_ACCESS_KEY, ALLOW_TASK_AUTHENTICATION_TOKEN_KEY, ALLOWED_AUTHENTICATION_MODES_KEY, POOL_ALLOCATION_MODE_KEY, PUBLIC_NETWORK_ACCESS_KEY, ALLOWED_IP_RANGES_KEY, AUTO_STORAGE_ACCOUNT_ID_KEY];
