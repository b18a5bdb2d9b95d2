import * as authorization from "@pulumi/azure-native/authorization";
import * as batch from "@pulumi/azure-native/batch";
import * as resources from "@pulumi/azure-native/resources";
import * as pulumi from "@pulumi/pulumi";
import { stableGuid } from "../config/naming";
import { STORAGE_BLOB_DATA_CONTRIBUTOR, roleDefinitionResourceId } from "../config/roles";

export interface BatchAccountArgs {
    /** Required. Azure region by programmatic name, e.g. `westeurope`; it is part of the account URL. */
    location: string;
    /**
     * Required. The resource group: created by this component unless `existing` is true, in which case it is
     * only looked up (and fails the preview if it does not exist). Default for `existing`: false.
     */
    resourceGroup: { name: string; existing?: boolean };
    /**
     * Required. The account name: 3 to 24 lowercase letters and digits, unique per region (it is a DNS label).
     * See https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules#microsoftbatch
     */
    accountName: pulumi.Input<string>;
    /**
     * Optional. Data-plane authentication modes. Default: `["AAD"]`, so every caller is an Entra identity and the
     * role assignments decide what it may do; shared keys would bypass them.
     * See https://learn.microsoft.com/azure/batch/security-best-practices#batch-account-authentication
     */
    allowedAuthenticationModes?: readonly ("AAD" | "SharedKey" | "TaskAuthenticationToken")[];
    /**
     * Optional. `Enabled` (default) or `Disabled` (private endpoints only; PrivateEndpointWithDns creates them).
     * See https://learn.microsoft.com/azure/batch/public-network-access
     */
    publicNetworkAccess?: "Enabled" | "Disabled";
    /**
     * Optional. IPv4 addresses or CIDR ranges allowed to reach the account endpoint; all others are denied. Default:
     * none, which leaves the endpoint open to every address (authentication still applies).
     * See https://learn.microsoft.com/azure/batch/public-network-access#access-from-selected-public-networks
     */
    allowedIpRanges?: readonly string[];
    /**
     * Optional. IPv4 addresses or CIDR ranges allowed to reach the node-management endpoint (where nodes talk to the
     * service); all others are denied. Default: none, which leaves it open to every address.
     * See https://learn.microsoft.com/azure/batch/public-network-access#access-from-selected-public-networks
     */
    allowedNodeManagementIpRanges?: readonly string[];
    /**
     * Optional. Resource ID of a storage account to link as auto-storage. Batch then reaches it with the account's
     * system-assigned identity (no storage keys), which this component grants Storage Blob Data Contributor on it.
     * Default: no auto-storage.
     * See https://learn.microsoft.com/rest/api/batchmanagement/batch-account/create#autostorageauthenticationmode
     */
    autoStorageAccountId?: string;
    /**
     * Optional. ARM ID of a user-assigned identity that pool nodes use for auto-storage (`nodeIdentityReference`); it
     * must be attached to those pools. Default: none, so nodes have no identity for auto-storage.
     * See https://learn.microsoft.com/rest/api/batchmanagement/batch-account/create#computenodeidentityreference
     */
    autoStorageNodeIdentityId?: pulumi.Input<string>;
    /** Optional. Tags for the resource group and the account. Default: none. */
    tags?: Readonly<Record<string, string>>;
    /** Required. The subscription the account lives in; built-in role IDs are expressed in it. */
    subscriptionId: pulumi.Input<string>;
}

/**
 * A Batch account that trusts Entra ID alone (seed 003): AAD-only data-plane authentication, BatchService pool
 * allocation, optional IP rules, and optional auto-storage reached with a managed identity instead of keys.
 */
export class BatchAccount extends pulumi.ComponentResource {
    public readonly account: batch.BatchAccount;
    public readonly name: pulumi.Output<string>;
    public readonly id: pulumi.Output<string>;
    /** `https://<account>.<region>.batch.azure.com`, the URL Batch clients are opened with. */
    public readonly url: pulumi.Output<string>;
    public readonly resourceGroupName: pulumi.Output<string>;
    public readonly resourceGroupId: pulumi.Output<string>;
    public readonly location: pulumi.Output<string>;

    constructor(name: string, args: BatchAccountArgs, opts?: pulumi.ComponentResourceOptions) {
        super("batch-entra:batch:BatchAccount", name, {}, opts);

        const tags = { ...(args.tags ?? {}) };
        if (args.resourceGroup.existing) {
            const group = resources.getResourceGroupOutput({ resourceGroupName: args.resourceGroup.name }, { parent: this });
            this.resourceGroupName = group.name;
            this.resourceGroupId = group.id;
        } else {
            const group = new resources.ResourceGroup(
                `${name}-rg`,
                { resourceGroupName: args.resourceGroup.name, location: args.location, tags },
                { parent: this },
            );
            this.resourceGroupName = group.name;
            this.resourceGroupId = group.id;
        }

        const ipRanges = args.allowedIpRanges ?? [];
        const nodeManagementRanges = args.allowedNodeManagementIpRanges ?? [];
        const denyExcept = (ranges: readonly string[]) =>
            ranges.length > 0 ? { defaultAction: "Deny" as const, ipRules: ranges.map((value) => ({ action: "Allow" as const, value })) } : undefined;
        const autoStorage = args.autoStorageAccountId;
        this.account = new batch.BatchAccount(
            `${name}-account`,
            {
                accountName: args.accountName,
                resourceGroupName: this.resourceGroupName,
                location: args.location,
                allowedAuthenticationModes: [...(args.allowedAuthenticationModes ?? ["AAD"])],
                poolAllocationMode: "BatchService",
                publicNetworkAccess: args.publicNetworkAccess ?? "Enabled",
                networkProfile:
                    ipRanges.length > 0 || nodeManagementRanges.length > 0
                        ? { accountAccess: denyExcept(ipRanges), nodeManagementAccess: denyExcept(nodeManagementRanges) }
                        : undefined,
                identity: autoStorage !== undefined ? { type: "SystemAssigned" } : undefined,
                autoStorage:
                    autoStorage !== undefined
                        ? {
                          storageAccountId: autoStorage,
                          authenticationMode: "BatchAccountManagedIdentity",
                          nodeIdentityReference: args.autoStorageNodeIdentityId ? { resourceId: args.autoStorageNodeIdentityId } : undefined,
                      }
                        : undefined,
                tags,
            },
            // The pool allocation mode cannot change after creation (REFERENCE.md); an explicit replacement is
            // clearer than a failed update.
            { parent: this, replaceOnChanges: ["poolAllocationMode"] },
        );

        if (autoStorage !== undefined) {
            const principalId = this.account.identity.apply((identity) => {
                if (!identity?.principalId) {
                    throw new Error("The Batch account has no system-assigned identity to reach its auto-storage account with");
                }
                return identity.principalId;
            });
            const roleDefinitionId = pulumi.output(args.subscriptionId).apply((sub) => roleDefinitionResourceId(sub, STORAGE_BLOB_DATA_CONTRIBUTOR.guid));
            new authorization.RoleAssignment(
                `${name}-autostorage-blob-data`,
                {
                    roleAssignmentName: pulumi
                        .all([principalId, roleDefinitionId])
                        .apply(([principal, role]) => stableGuid(autoStorage, principal, role)),
                    scope: autoStorage,
                    principalId,
                    principalType: "ServicePrincipal",
                    roleDefinitionId,
                    description: "Lets the Batch account manage its auto-storage account without storage keys",
                },
                { parent: this, deleteBeforeReplace: true },
            );
        }

        this.name = this.account.name;
        this.id = this.account.id;
        this.url = pulumi.interpolate`https://${this.account.accountEndpoint}`;
        this.location = this.account.location;

        this.registerOutputs({ name: this.name, id: this.id, url: this.url, resourceGroupName: this.resourceGroupName, location: this.location });
    }
}
