import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { asArray, asObject, equalsIgnoreCase, isAzureNativeType } from "./common";

const isBatchAccount = (type: string) => isAzureNativeType(type, "batch", "BatchAccount");
const isPool = (type: string) => isAzureNativeType(type, "batch", "Pool");
const isVault = (type: string) => isAzureNativeType(type, "keyvault", "Vault");
const isPrivateEndpoint = (type: string) => isAzureNativeType(type, "network", "PrivateEndpoint");
const isDiagnosticSetting = (type: string) => isAzureNativeType(type, "monitor", "DiagnosticSetting");

function sameId(left: unknown, right: unknown): boolean {
    return typeof left === "string" && typeof right === "string" && left.toLowerCase() === right.toLowerCase();
}

/** A value a preview cannot know yet (an ID of a resource still to be created) may be the one looked for. */
function unknownOrSame(left: unknown, right: unknown): boolean {
    return typeof left !== "string" || typeof right !== "string" || sameId(left, right);
}

/** The sub-resources each declared private endpoint connects to, with its target's ID. */
function endpointConnections(resources: readonly PolicyResource[]): { target: unknown; groupIds: string[] }[] {
    return resources
        .filter((resource) => isPrivateEndpoint(resource.type))
        .flatMap((endpoint) =>
            [...asArray(endpoint.props?.privateLinkServiceConnections), ...asArray(endpoint.props?.manualPrivateLinkServiceConnections)].map(
                (connection) => ({
                    target: asObject(connection)?.privateLinkServiceId,
                    groupIds: asArray<string>(asObject(connection)?.groupIds).filter((id) => typeof id === "string"),
                }),
            ),
        );
}

const privateAccounts = (resources: readonly PolicyResource[]) =>
    resources.filter((resource) => isBatchAccount(resource.type) && equalsIgnoreCase(resource.props?.publicNetworkAccess, "Disabled"));

/** Pools of an account: a pool names its account by `accountName`, unknown in a preview until the account exists. */
const poolsOf = (account: PolicyResource, resources: readonly PolicyResource[]) =>
    resources.filter((resource) => isPool(resource.type) && unknownOrSame(resource.props?.accountName, account.props?.name));

export const batchAccountPrivateNodeManagement: StackValidationPolicy = {
    name: "batch-account-private-node-management-endpoint",
    description:
        "A Batch account with public network access disabled that has pools also has a nodeManagement private endpoint: " +
        "without one, its nodes cannot reach the Batch service and never become usable.",
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps:
        'Declare a private endpoint to the account with groupIds ["nodeManagement"] (batch-entra: set privateEndpointSubnetId), ' +
        'put the pools in a subnet of a network that resolves its private DNS zone, or set publicNetworkAccess: "Enabled".',
    url: "https://learn.microsoft.com/azure/batch/private-connectivity",
    validateStack: (args, reportViolation) => {
        const connections = endpointConnections(args.resources);
        for (const account of privateAccounts(args.resources)) {
            if (poolsOf(account, args.resources).length === 0) {
                continue;
            }
            const hasNodeManagement = connections.some(
                (connection) => unknownOrSame(connection.target, account.props?.id) && connection.groupIds.some((id) => equalsIgnoreCase(id, "nodeManagement")),
            );
            if (!hasNodeManagement) {
                reportViolation(
                    `Batch account "${account.name}" has public network access disabled and pools, but no nodeManagement private ` +
                        "endpoint: the pools' nodes could not talk to the Batch service.",
                    account.urn,
                );
            }
        }
    },
};

export const diagnosticSettingsPresent: StackValidationPolicy = {
    name: "batch-account-key-vault-diagnostic-settings",
    description:
        "Every Batch account and Key Vault sends its resource logs somewhere (a diagnostic setting): without one, failed " +
        "sign-ins, denied vault reads and pool errors leave no trace an operator can query.",
    enforcementLevel: "advisory",
    severity: "medium",
    remediationSteps:
        "Declare a monitor DiagnosticSetting whose resourceUri is the resource's ID, sending the allLogs (Batch) or audit " +
        "(Key Vault) category group to a Log Analytics workspace (batch-entra: set logAnalyticsWorkspaceId).",
    url: "https://learn.microsoft.com/azure/azure-monitor/essentials/diagnostic-settings",
    validateStack: (args, reportViolation) => {
        const targets = args.resources.filter((resource) => isDiagnosticSetting(resource.type)).map((setting) => setting.props?.resourceUri);
        for (const resource of args.resources.filter((candidate) => isBatchAccount(candidate.type) || isVault(candidate.type))) {
            if (!targets.some((target) => unknownOrSame(target, resource.props?.id))) {
                reportViolation(`${isVault(resource.type) ? "Key Vault" : "Batch account"} "${resource.name}" has no diagnostic setting.`, resource.urn);
            }
        }
    },
};

export const batchPoolPublicIpsPrivateAccount: StackValidationPolicy = {
    name: "batch-pool-public-ips-private-account",
    description:
        "Pools of a private Batch account (public network access disabled) give their nodes no public IP: the account is " +
        "private so that the work stays off the internet, and public node addresses undo that.",
    enforcementLevel: "advisory",
    severity: "medium",
    remediationSteps:
        'Put the pool in a subnet (networkConfiguration.subnetId) with networkConfiguration.publicIPAddressConfiguration.provision: ' +
        '"NoPublicIPAddresses" (batch-entra: pools[].subnetId with publicIPs none, the default for a private account).',
    url: "https://learn.microsoft.com/azure/batch/simplified-node-communication-pool-no-public-ip",
    validateStack: (args, reportViolation) => {
        for (const account of privateAccounts(args.resources)) {
            for (const pool of poolsOf(account, args.resources)) {
                const provision = asObject(asObject(pool.props?.networkConfiguration)?.publicIPAddressConfiguration)?.provision;
                if (!equalsIgnoreCase(provision, "NoPublicIPAddresses")) {
                    reportViolation(
                        `pool "${pool.name}" of private Batch account "${account.name}" gives its nodes public IPs ` +
                            `(publicIPAddressConfiguration.provision is ${provision ?? "unset, BatchManaged"}).`,
                        pool.urn,
                    );
                }
            }
        }
    },
};
