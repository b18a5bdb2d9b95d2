import * as authorization from "@pulumi/azure-native/authorization";
import * as pulumi from "@pulumi/pulumi";
import { shown } from "../../config/messages";
import { ArgProblem, refuseBadArgs, repeatedKeyArgProblems } from "../argRules";
import { aliasFormerType } from "../typeToken";

export interface LockTarget {
    /** Required. A short key for the resource, used in the child's name (`batch-account`, `pool-vault`). */
    key: string;
    /** Required. ARM ID of the resource to lock. */
    scope: pulumi.Input<string>;
}

export interface ResourceLocksArgs {
    /**
     * Required. Name of each lock (unique per scope): at most 260 characters, none of `<>%&:\?/` nor control characters.
     * See https://learn.microsoft.com/rest/api/resources/management-locks/create-or-update-by-scope
     */
    lockName: string;
    /** Required. Text ARM shows with a ScopeLocked error: who set the lock and how to remove it; at most 512 characters. */
    notes: string;
    /** Required. The resources to lock. */
    targets: LockTarget[];
}

/**
 * What lives at or under the locked resources (child resources, role assignments, endpoints), kept off the args: the
 * component provider's schema models a resource as a bare URN. Each lock depends on them, so a destroy deletes the
 * locks first and then the rest without `ScopeLocked`.
 */
const lockedContentsOf = new WeakMap<ResourceLocksArgs, pulumi.Resource[]>();

/** Lock args whose locks also depend on `lockedContents` (what the batch-entra program declares under the locked resources). */
export function resourceLocksWaitingFor(args: ResourceLocksArgs, lockedContents: pulumi.Resource[]): ResourceLocksArgs {
    lockedContentsOf.set(args, lockedContents);
    return args;
}

// ARM's limits as its REST reference states them (Management Locks, Create Or Update At Resource Level): "The lock name
// can be a maximum of 260 characters. It cannot contain <, > %, &, :, \, ?, /, or any control characters"; notes
// "Maximum of 512 characters", which ManagementLockByScope's own docs (API version 2020-05-01) repeat.
// eslint-disable-next-line no-control-regex
const LOCK_NAME = /^[^<>%&:\\?/\u0000-\u001f\u007f]{1,260}$/;
const LOCK_NOTES_MAX_LENGTH = 512;

/** The lock arguments ARM refuses, found before any lock is declared. */
function resourceLockProblems(args: ResourceLocksArgs): (ArgProblem | undefined)[] {
    const name = String(args.lockName);
    const notes = String(args.notes);
    return [
        LOCK_NAME.test(name)
            ? undefined
            : { arg: "lockName", problem: `${shown(name)} is not 1 to 260 characters without <, >, %, &, :, \\, ?, / or control characters`, example: "batch-entra-prod-do-not-delete" },
        notes.length <= LOCK_NOTES_MAX_LENGTH
            ? undefined
            : { arg: "notes", problem: `has ${notes.length} characters; ARM takes at most ${LOCK_NOTES_MAX_LENGTH}`, example: "Set by the Pulumi stack batch-entra-prod; remove with pulumi up first" },
        ...repeatedKeyArgProblems("targets", args.targets, '[{"key": "batch-account", "scope": "<account ID>"}]'),
    ];
}

/**
 * `CanNotDelete` management locks: the resources can be read and changed, not deleted, by anyone, whatever their
 * role, until the lock is removed. A lock also covers the resource's children (a Batch account's pools).
 * See https://learn.microsoft.com/azure/azure-resource-manager/management/lock-resources
 */
export class ResourceLocks extends pulumi.ComponentResource {
    public readonly locks: authorization.ManagementLockByScope[];

    constructor(name: string, args: ResourceLocksArgs, opts?: pulumi.ComponentResourceOptions) {
        super("batch-entra:index:ResourceLocks", name, {}, aliasFormerType(opts, "batch-entra:operations:ResourceLocks"));
        refuseBadArgs(this, resourceLockProblems(args));
        this.locks = args.targets.map(
            (target) =>
                new authorization.ManagementLockByScope(
                    `${name}-${target.key}`,
                    { lockName: args.lockName, scope: target.scope, level: authorization.LockLevel.CanNotDelete, notes: args.notes },
                    { parent: this, dependsOn: lockedContentsOf.get(args) },
                ),
        );
        this.registerOutputs({});
    }
}
