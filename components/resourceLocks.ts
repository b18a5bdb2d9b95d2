import * as authorization from "@pulumi/azure-native/authorization";
import * as pulumi from "@pulumi/pulumi";

export interface LockTarget {
    /** Required. A short key for the resource, used in the child's name (`batch-account`, `pool-vault`). */
    key: string;
    /** Required. ARM ID of the resource to lock. */
    scope: pulumi.Input<string>;
}

export interface ResourceLocksArgs {
    /** Required. Name of each lock (unique per scope). */
    lockName: string;
    /** Required. Text ARM shows with a ScopeLocked error: who set the lock and how to remove it. */
    notes: string;
    /** Required. The resources to lock. */
    targets: LockTarget[];
    /**
     * Optional. What lives at or under the locked resources (child resources, role assignments, endpoints): each lock
     * depends on them, so a destroy deletes the locks first and then the rest without `ScopeLocked`. Default: none.
     */
    lockedContents?: pulumi.Resource[];
}

/**
 * `CanNotDelete` management locks: the resources can be read and changed, not deleted, by anyone, whatever their
 * role, until the lock is removed. A lock also covers the resource's children (a Batch account's pools).
 * See https://learn.microsoft.com/azure/azure-resource-manager/management/lock-resources
 */
export class ResourceLocks extends pulumi.ComponentResource {
    public readonly locks: authorization.ManagementLockByScope[];

    constructor(name: string, args: ResourceLocksArgs, opts?: pulumi.ComponentResourceOptions) {
        super("batch-entra:operations:ResourceLocks", name, {}, opts);
        this.locks = args.targets.map(
            (target) =>
                new authorization.ManagementLockByScope(
                    `${name}-${target.key}`,
                    { lockName: args.lockName, scope: target.scope, level: authorization.LockLevel.CanNotDelete, notes: args.notes },
                    { parent: this, dependsOn: args.lockedContents },
                ),
        );
        this.registerOutputs({});
    }
}
