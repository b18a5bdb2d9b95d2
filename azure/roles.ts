/**
 * The Azure roles batch-entra assigns, by the token users write in the stack configuration. GUIDs are the
 * built-in role definition IDs, the same in every tenant; checked against "Azure built-in roles"
 * (https://learn.microsoft.com/azure/role-based-access-control/built-in-roles), its Compute, Storage and
 * AI + machine learning pages.
 */

/**
 * Built-in role definition GUIDs outside the Batch family, by name: the one place they are written (components,
 * configuration, policies and tools take them from here).
 */
export const BUILT_IN_ROLE_GUIDS = {
    owner: "8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
    userAccessAdministrator: "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9",
    roleBasedAccessControlAdministrator: "f58310d9-a9f6-439a-9e8d-f62e7b41a168",
    keyVaultDataAccessAdministrator: "8b54135c-b56d-4d72-a534-26097cfdc8d8",
    virtualMachineDataAccessAdministrator: "66f75aeb-eabe-4b70-9f1e-c350c4c9ad04",
    contributor: "b24988ac-6180-42a0-ab88-20f7382dd24c",
    reader: "acdd72a7-3385-48ef-bd42-f606fba81ae7",
    keyVaultReader: "21090545-7ca7-4776-b22c-e363652d74d2",
    keyVaultCertificatesOfficer: "a4417e6f-fecd-4de8-b567-7b0420556985",
    keyVaultSecretsUser: "4633458b-17de-408a-b874-0445c86b69e6",
    storageBlobDataContributor: "ba92f5b4-2d11-453d-a403-e96b0029c9fe",
} as const;

/** The custom "Azure Batch Custom Job Submitter" role this stack defines (or reuses by ID). */
export const JOB_SUBMITTER = "JobSubmitter";

export interface BuiltInRole {
    readonly displayName: string;
    readonly guid: string;
}

/** Built-in roles for the Batch account, by the token `roleAssignments` accepts (JobSubmitter, the custom role, is apart). */
export const BATCH_BUILT_IN_ROLES = {
    AzureBatchJobSubmitter: { displayName: "Azure Batch Job Submitter", guid: "48e5e92e-a480-4e71-aa9c-2778f4c13781" },
    AzureBatchAccountReader: { displayName: "Azure Batch Account Reader", guid: "11076f67-66f6-4be0-8f6b-f0609fd05cc9" },
    AzureBatchAccountContributor: { displayName: "Azure Batch Account Contributor", guid: "29fe4964-1e60-436b-bd3a-77fd4c178b3c" },
    AzureBatchDataContributor: { displayName: "Azure Batch Data Contributor", guid: "6aaa78f1-f7de-44ca-8722-c64a23943cae" },
    Contributor: { displayName: "Contributor", guid: BUILT_IN_ROLE_GUIDS.contributor },
    Reader: { displayName: "Reader", guid: BUILT_IN_ROLE_GUIDS.reader },
} as const satisfies Record<string, BuiltInRole>;

/**
 * Least-privilege roles for an Azure Machine Learning workspace (seed 002 grants Owner or Contributor there):
 * Data Scientist runs experiments and jobs without managing the workspace or its compute; Compute Operator only
 * manages compute.
 */
export const AZURE_ML_ROLES = {
    AzureMLDataScientist: { displayName: "AzureML Data Scientist", guid: "f6c7c914-8db3-469d-8ca1-694a8f32e121" },
    AzureMLComputeOperator: { displayName: "AzureML Compute Operator", guid: "e503ece1-11d0-4e8e-8e2c-7a6c3bf38815" },
} as const satisfies Record<string, BuiltInRole>;

/** What the Batch account's own identity needs on its auto-storage account when no storage keys are used. */
export const STORAGE_BLOB_DATA_CONTRIBUTOR: BuiltInRole = {
    displayName: "Storage Blob Data Contributor",
    guid: BUILT_IN_ROLE_GUIDS.storageBlobDataContributor,
};

export type BatchBuiltInRoleToken = keyof typeof BATCH_BUILT_IN_ROLES;
export type AzureMlRoleToken = keyof typeof AZURE_ML_ROLES;
/** A role on the Batch account: the custom Job Submitter or a built-in. */
export type BatchRoleToken = typeof JOB_SUBMITTER | BatchBuiltInRoleToken;
/** A role on another scope the app's service principal is granted (the Azure ML workspace case). */
export type ExtraScopeRoleToken = BatchBuiltInRoleToken | AzureMlRoleToken;

export const BATCH_ROLE_TOKENS: readonly BatchRoleToken[] = [JOB_SUBMITTER, ...(Object.keys(BATCH_BUILT_IN_ROLES) as BatchBuiltInRoleToken[])];
export const EXTRA_SCOPE_ROLE_TOKENS: readonly ExtraScopeRoleToken[] = [
    ...(Object.keys(AZURE_ML_ROLES) as AzureMlRoleToken[]),
    ...(Object.keys(BATCH_BUILT_IN_ROLES) as BatchBuiltInRoleToken[]),
];

export function builtInRole(token: ExtraScopeRoleToken): BuiltInRole {
    return Object.hasOwn(AZURE_ML_ROLES, token) ? AZURE_ML_ROLES[token as AzureMlRoleToken] : BATCH_BUILT_IN_ROLES[token as BatchBuiltInRoleToken];
}

/**
 * Built-in roles that can write role assignments, by role definition GUID: a holder can grant anyone (itself
 * included) any role, so this program never assigns them and never lets a pipeline assign them, whichever key names
 * them (see docs/batch-account-and-rbac.md). Sources, "Azure built-in roles"
 * (https://learn.microsoft.com/azure/role-based-access-control/built-in-roles): Owner (`*`), User Access
 * Administrator (`Microsoft.Authorization/*`) and Role Based Access Control Administrator
 * (`Microsoft.Authorization/roleAssignments/write`) under "Privileged"; Key Vault Data Access Administrator and
 * Virtual Machine Data Access Administrator (`Microsoft.Authorization/roleAssignments/write` with a condition on the
 * roles) under "Security" and "Compute". A condition in the definition narrows which roles they hand out, but each
 * still grants access to data, so they are refused too.
 */
export const PRIVILEGED_BUILT_IN_ROLES: readonly BuiltInRole[] = [
    { displayName: "Owner", guid: BUILT_IN_ROLE_GUIDS.owner },
    { displayName: "User Access Administrator", guid: BUILT_IN_ROLE_GUIDS.userAccessAdministrator },
    { displayName: "Role Based Access Control Administrator", guid: BUILT_IN_ROLE_GUIDS.roleBasedAccessControlAdministrator },
    { displayName: "Key Vault Data Access Administrator", guid: BUILT_IN_ROLE_GUIDS.keyVaultDataAccessAdministrator },
    { displayName: "Virtual Machine Data Access Administrator", guid: BUILT_IN_ROLE_GUIDS.virtualMachineDataAccessAdministrator },
];

/** The privileged built-in role a GUID (any case) or display name (any case and spacing) stands for, if any. */
export function privilegedBuiltInRole(guidOrName: string): BuiltInRole | undefined {
    const wanted = guidOrName.toLowerCase().replace(/\s+/g, "");
    return PRIVILEGED_BUILT_IN_ROLES.find((role) => role.guid === wanted || role.displayName.toLowerCase().replace(/\s+/g, "") === wanted);
}

/** The role token whose built-in definition has this GUID (any case), for a user who typed the GUID. */
export function builtInRoleTokenForGuid(guid: string, tokens: readonly ExtraScopeRoleToken[]): ExtraScopeRoleToken | undefined {
    return tokens.find((token) => builtInRole(token).guid === guid.toLowerCase());
}

/** The subscription-level ID Azure expects in a role assignment's roleDefinitionId. */
export function roleDefinitionResourceId(subscriptionId: string, guid: string): string {
    return `/subscriptions/${subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${guid}`;
}

/**
 * "Azure Batch Custom Job Submitter", exactly as seed 003 ("Assign a custom role") defines it. The stack adds a
 * suffix to the name only, because role names are unique per tenant.
 */
export const JOB_SUBMITTER_ROLE = {
    roleName: "Azure Batch Custom Job Submitter",
    description: "Allows a user to submit jobs to Azure Batch but not manage pools",
    actions: [
        "Microsoft.Batch/*/read",
        "Microsoft.Authorization/*/read",
        "Microsoft.Resources/subscriptions/resourceGroups/read",
        "Microsoft.Support/*",
        "Microsoft.Insights/alertRules/*",
    ],
    dataActions: ["Microsoft.Batch/batchAccounts/jobs/*", "Microsoft.Batch/batchAccounts/jobSchedules/*"],
    notDataActions: [],
} as const;

/** Jobs that use autopools create and delete their pool, so they need these too (seed 003). */
export const AUTOPOOL_ACTIONS = ["Microsoft.Batch/batchAccounts/pools/write", "Microsoft.Batch/batchAccounts/pools/delete"] as const;

/** The autopool variant says so in its description, and its name ends in "(autopool)" so people reading role lists see it. */
export const AUTOPOOL_DESCRIPTION =
    "Allows a user to submit jobs to Azure Batch, including autopool jobs, which create and delete their own pools";
