import * as authorization from "@pulumi/azure-native/authorization";
import * as pulumi from "@pulumi/pulumi";
import * as time from "@pulumiverse/time";
import { shortHash, stableGuid } from "../../config/naming";
import {
    AUTOPOOL_ACTIONS,
    AUTOPOOL_DESCRIPTION,
    BatchRoleToken,
    ExtraScopeRoleToken,
    JOB_SUBMITTER,
    JOB_SUBMITTER_ROLE,
    builtInRole,
    roleDefinitionResourceId,
} from "../../azure/roles";
import { exactlyOneArgProblem, refuseBadArgs } from "../argRules";
import { aliasFormerType } from "../typeToken";

/** The kind of principal a grant names (an `as const` object, so the component provider's schema has it as an enum). */
export const PrincipalType = { User: "User", Group: "Group", ServicePrincipal: "ServicePrincipal" } as const;
export type PrincipalType = (typeof PrincipalType)[keyof typeof PrincipalType];

/**
 * The role tokens a grant accepts: `JobSubmitter` (the custom role), the Batch built-ins and the Azure ML roles.
 * Spelled out as an `as const` object for the schema's enum; the check below keeps it equal to the catalog's tokens.
 */
export const GrantRole = {
    JobSubmitter: "JobSubmitter",
    AzureBatchJobSubmitter: "AzureBatchJobSubmitter",
    AzureBatchAccountReader: "AzureBatchAccountReader",
    AzureBatchAccountContributor: "AzureBatchAccountContributor",
    AzureBatchDataContributor: "AzureBatchDataContributor",
    Contributor: "Contributor",
    Reader: "Reader",
    AzureMLDataScientist: "AzureMLDataScientist",
    AzureMLComputeOperator: "AzureMLComputeOperator",
} as const;
export type GrantRole = (typeof GrantRole)[keyof typeof GrantRole];
type SameTokens<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
const GRANT_ROLE_IS_THE_CATALOG: SameTokens<GrantRole, BatchRoleToken | ExtraScopeRoleToken> = true;
void GRANT_ROLE_IS_THE_CATALOG;

export interface RoleGrant {
    /** Required. Stable, unique key for the assignment's Pulumi name, e.g. the principal's object ID or `app`. */
    key: string;
    /** Required. Object ID of the user, group or service principal. */
    principalId: pulumi.Input<string>;
    /**
     * Required. Always set: Azure then skips the directory lookup that fails with PrincipalNotFound for principals
     * created moments ago. See https://learn.microsoft.com/azure/role-based-access-control/role-assignments-template#new-service-principal
     */
    principalType: PrincipalType;
    /** Required. `JobSubmitter` (the custom role below) or a built-in role token. */
    role: GrantRole;
    /** Optional. Where the role applies. Default: the Batch account. */
    scope?: pulumi.Input<string>;
    /** Optional. Shown in the portal's Access control (IAM) page. Default: none. */
    description?: string;
}

export interface JobSubmitterRoleArgs {
    /**
     * Required. Where the custom role is created and may be assigned: the resource group or the subscription
     * holding the account. Azure accepts management groups, subscriptions and resource groups as assignable
     * scopes, not single resources. See https://learn.microsoft.com/azure/role-based-access-control/role-definitions#assignablescopes
     */
    assignableScope: pulumi.Input<string>;
    /**
     * Required. Appended to the role name, which must be unique in the tenant, e.g. `batch-entra-dev`. A short hash
     * of `assignableScope` follows it, so the same stack deployed to two subscriptions of one tenant gets two names.
     * See https://learn.microsoft.com/azure/role-based-access-control/custom-roles#custom-role-limits
     */
    nameSuffix: string;
    /**
     * Optional. Adds pool write and delete, which jobs with autopools need (seed 003). Default: false. The role
     * name then ends in "(autopool)" so people can tell the variants apart; the policy pack still flags it until its
     * `allowAutopool` policy config is set.
     */
    allowAutopool?: boolean;
}

/**
 * Create the custom Job Submitter role or reuse one: set exactly one of the two (checked at construction, because
 * the component provider's schema cannot express a union).
 */
export interface JobSubmitterRoleChoice {
    /** Create the "Azure Batch Custom Job Submitter" role definition. */
    create?: JobSubmitterRoleArgs;
    /** Reuse an existing role definition by its GUID, e.g. `9a1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d`. */
    existingRoleDefinitionGuid?: string;
}

export interface BatchRbacArgs {
    /** Required. The Batch account's resource ID: the default scope of every grant. */
    batchAccountId: pulumi.Input<string>;
    /** Required. Subscription whose ID prefixes built-in role definition IDs. */
    subscriptionId: pulumi.Input<string>;
    /**
     * Required. Create the "Azure Batch Custom Job Submitter" role (`{ create }`) or reuse an existing definition by
     * GUID (`{ existingRoleDefinitionGuid }`): exactly one of the two. See https://learn.microsoft.com/azure/batch/batch-aad-auth#assign-a-custom-role
     */
    jobSubmitterRole: JobSubmitterRoleChoice;
    /** Required. The assignments; each (scope, principal, role) at most once. See https://learn.microsoft.com/azure/batch/batch-role-based-access-control */
    grants: RoleGrant[];
}

/** Where a grant applies and which role it gives: what every grant of one role on one scope shares. */
interface GrantTarget {
    scope: pulumi.Output<string>;
    roleDefinitionId: pulumi.Output<string>;
    /** The three values once known, the role's display name among them. */
    resolved: pulumi.Output<{ scope: string; roleDefinitionId: string; roleName: string }>;
}

/** What was assigned, for the stack outputs. */
export interface GrantedRole {
    principalId: string;
    principalType: PrincipalType;
    role: string;
    roleDefinitionId: string;
    scope: string;
}

/**
 * The custom role's definition GUID: derived from where it is defined and the stack, so a re-run keeps it, two stacks
 * never share it, and other components (the pipeline's assignment condition) can name it before it exists.
 */
export function jobSubmitterRoleGuid(assignableScope: string, nameSuffix: string): string {
    return stableGuid("job-submitter", assignableScope, nameSuffix);
}

/**
 * The custom role's name: seed 003's name plus the stack and a hash of the scope. Role names are unique per tenant,
 * and one project/stack may be deployed to two subscriptions of a tenant; "(autopool)" stays last for the policies.
 */
export function jobSubmitterRoleName(assignableScope: string, nameSuffix: string, allowAutopool: boolean): string {
    const scopeHash = shortHash(assignableScope.toLowerCase(), 6);
    return `${JOB_SUBMITTER_ROLE.roleName} (${nameSuffix} ${scopeHash})${allowAutopool ? " (autopool)" : ""}`;
}

/**
 * How long to wait after creating the custom role before assigning it. Azure Resource Manager caches role data and
 * documents that RBAC changes can take minutes to take effect ("Troubleshoot Azure RBAC", up to 10 minutes:
 * https://learn.microsoft.com/azure/role-based-access-control/troubleshooting); a definition created moments ago
 * is not yet known everywhere, and assigning it fails with RoleDefinitionDoesNotExist, as reported in
 * hashicorp/terraform-provider-azurerm#10442 and #10602. A minute covers the usual lag; a rare longer one fails
 * the assignment, and the next `pulumi up` completes it.
 */
export const CUSTOM_ROLE_PROPAGATION_WAIT = "60s";

/**
 * Azure RBAC for a Batch account (seed 003, "Assign Azure RBAC to your application" and "Assign a custom role"):
 * the custom Job Submitter role definition and the role assignments that give each principal its one role.
 */
export class BatchRbac extends pulumi.ComponentResource {
    public readonly jobSubmitterRoleDefinition?: authorization.RoleDefinition;
    /** The subscription-level ID of the Job Submitter role, as role assignments reference it. */
    public readonly jobSubmitterRoleDefinitionId: pulumi.Output<string>;
    public readonly jobSubmitterRoleName: pulumi.Output<string>;
    public readonly assignments: pulumi.Output<GrantedRole[]>;

    constructor(name: string, args: BatchRbacArgs, opts?: pulumi.ComponentResourceOptions) {
        super("batch-entra:index:BatchRbac", name, {}, aliasFormerType(opts, "batch-entra:rbac:BatchRbac"));

        const subscriptionId = pulumi.output(args.subscriptionId);
        const { create, existingRoleDefinitionGuid } = args.jobSubmitterRole;
        // Locals, not fields: the component provider's analyzer lists every field (`private` and `#private` too) as
        // an output, and a @pulumiverse resource or a Map has no schema type.
        /** Waited on by the assignments of the custom role this component creates; absent when the role is reused. */
        let propagation: time.Sleep | undefined;
        /** Which grant claimed each assignment name, to catch two grants that ask for the same assignment. */
        const claims = new Map<string, RoleGrant>();
        refuseBadArgs(this, [
            exactlyOneArgProblem(
                "jobSubmitterRole",
                args.jobSubmitterRole,
                ["create", "existingRoleDefinitionGuid"],
                '{ existingRoleDefinitionGuid: "9a1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d" }',
            ),
        ]);
        if (create !== undefined) {
            const { assignableScope, nameSuffix, allowAutopool } = create;
            const roleName = pulumi.output(assignableScope).apply((scope) => jobSubmitterRoleName(scope, nameSuffix, allowAutopool ?? false));
            const guid = pulumi.output(assignableScope).apply((scope) => jobSubmitterRoleGuid(scope, nameSuffix));
            this.jobSubmitterRoleDefinition = new authorization.RoleDefinition(
                `${name}-job-submitter`,
                {
                    roleDefinitionId: guid,
                    scope: assignableScope,
                    roleName,
                    roleType: "CustomRole",
                    description: allowAutopool ? AUTOPOOL_DESCRIPTION : JOB_SUBMITTER_ROLE.description,
                    assignableScopes: [assignableScope],
                    permissions: [
                        {
                            actions: [...JOB_SUBMITTER_ROLE.actions, ...(allowAutopool ? AUTOPOOL_ACTIONS : [])],
                            notActions: [],
                            dataActions: [...JOB_SUBMITTER_ROLE.dataActions],
                            notDataActions: [],
                        },
                    ],
                },
                // Role names are unique per tenant: a replacement (new scope) must delete the old definition
                // before creating one with the same name. Pulumi replaces the dependent assignments first.
                { parent: this, deleteBeforeReplace: true },
            );
            // Built from the GUID rather than read from the resource, because Azure reports a definition created at
            // resource group scope under that scope, while assignments reference it at subscription level.
            this.jobSubmitterRoleDefinitionId = pulumi
                .all([subscriptionId, guid, this.jobSubmitterRoleDefinition.id])
                .apply(([sub, roleGuid]) => roleDefinitionResourceId(sub, roleGuid));
            this.jobSubmitterRoleName = roleName;
            propagation = new time.Sleep(
                `${name}-job-submitter-propagation`,
                {
                    createDuration: CUSTOM_ROLE_PROPAGATION_WAIT,
                    // A replaced definition (new scope, new GUID) replaces the wait too, so its assignments wait again.
                    triggers: { roleDefinitionId: guid },
                },
                { parent: this, dependsOn: [this.jobSubmitterRoleDefinition] },
            );
        } else {
            const existing = existingRoleDefinitionGuid as string;
            this.jobSubmitterRoleDefinitionId = subscriptionId.apply((sub) => roleDefinitionResourceId(sub, existing));
            this.jobSubmitterRoleName = pulumi.output(`existing role ${existing}`);
        }

        /**
         * What every grant of one role on one scope shares, made once per scope, role and (scope, role) pair: a
         * stack may grant thousands of principals a handful of roles on one scope, and each Output costs a dozen
         * promises that live until the program's registrations settle.
         */
        const scopes = new Map<pulumi.Input<string>, pulumi.Output<string>>();
        const roleDefinitionIds = new Map<GrantRole, pulumi.Output<string>>();
        const targets = new Map<pulumi.Output<string>, Map<GrantRole, GrantTarget>>();
        const targetOf = (grant: RoleGrant): GrantTarget => {
            const scopeInput = grant.scope ?? args.batchAccountId;
            const scope = scopes.get(scopeInput) ?? pulumi.output(scopeInput);
            scopes.set(scopeInput, scope);
            const byRole = targets.get(scope) ?? new Map<GrantRole, GrantTarget>();
            targets.set(scope, byRole);
            const known = byRole.get(grant.role);
            if (known) {
                return known;
            }
            const builtIn = grant.role === JOB_SUBMITTER ? undefined : builtInRole(grant.role as ExtraScopeRoleToken);
            const roleDefinitionId =
                roleDefinitionIds.get(grant.role) ??
                (builtIn ? subscriptionId.apply((sub) => roleDefinitionResourceId(sub, builtIn.guid)) : this.jobSubmitterRoleDefinitionId);
            roleDefinitionIds.set(grant.role, roleDefinitionId);
            const target: GrantTarget = {
                scope,
                roleDefinitionId,
                resolved: pulumi
                    .all([scope, roleDefinitionId, builtIn ? builtIn.displayName : this.jobSubmitterRoleName])
                    .apply(([targetScope, definitionId, roleName]) => ({ scope: targetScope, roleDefinitionId: definitionId, roleName })),
            };
            byRole.set(grant.role, target);
            return target;
        };
        const keys = new Set<string>();
        const granted = args.grants.map((grant) => {
            if (keys.has(grant.key)) {
                throw new pulumi.ResourceError(`grants: two grants share the key "${grant.key}"`, this);
            }
            keys.add(grant.key);
            return this.assign(name, grant, targetOf(grant), propagation, claims);
        });
        this.assignments = pulumi.all(granted);

        this.registerOutputs({

            jobSubmitterRoleDefinitionId: this.jobSubmitterRoleDefinitionId,

            assignments: this.assignments,

            jobSubmitterRoleName: this.jobSubmitterRoleName,

        });
    }

    private assign(
        name: string,
        grant: RoleGrant,
        target: GrantTarget,
        propagation: time.Sleep | undefined,
        claims: Map<string, RoleGrant>,
    ): pulumi.Output<GrantedRole> {
        const custom = grant.role === JOB_SUBMITTER;
        const principalId = pulumi.output(grant.principalId);
        const roleAssignmentName = pulumi
            .all([target.scope, principalId, target.roleDefinitionId])
            .apply(([scope, principal, role]) => claimAssignmentName(claims, name, grant, scope, principal, role));
        // No wait for the app's new service principal: principalType makes Azure accept an assignment to a principal
        // its replicas have not seen yet. A new custom role has no such switch, so its assignments wait for the Sleep.
        const assignment = new authorization.RoleAssignment(
            `${name}-${grant.key}-${grant.role.toLowerCase()}`,
            {
                // The same scope, principal and role always give the same name, so Azure sees one assignment.
                roleAssignmentName,
                scope: target.scope,
                principalId,
                principalType: grant.principalType,
                roleDefinitionId: target.roleDefinitionId,
                description: grant.description,
            },
            // Assignment names are GUIDs bound to (scope, principal, role): a replacement created first would
            // collide with the assignment it replaces ("RoleAssignmentExists").
            {
                parent: this,
                deleteBeforeReplace: true,
                dependsOn: custom && propagation ? [propagation] : [],
            },
        );
        // What was assigned, once it is declared. Combined only when the assignment's ID is known, so a stack of
        // thousands of grants does not hold this combination's promises for every grant while all are pending.
        return assignment.id.apply(() =>
            pulumi.all([target.resolved, principalId]).apply(
                ([{ scope, roleDefinitionId, roleName }, principal]): GrantedRole => ({
                    principalId: principal,
                    principalType: grant.principalType,
                    role: roleName,
                    roleDefinitionId,
                    scope,
                }),
            ),
        );
    }
}

/**
 * The assignment's name, once per (scope, principal, role). Two grants with the same name would declare two
 * resources for one Azure assignment: the second create fails at deploy time, or one grant's delete removes
 * the other's access. Checked where the name is computed, because scopes and principals are often outputs.
 */
function claimAssignmentName(claims: Map<string, RoleGrant>, name: string, grant: RoleGrant, scope: string, principalId: string, roleDefinitionId: string): string {
    const assignmentName = stableGuid(scope, principalId, roleDefinitionId);
    const claimedBy = claims.get(assignmentName);
    if (claimedBy !== undefined && claimedBy !== grant) {
        throw new Error(
            `BatchRbac "${name}": grants "${claimedBy.key}" (${claimedBy.role}) and "${grant.key}" (${grant.role}) both assign ` +
                `role ${roleDefinitionId} to principal ${principalId} on ${scope}; Azure holds one assignment per scope, ` +
                "principal and role, so keep one of the two",
        );
    }
    claims.set(assignmentName, grant);
    return assignmentName;
}
