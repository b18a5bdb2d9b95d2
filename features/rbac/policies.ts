import type { PolicyConfigSchema, ResourceValidationPolicy } from "@pulumi/policy";
import {
    OWNER_ROLE_ID,
    RBAC_ADMINISTRATOR_ROLE_ID,
    ROLE_NAMES,
    USER_ACCESS_ADMINISTRATOR_ROLE_ID,
    asArray,
    asObject,
    configWithDefaults,
    forResources,
    grants,
    isAzureNativeType,
    isSet,
    roleDefinitionGuid,
} from "../../policies/common";
import { BATCH_BUILT_IN_ROLES, BUILT_IN_ROLE_GUIDS } from "../../azure/roles";

const isRoleAssignment = (type: string) => isAzureNativeType(type, "authorization", "RoleAssignment");
const isRoleDefinition = (type: string) => isAzureNativeType(type, "authorization", "RoleDefinition");

/** The ABAC attribute a condition must test to limit which roles the holder of a delegating role can assign. */
const ROLE_DEFINITION_ATTRIBUTE = "microsoft.authorization/roleassignments:roledefinitionid";

/** Operations that change who holds which permissions: whoever may perform them can grant themselves anything. */
export const RBAC_WRITE_OPERATIONS = [
    "Microsoft.Authorization/roleAssignments/write",
    "Microsoft.Authorization/roleAssignments/delete",
    "Microsoft.Authorization/roleDefinitions/write",
    "Microsoft.Authorization/roleDefinitions/delete",
];

export const POOL_WRITE_OPERATIONS = ["Microsoft.Batch/batchAccounts/pools/write", "Microsoft.Batch/batchAccounts/pools/delete"];

/** Data actions only a role meant for job submission grants; `jobs/*` and `jobs/write` both cover the first. */
const JOB_SUBMISSION_DATA_ACTIONS = ["Microsoft.Batch/batchAccounts/jobs/write"];

/** Contributor: every action on every resource in scope, which includes the Batch account's keys and pools. */
export const CONTRIBUTOR_ROLE_ID = BUILT_IN_ROLE_GUIDS.contributor;

export const roleAssignmentPrincipalType: ResourceValidationPolicy = {
    name: "role-assignment-principal-type",
    description:
        "Every role assignment states its principalType, so Azure does not look the principal up in a directory replica " +
        "that may not know a just-created principal yet (PrincipalNotFound).",
    enforcementLevel: "mandatory",
    severity: "low",
    remediationSteps: 'Set principalType to "User", "Group" or "ServicePrincipal" (managed identities are ServicePrincipal).',
    url: "https://learn.microsoft.com/azure/role-based-access-control/role-assignments-template#new-service-principal",
    validateResource: forResources(isRoleAssignment, (props, _args, reportViolation) => {
        if (!isSet(props, "principalType")) {
            reportViolation(
                "principalType is unset; Azure then resolves the principal itself and fails with PrincipalNotFound " +
                    "when the principal was created moments ago.",
            );
        }
    }),
};

const privilegedRolesConfig: PolicyConfigSchema = {
    properties: {
        additionalForbiddenRoleDefinitionIds: {
            type: "array",
            items: { type: "string" },
            default: [],
            description: "More role definition GUIDs this stack must never assign (besides Owner and User Access Administrator).",
        },
    },
};

export const roleAssignmentNoPrivilegedRoles: ResourceValidationPolicy = {
    name: "role-assignment-no-privileged-roles",
    description:
        "No role assignment grants Owner or User Access Administrator; Role Based Access Control Administrator only " +
        "with an ABAC condition that limits which roles its holder can assign (and does not let it assign those three).",
    enforcementLevel: "mandatory",
    severity: "critical",
    configSchema: privilegedRolesConfig,
    remediationSteps:
        "Assign the narrowest role that does the job (Azure Batch Job Submitter, Azure Batch Account Reader, ...). A " +
        "deployment identity that must create role assignments gets Role Based Access Control Administrator with a " +
        "condition such as @Request[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals " +
        "{<the roles it may hand out>}.",
    url: "https://learn.microsoft.com/azure/role-based-access-control/delegate-role-assignments-portal",
    validateResource: forResources(isRoleAssignment, (props, args, reportViolation) => {
        const { additionalForbiddenRoleDefinitionIds } = configWithDefaults<{ additionalForbiddenRoleDefinitionIds: string[] }>(
            privilegedRolesConfig,
            args,
        );
        if (typeof props.roleDefinitionId !== "string") {
            return;
        }
        const roleId = roleDefinitionGuid(props.roleDefinitionId);
        const forbidden = [OWNER_ROLE_ID, USER_ACCESS_ADMINISTRATOR_ROLE_ID, ...additionalForbiddenRoleDefinitionIds.map((id) => id.toLowerCase())];
        if (forbidden.includes(roleId)) {
            reportViolation(
                `assigns ${ROLE_NAMES[roleId] ?? "a role this policy forbids"} (${roleId}), which lets its holder grant ` +
                    "anyone any access; batch-entra never assigns it.",
            );
            return;
        }
        if (roleId !== RBAC_ADMINISTRATOR_ROLE_ID) {
            return;
        }
        if (!isSet(props, "condition")) {
            reportViolation(
                `assigns Role Based Access Control Administrator (${roleId}) without a condition, so its holder could assign ` +
                    "Owner to anyone; add a condition that limits the role definitions it may assign.",
            );
            return;
        }
        const condition = String(props.condition);
        if (!condition.toLowerCase().includes(ROLE_DEFINITION_ATTRIBUTE)) {
            reportViolation(
                `assigns Role Based Access Control Administrator (${roleId}) with a condition that does not test ` +
                    "Microsoft.Authorization/roleAssignments:RoleDefinitionId, so it does not limit which roles can be assigned.",
            );
        }
        const privilegedAllowed = allowedRoleGuids(condition).filter((guid) => guid in ROLE_NAMES);
        if (privilegedAllowed.length > 0) {
            reportViolation(
                "assigns Role Based Access Control Administrator with a condition that still lets its holder assign " +
                    `${privilegedAllowed.map((guid) => ROLE_NAMES[guid]).join(", ")}.`,
            );
        }
    }),
};

/** GUIDs a condition allows through `GuidEquals {...}` sets (GuidNotEquals sets exclude roles and are not counted). */
function allowedRoleGuids(condition: string): string[] {
    const guids: string[] = [];
    for (const match of condition.matchAll(/GuidEquals\s*\{([^}]*)\}/gi)) {
        guids.push(...match[1].split(",").map((guid) => guid.trim().toLowerCase()));
    }
    return guids;
}

interface RolePermissions {
    readonly actions: string[];
    readonly notActions: string[];
    readonly dataActions: string[];
    readonly notDataActions: string[];
}

function permissionsOf(props: Record<string, any>): RolePermissions[] {
    return asArray(props.permissions).map((entry) => {
        const permission = asObject(entry) ?? {};
        return {
            actions: asArray<string>(permission.actions),
            notActions: asArray<string>(permission.notActions),
            dataActions: asArray<string>(permission.dataActions),
            notDataActions: asArray<string>(permission.notDataActions),
        };
    });
}

function roleLabel(props: Record<string, any>): string {
    return typeof props.roleName === "string" ? `custom role "${props.roleName}"` : "custom role";
}

export const customRoleNoWildcardActions: ResourceValidationPolicy = {
    name: "custom-role-no-wildcard-actions",
    description: "Custom roles list the operations they need: no action or data action that starts with the wildcard `*`.",
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps:
        "Replace the wildcard with the operations the role needs, e.g. Microsoft.Batch/batchAccounts/read and " +
        "Microsoft.Batch/batchAccounts/jobs/* (a data action) for job submission.",
    url: "https://learn.microsoft.com/azure/role-based-access-control/custom-roles",
    validateResource: forResources(isRoleDefinition, (props, _args, reportViolation) => {
        for (const permission of permissionsOf(props)) {
            const wildcards = [...permission.actions, ...permission.dataActions].filter((action) => action.trim().startsWith("*"));
            if (wildcards.length > 0) {
                reportViolation(`${roleLabel(props)} grants wildcard operations [${wildcards.join(", ")}], which cover every resource provider.`);
            }
        }
    }),
};

export const customRoleNoRbacWrites: ResourceValidationPolicy = {
    name: "custom-role-no-rbac-writes",
    description:
        "Custom roles never write or delete role assignments or role definitions (Microsoft.Authorization/roleAssignments/*, " +
        "roleDefinitions/*): a holder of such a role could grant itself any access.",
    enforcementLevel: "mandatory",
    severity: "critical",
    remediationSteps:
        "Remove the Microsoft.Authorization write/delete operations (or the wildcard that covers them) from the role's actions. " +
        "If a deployment identity must assign roles, give it Role Based Access Control Administrator with a condition instead.",
    url: "https://learn.microsoft.com/azure/role-based-access-control/custom-roles",
    validateResource: forResources(isRoleDefinition, (props, _args, reportViolation) => {
        const granted = RBAC_WRITE_OPERATIONS.filter((operation) =>
            permissionsOf(props).some((permission) => grants(permission.actions, permission.notActions, operation)),
        );
        if (granted.length > 0) {
            reportViolation(`${roleLabel(props)} grants ${granted.join(", ")}.`);
        }
    }),
};

const autopoolConfig: PolicyConfigSchema = {
    properties: {
        allowAutopool: {
            type: "boolean",
            default: false,
            description:
                "Allow pool write and delete on job-submission roles, which jobs with autopools need (the stack's " +
                "jobSubmitterAllowsAutopool: true declares such a role).",
        },
    },
};

/**
 * Why the role counts as one for job submission, or undefined when it does not. The data actions decide as well
 * as the name, so renaming a role does not take it out of the policy's reach.
 */
function jobSubmissionEvidence(props: Record<string, any>, permissions: readonly RolePermissions[]): string | undefined {
    const submitsJobs = JOB_SUBMISSION_DATA_ACTIONS.some((operation) =>
        permissions.some((permission) => grants(permission.dataActions, permission.notDataActions, operation)),
    );
    if (submitsJobs) {
        return "it grants the data action Microsoft.Batch/batchAccounts/jobs/write";
    }
    return typeof props.roleName === "string" && /job submitter/i.test(props.roleName) ? 'its roleName contains "Job Submitter"' : undefined;
}

export const jobSubmitterRoleNoPoolWrites: ResourceValidationPolicy = {
    name: "job-submitter-role-no-pool-writes",
    description:
        'A custom role meant for job submission (its roleName contains "Job Submitter", or it grants the data action ' +
        "Microsoft.Batch/batchAccounts/jobs/write, e.g. through jobs/*) does not create, change or delete pools, unless " +
        "the policy config allows autopools (allowAutopool, default false).",
    enforcementLevel: "mandatory",
    severity: "medium",
    configSchema: autopoolConfig,
    remediationSteps:
        "Remove Microsoft.Batch/batchAccounts/pools/write and pools/delete from the role. If jobs really run on autopools " +
        "(the stack's jobSubmitterAllowsAutopool: true is what declares such a role), allow it in a policy config file, " +
        '{"job-submitter-role-no-pool-writes": {"allowAutopool": true}}, passed to pulumi preview/up with ' +
        "--policy-pack-config <file> and to the offline plan with npm run plan -- --policy-config <file>.",
    url: "https://learn.microsoft.com/azure/batch/batch-role-based-access-control",
    validateResource: forResources(isRoleDefinition, (props, args, reportViolation) => {
        const { allowAutopool } = configWithDefaults<{ allowAutopool: boolean }>(autopoolConfig, args);
        if (allowAutopool) {
            return;
        }
        const permissions = permissionsOf(props);
        const granted = POOL_WRITE_OPERATIONS.filter((operation) =>
            permissions.some((permission) => grants(permission.actions, permission.notActions, operation)),
        );
        if (granted.length === 0) {
            return;
        }
        const evidence = jobSubmissionEvidence(props, permissions);
        if (evidence !== undefined) {
            reportViolation(
                `${roleLabel(props)} is a job-submission role (${evidence}) and grants ${granted.join(", ")}, but the policy ` +
                    "config does not allow autopools (allowAutopool is false).",
            );
        }
    }),
};

export const roleAssignmentBroadBatchRole: ResourceValidationPolicy = {
    name: "role-assignment-broad-batch-role",
    description:
        "Role assignments avoid Contributor: on a Batch account it manages pools, keys and the account itself, far more " +
        "than Azure Batch Account Contributor or a Job Submitter role needs.",
    enforcementLevel: "advisory",
    severity: "medium",
    remediationSteps:
        `Assign the least-privilege built-in for the job: Azure Batch Job Submitter (${BATCH_BUILT_IN_ROLES.AzureBatchJobSubmitter.guid}) ` +
        `to submit jobs, Azure Batch Account Contributor (${BATCH_BUILT_IN_ROLES.AzureBatchAccountContributor.guid}) to manage the account and ` +
        `pools, Azure Batch Data Contributor (${BATCH_BUILT_IN_ROLES.AzureBatchDataContributor.guid}) for jobs and pools without account ` +
        `management, Azure Batch Account Reader (${BATCH_BUILT_IN_ROLES.AzureBatchAccountReader.guid}) to read; in batch-entra's ` +
        "roleAssignments use JobSubmitter, AzureBatchJobSubmitter, AzureBatchAccountContributor, AzureBatchDataContributor " +
        "or AzureBatchAccountReader instead of Contributor.",
    url: "https://learn.microsoft.com/azure/batch/batch-role-based-access-control",
    validateResource: forResources(isRoleAssignment, (props, _args, reportViolation) => {
        if (typeof props.roleDefinitionId === "string" && roleDefinitionGuid(props.roleDefinitionId) === CONTRIBUTOR_ROLE_ID) {
            reportViolation(
                `assigns Contributor (${CONTRIBUTOR_ROLE_ID}) at ${typeof props.scope === "string" ? props.scope : "its scope"}, ` +
                    "which also manages pools, account keys and every other resource there; a Batch role is narrower.",
            );
        }
    }),
};
