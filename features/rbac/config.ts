import { shown } from "../../config/messages";
import { ConfigReader, EXAMPLE_GUID, isGuid } from "../../config/reader";
import {
    BATCH_ROLE_TOKENS,
    BatchRoleToken,
    EXTRA_SCOPE_ROLE_TOKENS,
    ExtraScopeRoleToken,
    JOB_SUBMITTER,
    builtInRoleTokenForGuid,
    privilegedBuiltInRole,
} from "../../azure/roles";
import { defineKey } from "../../config/keys";
import { shortHash, stackLabel } from "../../config/naming";
import type { StackIdentity } from "../../config/settings";
import type { BatchRbacArgs, JobSubmitterRoleArgs, JobSubmitterRoleChoice, PrincipalType, RoleGrant } from "./batchRbac";

export type JobSubmitterRoleScope = "resourceGroup" | "subscription";

/** A grant to the client app's service principal, whose object ID only the running program knows (see declareRbac). */
export interface AppScopeGrant extends Omit<RoleGrant, "principalId" | "principalType" | "scope"> {
    /** Where the role applies: another resource than the stack's Batch account (an Azure ML workspace, say). */
    readonly scope: string;
}

/** JobSubmitterRoleChoice with the custom role's scope named by the stack's key; declareRbac resolves it to an ID. */
export interface ConfiguredJobSubmitterRole extends Omit<JobSubmitterRoleChoice, "create"> {
    readonly create?: Omit<JobSubmitterRoleArgs, "assignableScope"> & { readonly assignableScope: JobSubmitterRoleScope };
}

/**
 * The BatchRbac args the stack's keys configure, grants and Job Submitter role in the component's shapes: a new RBAC
 * setting (a BatchRbac arg, a grant's or the role's field) is read here, with nothing to copy in index.ts or
 * declareRbac, which adds what only the running program knows (the account, the subscription, the app's principal).
 */
export interface RbacSettings extends Omit<BatchRbacArgs, "batchAccountId" | "subscriptionId" | "jobSubmitterRole" | "grants"> {
    /** The role the app's service principal gets on the Batch account. */
    readonly appRole: BatchRoleToken;
    /** Users, groups and service principals with a role on the Batch account; each principal once, keyed by its object ID. */
    readonly roleAssignments: RoleGrant[];
    /** Roles the app's service principal gets on other scopes, keyed by the scope. */
    readonly appExtraScopes: AppScopeGrant[];
    readonly jobSubmitterRole: ConfiguredJobSubmitterRole;
}

const PRINCIPAL_TYPES: readonly PrincipalType[] = ["User", "Group", "ServicePrincipal"];
const ROLE_ASSIGNMENTS_EXAMPLE = `[{"principalId": "${EXAMPLE_GUID}", "principalType": "Group", "role": "JobSubmitter"}]`;
const EXTRA_SCOPES_EXAMPLE_SCOPE =
    "/subscriptions/00000000-1111-2222-3333-444444444444/resourceGroups/rg-ml/providers/Microsoft.MachineLearningServices/workspaces/mlw-prod";
const EXTRA_SCOPES_EXAMPLE = `[{"scope": "${EXTRA_SCOPES_EXAMPLE_SCOPE}", "role": "AzureMLDataScientist"}]`;
const DESCRIPTION_MAX = 1024;

const GUID_TEXT = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}";
const RESOURCE_SEGMENT = "[^/\\s]+";
/** Subscription, resource group or resource (nested child resources included), or a management group. */
const AZURE_SCOPE = new RegExp(
    `^(/subscriptions/${GUID_TEXT}(/resourceGroups/${RESOURCE_SEGMENT}` +
        `(/providers/[A-Za-z][\\w]*(\\.[\\w]+)+(/${RESOURCE_SEGMENT}/${RESOURCE_SEGMENT})+)?)?` +
        `|/providers/Microsoft\\.Management/managementGroups/[\\w.()-]{1,90})$`,
    "i",
);
const ROLE_DEFINITION_ID = new RegExp(`^((/subscriptions/${GUID_TEXT})?/providers/Microsoft\\.Authorization/roleDefinitions/)?(?<guid>${GUID_TEXT})$`, "i");

export function isAzureScope(value: string): boolean {
    return AZURE_SCOPE.test(value);
}

/** Any subscription: the stack's subscription is known only at deploy time, and resource group names rarely repeat. */
function isBatchAccountInGroup(scope: string, resourceGroupName: string): boolean {
    const [, , , groupsSegment, group, providersSegment, namespace, type] = scope.toLowerCase().split("/");
    return (
        groupsSegment === "resourcegroups" &&
        group === resourceGroupName.toLowerCase() &&
        providersSegment === "providers" &&
        namespace === "microsoft.batch" &&
        type === "batchaccounts"
    );
}

/**
 * `resourceGroupName` is the stack's own group: a Batch account there is this stack's account (or shares its
 * group), where the app's role is set by `appRole` alone.
 */
export function readRbacSettings(reader: ConfigReader, stack: StackIdentity, resourceGroupName: string): RbacSettings {
    const appRoleValue = reader.optionalString(APP_ROLE_KEY.name, { example: JOB_SUBMITTER }) ?? JOB_SUBMITTER;
    const appRole = matchRoleToken(appRoleValue, BATCH_ROLE_TOKENS);
    if (appRole === undefined) {
        reportUnknownRole(reader, "appRole", appRoleValue, BATCH_ROLE_TOKENS);
    }
    const roleAssignments = readRoleAssignments(reader);
    const jobSubmitterRole = readJobSubmitterRole(reader, stack);
    const appExtraScopes = readExtraScopes(reader, resourceGroupName);
    return { appRole: appRole ?? JOB_SUBMITTER, roleAssignments, appExtraScopes, jobSubmitterRole };
}

/** Role tokens are matched case-insensitively. */
function matchRoleToken<T extends string>(value: unknown, allowed: readonly T[]): T | undefined {
    return typeof value === "string" ? allowed.find((token) => token.toLowerCase() === value.toLowerCase()) : undefined;
}

/** Why a privileged built-in is refused, whichever key names it. */
function privilegedRoleProblem(displayName: string): string {
    return (
        `${displayName} can write role assignments, so its holder could grant anyone (itself included) any role; ` +
        "batch-entra never assigns such a role, nor lets a pipeline assign it"
    );
}

/** The GUID in a role definition GUID or ID (`/subscriptions/<id>/providers/Microsoft.Authorization/roleDefinitions/<GUID>`), in lower case. */
function roleDefinitionGuidOf(value: string): string | undefined {
    return ROLE_DEFINITION_ID.exec(value.trim())?.groups?.guid.toLowerCase();
}

/**
 * Role tokens are names, but people paste role definition GUIDs and IDs or display names too. A privileged built-in is
 * refused on purpose whichever way it is written; a GUID of a known built-in points at its token.
 */
function reportUnknownRole(reader: ConfigReader, key: string, value: unknown, allowed: readonly ExtraScopeRoleToken[] | readonly BatchRoleToken[]): void {
    const text = typeof value === "string" ? value : "";
    const guid = roleDefinitionGuidOf(text);
    const privileged = privilegedBuiltInRole(guid ?? text);
    const token = guid === undefined ? undefined : builtInRoleTokenForGuid(guid, allowed.filter((t): t is ExtraScopeRoleToken => t !== JOB_SUBMITTER));
    reader.report(
        key,
        privileged !== undefined
            ? `${privilegedRoleProblem(privileged.displayName)}. Pick one of ${allowed.join(", ")}`
            : token !== undefined
              ? `${shown(value)} is the built-in role ${token}; write the role token ${token} instead of its ID`
              : `${shown(value)} is not a role batch-entra knows; use one of ${allowed.join(", ")}`,
        token ?? allowed[0],
    );
}

function objectEntries(reader: ConfigReader, key: string, example: string): Record<string, unknown>[] {
    const value = reader.json(key, example);
    if (value === undefined) {
        return [];
    }
    if (!Array.isArray(value) || value.some((item) => typeof item !== "object" || item === null || Array.isArray(item))) {
        reader.report(key, "must be a list of objects", example);
        return [];
    }
    return value as Record<string, unknown>[];
}

function checkFields(reader: ConfigReader, key: string, entry: Record<string, unknown>, known: readonly string[], example: string): void {
    for (const field of Object.keys(entry)) {
        if (!known.includes(field)) {
            reader.report(`${key}.${field}`, `is not a field of this entry; the fields are ${known.join(", ")}`, example);
        }
    }
}

function readDescription(reader: ConfigReader, key: string, value: unknown, example: string): string | undefined {
    if (value === undefined) {
        return undefined;
    }
    if (typeof value !== "string" || value.length > DESCRIPTION_MAX) {
        reader.report(`${key}.description`, `must be text of at most ${DESCRIPTION_MAX} characters`, example);
        return undefined;
    }
    return value;
}

/**
 * Each principal appears once: an exact repeat (same principal, type, role and description) is dropped, since
 * it asks for nothing new; a principal listed again with another role or type is rejected, because which of the
 * two was meant cannot be guessed and Azure would otherwise hold both.
 */
function readRoleAssignments(reader: ConfigReader): RoleGrant[] {
    const key = ROLE_ASSIGNMENTS_KEY.name;
    const assignments: RoleGrant[] = [];
    const firstIndex = new Map<string, number>();
    objectEntries(reader, key, ROLE_ASSIGNMENTS_EXAMPLE).forEach((entry, index) => {
        const entryKey = `${key}[${index}]`;
        checkFields(reader, entryKey, entry, ["principalId", "principalType", "role", "description"], ROLE_ASSIGNMENTS_EXAMPLE);
        const { principalId, principalType, role } = entry;
        let valid = true;
        if (typeof principalId !== "string" || !isGuid(principalId)) {
            reader.report(`${entryKey}.principalId`, `${shown(principalId)} is not an object ID (a GUID)`, EXAMPLE_GUID);
            valid = false;
        } else {
            reader.warnIfNilGuid(`${entryKey}.principalId`, principalId);
        }
        const type = PRINCIPAL_TYPES.find((candidate) => typeof principalType === "string" && candidate.toLowerCase() === principalType.toLowerCase());
        if (type === undefined) {
            reader.report(
                `${entryKey}.principalType`,
                `${shown(principalType)} is not one of ${PRINCIPAL_TYPES.join(", ")} (required: Azure cannot find a new principal without it)`,
                "Group",
            );
            valid = false;
        }
        const token = matchRoleToken(role, BATCH_ROLE_TOKENS);
        if (token === undefined) {
            reportUnknownRole(reader, `${entryKey}.role`, role, BATCH_ROLE_TOKENS);
        }
        const description = readDescription(reader, entryKey, entry.description, ROLE_ASSIGNMENTS_EXAMPLE);
        if (!valid || type === undefined || token === undefined || typeof principalId !== "string") {
            return;
        }
        const objectId = principalId.toLowerCase();
        const assignment = { key: objectId, principalId: objectId, principalType: type, role: token, description };
        const seen = firstIndex.get(objectId);
        if (seen === undefined) {
            firstIndex.set(objectId, index);
            assignments.push(assignment);
            return;
        }
        const first = assignments.find((candidate) => candidate.principalId === assignment.principalId)!;
        if (first.role !== assignment.role || first.principalType !== assignment.principalType || first.description !== assignment.description) {
            reader.report(
                entryKey,
                `principal ${principalId} is already listed at ${key}[${seen}] as ${first.principalType} with role ${first.role}; ` +
                    "list each principal once, with the one role it should hold",
                `{"principalId": "${principalId}", "principalType": "${first.principalType}", "role": "${first.role}"}`,
            );
        }
    });
    return assignments;
}

function readJobSubmitterRole(reader: ConfigReader, stack: StackIdentity): ConfiguredJobSubmitterRole {
    const existingKey = EXISTING_JOB_SUBMITTER_ROLE_DEFINITION_ID_KEY.name;
    const existing = reader.optionalString(existingKey, { example: EXAMPLE_GUID });
    const scope = reader.oneOf<JobSubmitterRoleScope>(JOB_SUBMITTER_ROLE_SCOPE_KEY.name, ["resourceGroup", "subscription"], JOB_SUBMITTER_ROLE_SCOPE_KEY.default);
    const allowAutopool = reader.boolean(JOB_SUBMITTER_ALLOWS_AUTOPOOL_KEY.name, JOB_SUBMITTER_ALLOWS_AUTOPOOL_KEY.default);
    if (existing === undefined) {
        return { create: { assignableScope: scope, nameSuffix: stackLabel(stack), allowAutopool } };
    }
    const match = ROLE_DEFINITION_ID.exec(existing);
    if (!match) {
        reader.report(existingKey, `${shown(existing)} is not a role definition ID (a GUID, or .../providers/Microsoft.Authorization/roleDefinitions/<GUID>)`, EXAMPLE_GUID);
    }
    // The Job Submitter role is assigned to the app and to principals, and with pipelineIdentity the deploy identity is
    // allowed to assign it: a privileged built-in here would hand out the right to grant anything.
    const privileged = match?.groups?.guid === undefined ? undefined : privilegedBuiltInRole(match.groups.guid);
    if (privileged !== undefined) {
        reader.report(existingKey, `names ${privileged.displayName}: ${privilegedRoleProblem(privileged.displayName)}`, EXAMPLE_GUID);
    }
    // Compared with the defaults, not "is the key set": Pulumi.yaml's defaults make every key look set.
    if (allowAutopool) {
        reader.report(
            "jobSubmitterAllowsAutopool",
            `only shapes the role this stack creates; with ${reader.fullKey(existingKey)} set, the existing definition's permissions apply`,
            "false",
        );
    }
    if (scope !== "resourceGroup") {
        reader.report(
            "jobSubmitterRoleScope",
            `only places the role this stack creates; with ${reader.fullKey(existingKey)} set, nothing is created`,
            "resourceGroup",
        );
    }
    return { existingRoleDefinitionGuid: (match?.groups?.guid ?? EXAMPLE_GUID).toLowerCase() };
}

function readExtraScopes(reader: ConfigReader, resourceGroupName: string): AppScopeGrant[] {
    const key = APP_EXTRA_SCOPES_KEY.name;
    const result: AppScopeGrant[] = [];
    objectEntries(reader, key, EXTRA_SCOPES_EXAMPLE).forEach((entry, index) => {
        const entryKey = `${key}[${index}]`;
        checkFields(reader, entryKey, entry, ["scope", "role", "description"], EXTRA_SCOPES_EXAMPLE);
        const { scope, role } = entry;
        let valid = true;
        if (typeof scope !== "string" || !isAzureScope(scope)) {
            reader.report(
                `${entryKey}.scope`,
                `${shown(scope)} is not an Azure resource ID (/subscriptions/<GUID>[/resourceGroups/<name>[/providers/<namespace>/<type>/<name>]])`,
                EXTRA_SCOPES_EXAMPLE_SCOPE,
            );
            valid = false;
        }
        // A second grant for the app on its own account would either repeat the appRole assignment (Azure rejects
        // the second create under the same name) or give the app two roles where the settings promise one.
        if (typeof scope === "string" && valid && isBatchAccountInGroup(scope, resourceGroupName)) {
            reader.report(
                `${entryKey}.scope`,
                `is a Batch account in this stack's resource group "${resourceGroupName}"; the app's role on this stack's account is appRole ` +
                    `(${reader.fullKey("appRole")}): set the role there instead of listing the account here`,
                EXTRA_SCOPES_EXAMPLE_SCOPE,
            );
            return;
        }
        if (typeof role === "string" && role.toLowerCase() === JOB_SUBMITTER.toLowerCase()) {
            reader.report(
                `${entryKey}.role`,
                "the custom Job Submitter role is assignable only where this stack defines it; for another Batch account use AzureBatchJobSubmitter",
                "AzureBatchJobSubmitter",
            );
            return;
        }
        const token = matchRoleToken(role, EXTRA_SCOPE_ROLE_TOKENS);
        if (token === undefined) {
            reportUnknownRole(reader, `${entryKey}.role`, role, EXTRA_SCOPE_ROLE_TOKENS);
        }
        const description = readDescription(reader, entryKey, entry.description, EXTRA_SCOPES_EXAMPLE);
        if (!valid || token === undefined || typeof scope !== "string") {
            return;
        }
        if (result.some((other) => other.scope.toLowerCase() === scope.toLowerCase() && other.role === token)) {
            reader.report(entryKey, `grants ${token} on ${scope} a second time`, EXTRA_SCOPES_EXAMPLE);
            return;
        }
        // Keyed by the scope, not the list position, so reordering the list replaces nothing.
        result.push({ key: `app-${shortHash(scope.toLowerCase(), 8)}`, scope, role: token, description });
    });
    return result;
}

export const APP_ROLE_KEY = defineKey({
    name: "appRole",
    type: "string",
    default: "JobSubmitter",
    section: "rbac",
    description: "Role of the app's service principal on the Batch account: JobSubmitter, AzureBatchJobSubmitter, AzureBatchAccountReader, AzureBatchAccountContributor, AzureBatchDataContributor, Contributor or Reader.",
    example: "AzureBatchJobSubmitter",
    reference: { meaning: "Role of the app's service principal on the account. One of `JobSubmitter` (the custom role), `AzureBatchJobSubmitter`, `AzureBatchAccountReader`, `AzureBatchAccountContributor`, `AzureBatchDataContributor`, `Contributor`, `Reader`." },
});

export const ROLE_ASSIGNMENTS_KEY = defineKey({
    name: "roleAssignments",
    type: "array",
    items: "object",
    default: [],
    section: "rbac",
    description: "{principalId, principalType: User\\|Group\\|ServicePrincipal, role, description?} per principal, written as YAML in the stack file.",
    example: '[{"principalId": "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9", "principalType": "Group", "role": "JobSubmitter"}]',
    reference: { meaning: "`{principalId, principalType: User\\|Group\\|ServicePrincipal, role, description?}` per principal, written as YAML in the stack file.", type: "list of objects" },
});

export const JOB_SUBMITTER_ROLE_SCOPE_KEY = defineKey({
    name: "jobSubmitterRoleScope",
    type: "string",
    default: "resourceGroup",
    section: "rbac",
    description: "Where the custom Job Submitter role is created and assignable: resourceGroup (the account's group) or subscription.",
    example: "subscription",
    reference: { meaning: "Where the custom role is defined and assignable: `resourceGroup` or `subscription`." },
});

export const EXISTING_JOB_SUBMITTER_ROLE_DEFINITION_ID_KEY = defineKey({
    name: "existingJobSubmitterRoleDefinitionId",
    type: "string",
    default: "",
    section: "rbac",
    description: "Reuse this role definition (GUID or full ID) as the Job Submitter role instead of creating one. Default (empty) creates it.",
    example: "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9",
    reference: { meaning: "Reuse an existing role definition as `JobSubmitter` instead of creating one. Built-ins that can write role assignments (Owner, User Access Administrator, RBAC Administrator, ...) are refused here and in every role key.", default: "none" },
});

export const JOB_SUBMITTER_ALLOWS_AUTOPOOL_KEY = defineKey({
    name: "jobSubmitterAllowsAutopool",
    type: "boolean",
    default: false,
    section: "rbac",
    description: "Add pool write/delete to the custom Job Submitter role, for jobs that use autopools; its name then ends in (autopool).",
    example: "true",
    reference: { meaning: "Custom role variant with pool write and delete, for autopool jobs." },
});

export const APP_EXTRA_SCOPES_KEY = defineKey({
    name: "appExtraScopes",
    type: "array",
    items: "object",
    default: [],
    section: "rbac",
    description: "{scope, role, description?}: roles for the app on other scopes, e.g. AzureMLDataScientist on a workspace.",
    example: '[{"scope": "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-ml", "role": "AzureMLDataScientist"}]',
    reference: { meaning: "`{scope, role, description?}`: roles for the app on other scopes, e.g. `AzureMLDataScientist` on a workspace.", type: "list of objects" },
});

/** This feature's configuration keys, in the README's order. Pulumi.yaml and the README's reference are generated from them (npm run generate:config). */
export const RBAC_KEYS = [APP_ROLE_KEY, ROLE_ASSIGNMENTS_KEY, JOB_SUBMITTER_ROLE_SCOPE_KEY, EXISTING_JOB_SUBMITTER_ROLE_DEFINITION_ID_KEY, JOB_SUBMITTER_ALLOWS_AUTOPOOL_KEY, APP_EXTRA_SCOPES_KEY];
