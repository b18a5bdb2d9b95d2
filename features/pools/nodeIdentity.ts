import * as authorization from "@pulumi/azure-native/authorization";
import * as pulumi from "@pulumi/pulumi";
import { stableGuid } from "../../config/naming";
import { STORAGE_BLOB_DATA_CONTRIBUTOR, roleDefinitionResourceId } from "../../azure/roles";
import type { Settings } from "../../config/settings";
import { shown } from "../../config/messages";
import { EXAMPLE_GUID, isGuid } from "../../config/reader";
import { STORAGE_ACCOUNT_ID_RULE } from "../batchAccount/config";
import { refuseBadArgs, textArgProblem } from "../argRules";
import { aliasFormerType } from "../typeToken";

/**
 * The pools' user-assigned identity's ARM ID, when a pool sets `nodeIdentity: true`. It is derived from the
 * configuration (subscription, group, name) rather than taken from the identity resource, because the Batch account
 * that references it is declared before the pools' identity and vault, which live in the account's group.
 */
export function poolNodeIdentityId(settings: Settings, subscriptionId: pulumi.Input<string>): pulumi.Output<string> | undefined {
    if (!settings.pools.pools.some((pool) => pool.nodeIdentity)) {
        return undefined;
    }
    const group = settings.pools.identityResourceGroupName ?? settings.batchAccount.resourceGroup.name;
    return pulumi.interpolate`/subscriptions/${subscriptionId}/resourceGroups/${group}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${settings.pools.identityName}`;
}

export interface NodeIdentityAutoStorageArgs {
    /** Required. ARM ID of the auto-storage account (the Batch account's `autoStorageAccountId`). */
    storageAccountId: string;
    /** Required. Principal (object) ID of the pools' user-assigned identity, e.g. PoolIdentityVault's `identityPrincipalId`. */
    principalId: pulumi.Input<string>;
    /** Required. The subscription the role definition is expressed in. */
    subscriptionId: pulumi.Input<string>;
}

/**
 * What nodes with `nodeIdentity` need on auto-storage: the grant the account's own identity has (Storage Blob Data
 * Contributor), given to the identity the nodes present, so application packages and auto-storage files need no keys.
 * See https://learn.microsoft.com/azure/batch/managed-identity-pools
 */
export class NodeIdentityAutoStorage extends pulumi.ComponentResource {
    public readonly assignment: authorization.RoleAssignment;

    constructor(name: string, args: NodeIdentityAutoStorageArgs, opts?: pulumi.ComponentResourceOptions) {
        super("batch-entra:index:NodeIdentityAutoStorage", name, {}, aliasFormerType(opts, "batch-entra:pools:NodeIdentityAutoStorage"));
        refuseBadArgs(this, [
            textArgProblem("storageAccountId", args.storageAccountId, STORAGE_ACCOUNT_ID_RULE),
            typeof args.principalId === "string" && !isGuid(args.principalId)
                ? { arg: "principalId", problem: `${shown(args.principalId)} is not an object ID (a GUID)`, example: EXAMPLE_GUID }
                : undefined,
        ]);
        const roleDefinitionId = pulumi.output(args.subscriptionId).apply((sub) => roleDefinitionResourceId(sub, STORAGE_BLOB_DATA_CONTRIBUTOR.guid));
        this.assignment = new authorization.RoleAssignment(
            `${name}-blob-data`,
            {
                roleAssignmentName: pulumi
                    .all([args.principalId, roleDefinitionId])
                    .apply(([principal, role]) => stableGuid(args.storageAccountId, principal, role)),
                scope: args.storageAccountId,
                principalId: args.principalId,
                principalType: "ServicePrincipal",
                roleDefinitionId,
                description: "Lets Batch pool nodes reach the account's auto-storage with their user-assigned identity",
            },
            { parent: this, deleteBeforeReplace: true },
        );
        this.registerOutputs({});
    }
}
