import { AZURE_ML_ROLES, BATCH_BUILT_IN_ROLES, STORAGE_BLOB_DATA_CONTRIBUTOR } from "../azure/roles";
import { KEY_VAULT_CERTIFICATES_OFFICER_ROLE, KEY_VAULT_READER_ROLE, KEY_VAULT_SECRETS_USER_ROLE } from "../features/pools/poolIdentityVault";
import { PlanResource } from "./planModel";

const BUILT_IN_ROLE_NAMES: Readonly<Record<string, string>> = {
    ...Object.fromEntries([...Object.values(BATCH_BUILT_IN_ROLES), ...Object.values(AZURE_ML_ROLES), STORAGE_BLOB_DATA_CONTRIBUTOR].map((role) => [role.guid, role.displayName])),
    [KEY_VAULT_SECRETS_USER_ROLE]: "Key Vault Secrets User",
    [KEY_VAULT_CERTIFICATES_OFFICER_ROLE]: "Key Vault Certificates Officer",
    [KEY_VAULT_READER_ROLE]: "Key Vault Reader",
};

/**
 * Role names by role-definition GUID: the built-in roles the program assigns, and the custom roles the plan itself
 * declares (by their `roleDefinitionId` and `roleName` inputs), so a reviewer reads "Key Vault Secrets User" and
 * not only a GUID.
 */
export function roleNamesOf(resources: readonly PlanResource[]): Map<string, string> {
    const names = new Map(Object.entries(BUILT_IN_ROLE_NAMES));
    for (const resource of resources) {
        const { roleDefinitionId, roleName } = resource.inputs as { roleDefinitionId?: unknown; roleName?: unknown };
        if (resource.type === "azure-native:authorization:RoleDefinition" && typeof roleDefinitionId === "string" && typeof roleName === "string") {
            names.set(roleDefinitionId.toLowerCase(), roleName);
        }
    }
    return names;
}

/** The role's name for a role assignment's `roleDefinitionId` (a GUID or an ID ending in one), if known. */
export function roleNameFor(roleDefinitionId: unknown, names: ReadonlyMap<string, string>): string | undefined {
    return typeof roleDefinitionId === "string" ? names.get(roleDefinitionId.split("/").pop()?.toLowerCase() ?? "") : undefined;
}
