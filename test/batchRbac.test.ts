import { exampleStackConfig, mergeConfig, runWith } from "./helpers";
import { FAKE_SUBSCRIPTION_ID } from "../tools/fakeCloud";
import { DeclaredResource, OfflineRun, findResource, resourcesOfType, runOffline } from "../tools/offlineRuntime";

const ROLE_DEFINITION = "azure-native:authorization:RoleDefinition";
const ASSIGNMENT = "azure-native:authorization:RoleAssignment";
const SERVICE_PRINCIPAL = "azuread:index/servicePrincipal:ServicePrincipal";
const RG_SCOPE = `/subscriptions/${FAKE_SUBSCRIPTION_ID}/resourceGroups/rg-batch-entra-dev`;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const EXAMPLE_GROUP = "11111111-2222-4333-8444-555555555555";
const EXAMPLE_USER = "66666666-7777-4888-8999-000000000000";

/** Seed 003, "Assign a custom role", as published (assignableScopes there is an example subscription). */
const DOCUMENTED_ROLE = JSON.parse(`{
 "properties":{
    "roleName":"Azure Batch Custom Job Submitter",
    "type":"CustomRole",
    "description":"Allows a user to submit jobs to Azure Batch but not manage pools",
    "assignableScopes":[
      "/subscriptions/88888888-8888-8888-8888-888888888888"
    ],
    "permissions":[
      {
        "actions":[
          "Microsoft.Batch/*/read",
          "Microsoft.Authorization/*/read",
          "Microsoft.Resources/subscriptions/resourceGroups/read",
          "Microsoft.Support/*",
          "Microsoft.Insights/alertRules/*"
        ],
        "notActions":[
        ],
        "dataActions":[
          "Microsoft.Batch/batchAccounts/jobs/*",
          "Microsoft.Batch/batchAccounts/jobSchedules/*"
        ],
        "notDataActions":[
        ]
      }
    ]
  }
}`).properties;

function roleDefinitionId(guid: string): string {
    return `/subscriptions/${FAKE_SUBSCRIPTION_ID}/providers/Microsoft.Authorization/roleDefinitions/${guid}`;
}

function appPrincipalId(run: OfflineRun): string {
    return run.outputs.servicePrincipalObjectId;
}

function batchAccountId(run: OfflineRun): string {
    return run.outputs.batchAccountId;
}

describe("the custom Job Submitter role (example stack)", () => {
    let run: OfflineRun;
    let role: DeclaredResource;
    beforeAll(async () => {
        run = await runWith();
        role = findResource(run, ROLE_DEFINITION, "batch-rbac-job-submitter");
    });

    test("equals the documented definition field by field; only the name gains a per-stack suffix", () => {
        expect(role.inputs.roleName).toBe(`${DOCUMENTED_ROLE.roleName} (batch-entra-dev)`);
        expect(role.inputs.roleType).toBe(DOCUMENTED_ROLE.type);
        expect(role.inputs.description).toBe(DOCUMENTED_ROLE.description);
        expect(role.inputs.permissions).toHaveLength(DOCUMENTED_ROLE.permissions.length);
        const [permission] = role.inputs.permissions;
        const [documented] = DOCUMENTED_ROLE.permissions;
        expect(permission.actions).toEqual(documented.actions);
        expect(permission.notActions).toEqual([]);
        expect(permission.dataActions).toEqual(documented.dataActions);
        expect(permission.notDataActions).toEqual([]);
        expect(Object.keys(permission).sort()).toEqual(Object.keys(documented).sort());
    });

    test("is created at and assignable in the account's resource group, under a stable GUID, replaced by delete-then-create", () => {
        expect(role.inputs.scope).toBe(RG_SCOPE);
        expect(role.inputs.assignableScopes).toEqual([RG_SCOPE]);
        expect(role.inputs.roleDefinitionId).toMatch(GUID);
        expect(role.options.deleteBeforeReplace).toBe(true);
        expect(run.outputs.jobSubmitterRoleDefinitionId).toBe(roleDefinitionId(role.inputs.roleDefinitionId));
    });

    test("the app's service principal gets the custom role on the Batch account", () => {
        const grant = findResource(run, ASSIGNMENT, "batch-rbac-app-jobsubmitter");
        expect(grant.inputs).toMatchObject({
            principalId: appPrincipalId(run),
            principalType: "ServicePrincipal",
            roleDefinitionId: roleDefinitionId(role.inputs.roleDefinitionId),
            scope: batchAccountId(run),
        });
        expect(grant.dependencies).toContain(findResource(run, SERVICE_PRINCIPAL, "batch-client-sp").urn);
        expect(grant.dependencies).toContain(role.urn);
    });

    test("the example group gets the custom role and the example user Azure Batch Account Reader", () => {
        expect(findResource(run, ASSIGNMENT, `batch-rbac-${EXAMPLE_GROUP}-jobsubmitter`).inputs).toMatchObject({
            principalId: EXAMPLE_GROUP,
            principalType: "Group",
            roleDefinitionId: roleDefinitionId(role.inputs.roleDefinitionId),
            scope: batchAccountId(run),
            description: "Batch job submitters",
        });
        expect(findResource(run, ASSIGNMENT, `batch-rbac-${EXAMPLE_USER}-azurebatchaccountreader`).inputs).toMatchObject({
            principalId: EXAMPLE_USER,
            principalType: "User",
            roleDefinitionId: roleDefinitionId("11076f67-66f6-4be0-8f6b-f0609fd05cc9"),
            scope: batchAccountId(run),
        });
    });

    test("every assignment sets principalType, deletes before it replaces, and no (scope, principal, role) repeats", () => {
        const assignments = resourcesOfType(run, ASSIGNMENT);
        // Three from BatchRbac (the app and two configured principals); the pool's vault adds its own two.
        expect(assignments.filter((a) => a.parent?.endsWith("::batch-rbac"))).toHaveLength(3);
        for (const assignment of assignments) {
            expect(["User", "Group", "ServicePrincipal"]).toContain(assignment.inputs.principalType);
            expect(assignment.options.deleteBeforeReplace).toBe(true);
            expect(assignment.inputs.roleAssignmentName).toMatch(GUID);
        }
        const triples = assignments.map((a) => `${a.inputs.scope}|${a.inputs.principalId}|${a.inputs.roleDefinitionId}`);
        expect(new Set(triples).size).toBe(triples.length);
        expect(new Set(assignments.map((a) => a.inputs.roleAssignmentName)).size).toBe(assignments.length);
    });

    test("the roleAssignments output lists each principal with its role and scope", () => {
        expect(run.outputs.roleAssignments).toEqual(
            expect.arrayContaining([
                {
                    principalId: appPrincipalId(run),
                    principalType: "ServicePrincipal",
                    role: "Azure Batch Custom Job Submitter (batch-entra-dev)",
                    roleDefinitionId: run.outputs.jobSubmitterRoleDefinitionId,
                    scope: batchAccountId(run),
                },
                {
                    principalId: EXAMPLE_USER,
                    principalType: "User",
                    role: "Azure Batch Account Reader",
                    roleDefinitionId: roleDefinitionId("11076f67-66f6-4be0-8f6b-f0609fd05cc9"),
                    scope: batchAccountId(run),
                },
            ]),
        );
        expect(run.outputs.roleAssignments).toHaveLength(3);
    });
});

describe("names are deterministic and per stack", () => {
    test("the same configuration gives the same GUIDs; another stack gets another role name and GUIDs", async () => {
        const config = exampleStackConfig();
        const first = await runOffline({ config });
        const again = await runOffline({ config });
        const prod = await runOffline({ config: mergeConfig(config, {}), stack: "prod" });
        const roleOf = (run: OfflineRun) => findResource(run, ROLE_DEFINITION, "batch-rbac-job-submitter").inputs;
        const grantNameOf = (run: OfflineRun) => findResource(run, ASSIGNMENT, "batch-rbac-app-jobsubmitter").inputs.roleAssignmentName;

        expect(roleOf(again).roleDefinitionId).toBe(roleOf(first).roleDefinitionId);
        expect(grantNameOf(again)).toBe(grantNameOf(first));
        expect(roleOf(prod).roleName).toBe("Azure Batch Custom Job Submitter (batch-entra-prod)");
        expect(roleOf(prod).roleDefinitionId).not.toBe(roleOf(first).roleDefinitionId);
    });
});

describe("config paths", () => {
    test("subscription scope: the role is created at and assignable in the subscription", async () => {
        const run = await runWith({ jobSubmitterRoleScope: "subscription" });
        const role = findResource(run, ROLE_DEFINITION, "batch-rbac-job-submitter");
        expect(role.inputs.scope).toBe(`/subscriptions/${FAKE_SUBSCRIPTION_ID}`);
        expect(role.inputs.assignableScopes).toEqual([`/subscriptions/${FAKE_SUBSCRIPTION_ID}`]);
    });

    test("autopool opt-in adds pool write and delete, says so in the description and ends the name in (autopool)", async () => {
        const run = await runWith({ jobSubmitterAllowsAutopool: true });
        const role = findResource(run, ROLE_DEFINITION, "batch-rbac-job-submitter").inputs;
        expect(role.permissions[0].actions).toEqual([
            ...DOCUMENTED_ROLE.permissions[0].actions,
            "Microsoft.Batch/batchAccounts/pools/write",
            "Microsoft.Batch/batchAccounts/pools/delete",
        ]);
        expect(role.permissions[0].dataActions).toEqual(DOCUMENTED_ROLE.permissions[0].dataActions);
        expect(role.roleName).toMatch(/\(autopool\)$/);
        expect(role.description).toMatch(/autopool/);
    });

    test("built-in app role: the app's service principal gets Azure Batch Job Submitter instead", async () => {
        const run = await runWith({ appRole: "azurebatchjobsubmitter" });
        const grant = findResource(run, ASSIGNMENT, "batch-rbac-app-azurebatchjobsubmitter");
        expect(grant.inputs).toMatchObject({
            principalId: appPrincipalId(run),
            principalType: "ServicePrincipal",
            roleDefinitionId: roleDefinitionId("48e5e92e-a480-4e71-aa9c-2778f4c13781"),
            scope: batchAccountId(run),
        });
        expect(run.resources.some((r) => r.name === "batch-rbac-app-jobsubmitter")).toBe(false);
    });

    test.each([
        ["Contributor", "b24988ac-6180-42a0-ab88-20f7382dd24c"],
        ["Reader", "acdd72a7-3385-48ef-bd42-f606fba81ae7"],
    ])("the docs' %s role can be given to a principal", async (role, guid) => {
        const principalId = "0f0f0f0f-1111-4222-8333-444444444444";
        const run = await runWith({ roleAssignments: [{ principalId, principalType: "ServicePrincipal", role }] });
        expect(findResource(run, ASSIGNMENT, `batch-rbac-${principalId}-${role.toLowerCase()}`).inputs).toMatchObject({
            principalId,
            principalType: "ServicePrincipal",
            roleDefinitionId: roleDefinitionId(guid),
        });
    });

    test("an existing role definition is reused: nothing is created and assignments reference it", async () => {
        const existing = "9a1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d";
        const run = await runWith({ existingJobSubmitterRoleDefinitionId: `/providers/Microsoft.Authorization/roleDefinitions/${existing}` });
        expect(resourcesOfType(run, ROLE_DEFINITION)).toEqual([]);
        expect(run.outputs.jobSubmitterRoleDefinitionId).toBe(roleDefinitionId(existing));
        expect(findResource(run, ASSIGNMENT, "batch-rbac-app-jobsubmitter").inputs.roleDefinitionId).toBe(roleDefinitionId(existing));
        expect(findResource(run, ASSIGNMENT, `batch-rbac-${EXAMPLE_GROUP}-jobsubmitter`).inputs.roleDefinitionId).toBe(roleDefinitionId(existing));
    });

    test("extra scope: the app's service principal gets AzureML Data Scientist on an Azure ML workspace", async () => {
        const workspace = `/subscriptions/${FAKE_SUBSCRIPTION_ID}/resourceGroups/rg-ml/providers/Microsoft.MachineLearningServices/workspaces/mlw-prod`;
        const run = await runWith({ appExtraScopes: [{ scope: workspace, role: "AzureMLDataScientist" }] });
        const grants = resourcesOfType(run, ASSIGNMENT).filter((grant) => grant.inputs.scope === workspace);
        expect(grants).toHaveLength(1);
        expect(grants[0].inputs).toMatchObject({
            principalId: appPrincipalId(run),
            principalType: "ServicePrincipal",
            roleDefinitionId: roleDefinitionId("f6c7c914-8db3-469d-8ca1-694a8f32e121"),
        });
        expect(grants[0].options.deleteBeforeReplace).toBe(true);
        expect(run.outputs.roleAssignments).toContainEqual(expect.objectContaining({ scope: workspace, role: "AzureML Data Scientist" }));
    });

    test("an exact duplicate entry is declared once", async () => {
        const entry = { principalId: EXAMPLE_GROUP, principalType: "Group", role: "JobSubmitter" };
        const run = await runWith({ roleAssignments: [entry, { ...entry, principalId: EXAMPLE_GROUP.toUpperCase() }] });
        expect(resourcesOfType(run, ASSIGNMENT).filter((grant) => grant.inputs.principalId === EXAMPLE_GROUP)).toHaveLength(1);
    });
});
