import { PRIVILEGE_GRANTING_ROLES, assertAssignable } from "../pipeline/pipelineIdentity";
import { BATCH_BUILT_IN_ROLES, PRIVILEGED_BUILT_IN_ROLES } from "../../azure/roles";
import { expectRejected, runWith } from "../../test/helpers";
import { STACK_TRACE_LINE, exampleStackFile, planOfStackFile } from "../../test/hardeningHelpers";

const OWNER = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635";
const RBAC_ADMIN = "f58310d9-a9f6-439a-9e8d-f62e7b41a168";
const PIPELINE_ON = { pipelineIdentity: true, pipelineRepository: "contoso/batch-entra", appOwners: ["0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9"] };
const CUSTOM_ROLE = "3f0c7e2a-5b1d-4c8e-9a6f-2d4b8c0e1f3a";

describe("a privileged role is refused wherever a role can be named, by name, GUID or ID", () => {
    test.each(PRIVILEGED_BUILT_IN_ROLES.map((role) => [role.displayName, role.guid]))(
        "%s as the existing Job Submitter role definition is refused, naming the key",
        async (_name, guid) => {
            const { problem } = await expectRejected({ existingJobSubmitterRoleDefinitionId: guid }, "existingJobSubmitterRoleDefinitionId");
            expect(problem.problem).toMatch(/can write role assignments/);
        },
    );

    test.each([
        ["a full subscription-level ID", `/subscriptions/00000000-1111-2222-3333-444444444444/providers/Microsoft.Authorization/roleDefinitions/${OWNER}`],
        ["a tenant-level ID", `/providers/Microsoft.Authorization/roleDefinitions/${OWNER}`],
        ["upper case", OWNER.toUpperCase()],
    ])("Owner given as %s is refused", async (_form, value) => {
        await expectRejected({ existingJobSubmitterRoleDefinitionId: value }, "existingJobSubmitterRoleDefinitionId");
    });

    test("with pipelineIdentity on, RBAC Administrator as the Job Submitter role fails validation, not inside a component", async () => {
        const { error, declared } = await expectRejected({ ...PIPELINE_ON, existingJobSubmitterRoleDefinitionId: RBAC_ADMIN }, "existingJobSubmitterRoleDefinitionId");
        expect(declared).toEqual([]);
        expect(error.message).not.toMatch(STACK_TRACE_LINE);
        expect(error.message).not.toMatch(/deploy identity may not be allowed/);
    });

    test("the offline plan reports it with exit status 1 and no stack trace", async () => {
        const result = await planOfStackFile({ ...exampleStackFile(), "batch-entra:existingJobSubmitterRoleDefinitionId": RBAC_ADMIN, "batch-entra:pipelineIdentity": true, "batch-entra:pipelineRepository": "contoso/batch-entra", "batch-entra:appOwners": PIPELINE_ON.appOwners });
        expect(result.code).toBe(1);
        expect(result.err).toContain("batch-entra:existingJobSubmitterRoleDefinitionId");
        expect(`${result.out}\n${result.err}`).not.toMatch(STACK_TRACE_LINE);
    });

    test.each([
        ["appRole", { appRole: OWNER }, "appRole"],
        ["roleAssignments[0].role", { roleAssignments: [{ principalId: CUSTOM_ROLE, principalType: "User", role: `/providers/Microsoft.Authorization/roleDefinitions/${RBAC_ADMIN}` }] }, "roleAssignments[0].role"],
        ["appExtraScopes[0].role", { appExtraScopes: [{ scope: "/subscriptions/00000000-1111-2222-3333-444444444444/resourceGroups/rg-ml", role: "8b54135c-b56d-4d72-a534-26097cfdc8d8" }] }, "appExtraScopes[0].role"],
        ["roleAssignments[0].role by display name", { roleAssignments: [{ principalId: CUSTOM_ROLE, principalType: "User", role: "Key Vault Data Access Administrator" }] }, "roleAssignments[0].role"],
    ])("%s naming a privileged built-in is refused as privileged", async (_label, overrides, key) => {
        const { problem } = await expectRejected(overrides, key);
        expect(problem.problem).toMatch(/can write role assignments/);
    });

    test("a built-in role given by GUID where a token is expected points at its token", async () => {
        const { problem } = await expectRejected({ appRole: BATCH_BUILT_IN_ROLES.Reader.guid }, "appRole");
        expect(problem.problem).toMatch(/is the built-in role Reader/);
        expect(problem.example).toBe("Reader");
    });

    test("a custom role definition GUID (the limit case: any GUID that is not a privileged built-in) is accepted and lower-cased", async () => {
        const run = await runWith({ existingJobSubmitterRoleDefinitionId: CUSTOM_ROLE.toUpperCase(), ...PIPELINE_ON });
        const adminAssignment = run.resources.find((resource) => resource.name === "pipeline-deploy-rbac-admin");
        expect(adminAssignment?.inputs.condition).toContain(CUSTOM_ROLE);
        expect(adminAssignment?.inputs.condition).not.toContain(OWNER);
    });

    test("the pipeline component and validation refuse the same catalog", () => {
        expect(PRIVILEGE_GRANTING_ROLES).toEqual(PRIVILEGED_BUILT_IN_ROLES.map((role) => role.guid));
        for (const role of PRIVILEGED_BUILT_IN_ROLES) {
            expect(() => assertAssignable(role.guid.toUpperCase())).toThrow(/may not be allowed to assign/);
        }
    });
});
