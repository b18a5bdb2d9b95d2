import * as pulumi from "@pulumi/pulumi";
import { spawnSync } from "child_process";
import { exampleStackConfig, mergeConfig, PROJECT_DIR, TYPESCRIPT_RUNNER, runWith } from "../../test/helpers";
import { BatchRbac, CUSTOM_ROLE_PROPAGATION_WAIT, jobSubmitterRoleName } from "./batchRbac";
import { FAKE_SUBSCRIPTION_ID } from "../../tools/fakeCloud";
import { DeclaredResource, OfflineRun, findResource, resourcesOfType, runOffline } from "../../tools/offlineRuntime";

const ROLE_DEFINITION = "azure-native:authorization:RoleDefinition";
const ASSIGNMENT = "azure-native:authorization:RoleAssignment";
const SERVICE_PRINCIPAL = "azuread:index/servicePrincipal:ServicePrincipal";
const SLEEP = "time:index/sleep:Sleep";
const RG_SCOPE = `/subscriptions/${FAKE_SUBSCRIPTION_ID}/resourceGroups/rg-batch-entra-dev`;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const EXAMPLE_GROUP = "11111111-2222-4333-8444-555555555555";
const EXAMPLE_USER = "66666666-7777-4888-8999-000000000000";
/** The example stack's custom role name: seed 003's name, the stack, and six hex digits of the scope's hash. */
const ROLE_NAME_DEV = /^Azure Batch Custom Job Submitter \(batch-entra-dev [0-9a-f]{6}\)$/;

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

    test("equals the documented definition field by field; only the name gains a per-stack, per-scope suffix", () => {
        expect(role.inputs.roleName).toMatch(ROLE_NAME_DEV);
        expect(role.inputs.roleName.startsWith(`${DOCUMENTED_ROLE.roleName} (`)).toBe(true);
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
        expect(grant.dependencies).toContain(findResource(run, SLEEP, "batch-rbac-job-submitter-propagation").urn);
    });

    test("a wait follows the new role definition, and only the custom role's assignments wait for it", () => {
        const wait = findResource(run, SLEEP, "batch-rbac-job-submitter-propagation");
        expect(wait.inputs.createDuration).toBe(CUSTOM_ROLE_PROPAGATION_WAIT);
        expect(wait.inputs.createDuration).toMatch(/^\d+s$/);
        expect(wait.dependencies).toContain(role.urn);
        // A replaced definition (another scope) gets another GUID, which replaces the wait so its assignments wait again.
        expect(wait.inputs.triggers).toEqual({ roleDefinitionId: role.inputs.roleDefinitionId });
        expect(wait.parent).toMatch(/::batch-rbac$/);

        const custom = resourcesOfType(run, ASSIGNMENT).filter((a) => a.inputs.roleDefinitionId === roleDefinitionId(role.inputs.roleDefinitionId));
        const builtIn = resourcesOfType(run, ASSIGNMENT).filter((a) => a.inputs.roleDefinitionId !== roleDefinitionId(role.inputs.roleDefinitionId));
        expect(custom.map((a) => a.name).sort()).toEqual(["batch-rbac-app-jobsubmitter", `batch-rbac-${EXAMPLE_GROUP}-jobsubmitter`].sort());
        for (const assignment of custom) {
            expect(assignment.dependencies).toContain(wait.urn);
        }
        // The user's Azure Batch Account Reader and the vault's roles exist already: nothing to wait for.
        expect(builtIn.length).toBeGreaterThan(0);
        for (const assignment of builtIn) {
            expect(assignment.dependencies).not.toContain(wait.urn);
        }
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
                    role: expect.stringMatching(ROLE_NAME_DEV),
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
        expect(roleOf(again).roleName).toBe(roleOf(first).roleName);
        expect(grantNameOf(again)).toBe(grantNameOf(first));
        expect(roleOf(prod).roleName).toMatch(/^Azure Batch Custom Job Submitter \(batch-entra-prod [0-9a-f]{6}\)$/);
        expect(roleOf(prod).roleDefinitionId).not.toBe(roleOf(first).roleDefinitionId);
    });

    test("the same project and stack in two subscriptions of one tenant get two role names", async () => {
        const subscriptionA = "/subscriptions/11111111-0000-4000-8000-00000000000a";
        const subscriptionB = "/subscriptions/22222222-0000-4000-8000-00000000000b";
        const run = await runOffline({
            config: {},
            program: async () => {
                for (const [name, assignableScope] of [["in-a", subscriptionA], ["in-b", subscriptionB]]) {
                    new BatchRbac(name, {
                        batchAccountId: `${assignableScope}/resourceGroups/rg/providers/Microsoft.Batch/batchAccounts/acct`,
                        subscriptionId: assignableScope.split("/")[2],
                        jobSubmitterRole: { create: { assignableScope, nameSuffix: "batch-entra-dev" } },
                        grants: [],
                    });
                }
                return {};
            },
        });
        const inA = findResource(run, ROLE_DEFINITION, "in-a-job-submitter").inputs.roleName;
        const inB = findResource(run, ROLE_DEFINITION, "in-b-job-submitter").inputs.roleName;
        expect(inA).toMatch(ROLE_NAME_DEV);
        expect(inB).toMatch(ROLE_NAME_DEV);
        expect(inA).not.toBe(inB);
        // Scope IDs are case-insensitive in Azure: the same scope in other letters keeps its name.
        expect(jobSubmitterRoleName(subscriptionA.toUpperCase(), "batch-entra-dev", false)).toBe(inA);
        expect(jobSubmitterRoleName(subscriptionA, "batch-entra-dev", true)).toBe(`${inA} (autopool)`);
    });
});

describe("two grants that ask for one assignment", () => {
    const account = `/subscriptions/${FAKE_SUBSCRIPTION_ID}/resourceGroups/rg/providers/Microsoft.Batch/batchAccounts/acct`;

    /**
     * Runs BatchRbac in a fresh Node process, as the Pulumi language host would: a failing input is an unhandled
     * rejection there, which ends the program with its message (under jest it would fail the test runner instead).
     */
    function runGrants(extraRole: string): { status: number | null; stdout: string; stderr: string } {
        const script = `
            const pulumi = require("@pulumi/pulumi");
            const { BatchRbac } = require("./features/rbac/batchRbac");
            const { runOffline } = require("./tools/offlineRuntime");
            const principal = "${EXAMPLE_GROUP}";
            runOffline({ config: {}, program: async () => {
                const rbac = new BatchRbac("rbac", {
                    batchAccountId: pulumi.output("${account}"),
                    subscriptionId: "${FAKE_SUBSCRIPTION_ID}",
                    jobSubmitterRole: { existingRoleDefinitionGuid: "9a1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d" },
                    grants: [
                        { key: "app", principalId: pulumi.output(principal), principalType: "ServicePrincipal", role: "Reader" },
                        { key: "app-extra", principalId: principal, principalType: "ServicePrincipal", role: "${extraRole}", scope: "${account.toUpperCase()}" },
                    ],
                });
                return { assignments: rbac.assignments };
            } }).then((run) => console.log("declared " + run.resources.filter((r) => r.type === "${ASSIGNMENT}").length));
        `;
        const child = spawnSync(process.execPath, [...TYPESCRIPT_RUNNER, "-e", script], { cwd: PROJECT_DIR, encoding: "utf8" });
        return { status: child.status, stdout: child.stdout, stderr: child.stderr };
    }

    test("the same scope (in other letters), principal and role twice fails the program, naming both grants", () => {
        const { status, stdout, stderr } = runGrants("Reader");
        expect(status).not.toBe(0);
        expect(stdout).not.toContain("declared");
        expect(stderr).toMatch(/BatchRbac "rbac": grants "(app|app-extra)" \(Reader\) and "(app|app-extra)" \(Reader\) both assign/);
        expect(stderr).toContain('"app"');
        expect(stderr).toContain('"app-extra"');
        expect(stderr).toContain("keep one of the two");
    });

    // A program that runs needs no process of its own: the same grants, in this one.
    test("another role on the same scope and principal is two assignments, and the program runs", async () => {
        const run = await runOffline({
            config: {},
            program: async () => {
                const rbac = new BatchRbac("rbac", {
                    batchAccountId: pulumi.output(account),
                    subscriptionId: FAKE_SUBSCRIPTION_ID,
                    jobSubmitterRole: { existingRoleDefinitionGuid: "9a1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d" },
                    grants: [
                        { key: "app", principalId: pulumi.output(EXAMPLE_GROUP), principalType: "ServicePrincipal", role: "Reader" },
                        { key: "app-extra", principalId: EXAMPLE_GROUP, principalType: "ServicePrincipal", role: "AzureBatchAccountReader", scope: account.toUpperCase() },
                    ],
                });
                return { assignments: rbac.assignments };
            },
        });
        expect(resourcesOfType(run, ASSIGNMENT)).toHaveLength(2);
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
        expect(grant.dependencies).not.toContain(findResource(run, SLEEP, "batch-rbac-job-submitter-propagation").urn);
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
        // A definition that already exists has replicated: no wait.
        expect(resourcesOfType(run, SLEEP).filter((sleep) => sleep.parent?.endsWith("::batch-rbac"))).toEqual([]);
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
