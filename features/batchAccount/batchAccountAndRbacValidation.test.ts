import { FAKE_SUBSCRIPTION_ID } from "../../tools/fakeCloud";
import { resourcesOfType } from "../../tools/offlineRuntime";
import { expectRejected, runWith } from "../../test/helpers";

const GROUP = "11111111-2222-4333-8444-555555555555";
const WORKSPACE = `/subscriptions/${FAKE_SUBSCRIPTION_ID}/resourceGroups/rg-ml/providers/Microsoft.MachineLearningServices/workspaces/mlw-prod`;

describe("Batch account settings are validated before anything is declared", () => {
    test.each(["Batch-Prod", "ba", "batch-prod-01", "averyveryverylongbatchaccount1"])("account name %p", async (name) => {
        const { problem } = await expectRejected({ batchAccountName: name }, "batchAccountName");
        expect(problem.problem).toMatch(/3 to 24 lowercase letters and digits/);
    });

    test("UserSubscription pool allocation is refused with the reason", async () => {
        const { problem } = await expectRejected({ poolAllocationMode: "UserSubscription" }, "poolAllocationMode");
        expect(problem.problem).toMatch(/UserSubscription mode is not supported/);
        expect(problem.example).toBe("BatchService");
    });

    test("shared keys listed in allowedAuthenticationModes without allowSharedKeyAccess are refused", async () => {
        const { problem } = await expectRejected({ allowedAuthenticationModes: ["AAD", "SharedKey"] }, "allowedAuthenticationModes");
        expect(problem.problem).toMatch(/SharedKey but batch-entra:allowSharedKeyAccess is not true/);
    });

    test("task tokens listed without allowTaskAuthenticationToken are refused", async () => {
        const { problem } = await expectRejected({ allowedAuthenticationModes: ["AAD", "TaskAuthenticationToken"] }, "allowedAuthenticationModes");
        expect(problem.problem).toMatch(/allowTaskAuthenticationToken is not true/);
    });

    test("a mode list without AAD is refused", async () => {
        const { problem } = await expectRejected({ allowSharedKeyAccess: true, allowedAuthenticationModes: ["SharedKey"] }, "allowedAuthenticationModes");
        expect(problem.problem).toMatch(/must include AAD/);
    });

    test("a mode list that drops what a flag enabled is refused", async () => {
        const { problem } = await expectRejected({ allowSharedKeyAccess: true, allowedAuthenticationModes: ["AAD"] }, "allowedAuthenticationModes");
        expect(problem.problem).toMatch(/does not list SharedKey/);
    });

    test("a flag that is not a boolean is refused", async () => {
        await expectRejected({ allowSharedKeyAccess: "yes" }, "allowSharedKeyAccess");
    });

    test("no region at all is refused", async () => {
        const { problem } = await expectRejected({ "azure-native:location": undefined }, "location");
        expect(problem.problem).toMatch(/no region is set/);
    });

    test("a region that is not a region name is refused", async () => {
        await expectRejected({ location: "west-europe!" }, "location");
    });

    test("a bad resource group name is refused", async () => {
        await expectRejected({ resourceGroupName: "rg-ends-with-period." }, "resourceGroupName");
    });

    test.each(["10.0.0.0/33", "256.1.1.1", "2001:db8::/32", "example.com"])("IP range %p", async (range) => {
        await expectRejected({ allowedIpRanges: [range] }, "allowedIpRanges[0]");
    });

    test("IP rules with public network access disabled are refused", async () => {
        const { problem } = await expectRejected({ publicNetworkAccess: "Disabled", allowedIpRanges: ["203.0.113.0/24"] }, "allowedIpRanges");
        expect(problem.problem).toMatch(/only apply while publicNetworkAccess is Enabled/);
    });

    test("an auto-storage ID that is not a storage account's resource ID is refused", async () => {
        await expectRejected({ autoStorageAccountId: WORKSPACE }, "autoStorageAccountId");
    });
});

describe("RBAC settings are validated before anything is declared", () => {
    test("an unknown app role is refused", async () => {
        const { problem } = await expectRejected({ appRole: "BatchAdmin" }, "appRole");
        expect(problem.problem).toMatch(/not a role batch-entra knows/);
    });

    test("Owner is refused as a privilege-granting role", async () => {
        const { problem } = await expectRejected({ appRole: "Owner" }, "appRole");
        expect(problem.problem).toMatch(/can write role assignments/);
    });

    test("an unknown role in roleAssignments is refused", async () => {
        await expectRejected({ roleAssignments: [{ principalId: GROUP, principalType: "Group", role: "Job Submitter Plus" }] }, "roleAssignments[0].role");
    });

    test("User Access Administrator is refused in roleAssignments", async () => {
        const { problem } = await expectRejected(
            { roleAssignments: [{ principalId: GROUP, principalType: "Group", role: "UserAccessAdministrator" }] },
            "roleAssignments[0].role",
        );
        expect(problem.problem).toMatch(/never assigns such a role/);
    });

    test("an object ID that is not a GUID is refused", async () => {
        await expectRejected({ roleAssignments: [{ principalId: "alice@contoso.com", principalType: "User", role: "JobSubmitter" }] }, "roleAssignments[0].principalId");
    });

    test("a missing principalType is refused", async () => {
        const { problem } = await expectRejected({ roleAssignments: [{ principalId: GROUP, role: "JobSubmitter" }] }, "roleAssignments[0].principalType");
        expect(problem.problem).toMatch(/required/);
    });

    test("a principal listed twice with conflicting roles is refused", async () => {
        const { problem } = await expectRejected(
            {
                roleAssignments: [
                    { principalId: GROUP, principalType: "Group", role: "JobSubmitter" },
                    { principalId: GROUP, principalType: "Group", role: "Contributor" },
                ],
            },
            "roleAssignments[1]",
        );
        expect(problem.problem).toMatch(/already listed at roleAssignments\[0\]/);
    });

    test("an unknown field in an entry is refused", async () => {
        await expectRejected({ roleAssignments: [{ principalId: GROUP, principalType: "Group", role: "JobSubmitter", scope: WORKSPACE }] }, "roleAssignments[0].scope");
    });

    test("roleAssignments that is not a list of objects is refused", async () => {
        await expectRejected({ roleAssignments: [GROUP] }, "roleAssignments");
    });

    test.each([
        "mlw-prod",
        "subscriptions/8c3f1c55-0000-4000-8000-00000000b47c/resourceGroups/rg-ml",
        "/subscriptions/not-a-guid/resourceGroups/rg-ml",
        "/subscriptions/8c3f1c55-0000-4000-8000-00000000b47c/resourceGroups/rg-ml/providers/Microsoft.MachineLearningServices/workspaces",
        "https://ml.azure.com/workspaces/mlw-prod",
    ])("an extra scope that is not an Azure resource ID is refused: %p", async (scope) => {
        const { problem } = await expectRejected({ appExtraScopes: [{ scope, role: "AzureMLDataScientist" }] }, "appExtraScopes[0].scope");
        expect(problem.problem).toMatch(/not an Azure resource ID/);
    });

    test("Owner on an extra scope (what seed 002 shows) is refused in favour of least-privilege roles", async () => {
        const { problem } = await expectRejected({ appExtraScopes: [{ scope: WORKSPACE, role: "owner" }] }, "appExtraScopes[0].role");
        expect(problem.problem).toMatch(/AzureMLDataScientist/);
    });

    test("the custom Job Submitter role on an extra scope is refused", async () => {
        await expectRejected({ appExtraScopes: [{ scope: WORKSPACE, role: "JobSubmitter" }] }, "appExtraScopes[0].role");
    });

    test("the same extra scope and role twice is refused", async () => {
        const entry = { scope: WORKSPACE, role: "AzureMLDataScientist" };
        await expectRejected({ appExtraScopes: [entry, entry] }, "appExtraScopes[1]");
    });

    test.each([
        // The case the check exists for: appRole Reader plus the stack's own account with Reader again.
        [`/subscriptions/${FAKE_SUBSCRIPTION_ID}/resourceGroups/rg-batch-entra-dev/providers/Microsoft.Batch/batchAccounts/batchdev`, "Reader"],
        // Resource group names and resource types are case-insensitive in Azure; the subscription is not known yet.
        ["/subscriptions/00000000-1111-2222-3333-444444444444/resourcegroups/RG-BATCH-ENTRA-DEV/providers/microsoft.batch/BATCHACCOUNTS/other", "Contributor"],
    ])("an extra scope that is a Batch account in the stack's own resource group is refused: %p", async (scope, role) => {
        const { problem } = await expectRejected({ appRole: "Reader", appExtraScopes: [{ scope, role }] }, "appExtraScopes[0].scope");
        expect(problem.problem).toContain("the app's role on this stack's account is appRole");
        expect(problem.problem).toContain("batch-entra:appRole");
        expect(problem.example).not.toMatch(/Microsoft\.Batch/i);
    });

    test("the refusal follows resourceGroupName when the stack sets its own group", async () => {
        const scope = `/subscriptions/${FAKE_SUBSCRIPTION_ID}/resourceGroups/rg-shared-batch/providers/Microsoft.Batch/batchAccounts/batchdev`;
        await expectRejected({ resourceGroupName: "rg-shared-batch", appExtraScopes: [{ scope, role: "Reader" }] }, "appExtraScopes[0].scope");
    });

    test("a Batch account in another resource group, and the stack's group itself, are allowed as extra scopes", async () => {
        const otherAccount = `/subscriptions/${FAKE_SUBSCRIPTION_ID}/resourceGroups/rg-batch-entra-dev-2/providers/Microsoft.Batch/batchAccounts/batchdev`;
        const ownGroup = `/subscriptions/${FAKE_SUBSCRIPTION_ID}/resourceGroups/rg-batch-entra-dev`;
        const run = await runWith({ appExtraScopes: [{ scope: otherAccount, role: "Reader" }, { scope: ownGroup, role: "Reader" }] });
        const scopes = resourcesOfType(run, "azure-native:authorization:RoleAssignment").map((assignment) => assignment.inputs.scope);
        expect(scopes).toEqual(expect.arrayContaining([otherAccount, ownGroup]));
    });

    test("an existing role definition ID that is not one is refused", async () => {
        await expectRejected({ existingJobSubmitterRoleDefinitionId: "Azure Batch Custom Job Submitter" }, "existingJobSubmitterRoleDefinitionId");
    });

    test("the autopool opt-in together with an existing role definition is refused (it would change nothing)", async () => {
        await expectRejected(
            { existingJobSubmitterRoleDefinitionId: "9a1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d", jobSubmitterAllowsAutopool: true },
            "jobSubmitterAllowsAutopool",
        );
    });

    test("an unknown custom-role scope is refused", async () => {
        await expectRejected({ jobSubmitterRoleScope: "account" }, "jobSubmitterRoleScope");
    });
});
