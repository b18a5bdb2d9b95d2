import { roleDefinitionGuid } from "../components/pipelineIdentity";
import { conditionRoles, deriveCiRights, formatCiRights } from "../tools/ciRights";
import { FAKE_SUBSCRIPTION_ID } from "../tools/fakeCloud";
import { OfflineRun, findResource, resourcesOfType } from "../tools/offlineRuntime";
import { expectRejected, runWith } from "./helpers";
import { PIPELINE_CONFIG } from "./lifecycle";

const ROLE_ASSIGNMENT = "azure-native:authorization:RoleAssignment";
const GROUP = `/subscriptions/${FAKE_SUBSCRIPTION_ID}/resourceGroups/rg-batch-entra-dev`;

/** Every feature a pipeline-run stack may turn on, each inside the stack's resource group. */
const EVERY_FEATURE = {
    ...PIPELINE_CONFIG,
    pipelineEnvironments: ["dev", "prod"],
    jobSubmitterAllowsAutopool: true,
    clientSecretKeyVault: true,
    clientCredentialReaders: [{ principalId: "34343434-5656-4787-8989-101010101010", principalType: "ServicePrincipal" }],
    workloadIdentities: [{ name: "aks-jobs", issuer: "https://oidc.prod-aks.azure.com/tenant/issuer/", subject: "system:serviceaccount:batch:submitter" }],
    expiryAlertEmails: ["platform-team@contoso.com"],
    autoStorageAccountId: `${GROUP}/providers/Microsoft.Storage/storageAccounts/stbatchdev`,
    appExtraScopes: [{ scope: `${GROUP}/providers/Microsoft.MachineLearningServices/workspaces/mlw-dev`, role: "AzureMLDataScientist" }],
    roleAssignments: [
        { principalId: "11111111-2222-4333-8444-555555555555", principalType: "Group", role: "JobSubmitter" },
        { principalId: "66666666-7777-4888-8999-000000000000", principalType: "User", role: "AzureBatchAccountReader" },
        { principalId: "12121212-3434-4545-8656-787878787878", principalType: "ServicePrincipal", role: "AzureBatchDataContributor" },
    ],
    pools: [
        { name: "pool-01", vmSize: "Standard_D2s_v5", certificates: [{ subject: "CN=pool-01" }] },
        { name: "win-01", vmSize: "Standard_D2s_v5", image: "windows-2022", dedicatedNodes: 1, certificates: [{ subject: "CN=win-01" }] },
        {
            name: "pool-02",
            vmSize: "Standard_D2s_v5",
            autoScale: { formula: "$TargetDedicatedNodes = 0;", evaluationInterval: "PT15M" },
            certificates: [{ secretUrl: "https://kv-shared.vault.azure.net/secrets/web-tls", keyVaultId: `${GROUP}/providers/Microsoft.KeyVault/vaults/kv-shared` }],
        },
    ],
};

/**
 * Scenario: a stack with every feature on runs from CI. Every resource the program declares or reads must be readable
 * by the preview identity and writable by the deploy identity, by a grant the same program declares; the deploy
 * identity may assign exactly the roles the program assigns.
 */
describe("CI rights", () => {
    let run: OfflineRun;
    beforeAll(async () => {
        run = await runWith(EVERY_FEATURE);
    });

    test("every (resource, scope, right) a refresh or an update needs is granted to the identity that needs it", () => {
        const rows = deriveCiRights(run);
        expect(rows.length).toBeGreaterThan(40);
        for (const right of ["arm-read", "arm-write", "rbac-write", "vault-data-read", "vault-data-write", "graph-read", "graph-write-owned"]) {
            expect(rows.some((row) => row.right === right)).toBe(true);
        }
        expect(formatCiRights(rows.filter((row) => row.grantedBy === undefined))).toBe("");
    });

    test("the RBAC Administrator condition allows every role assignment the program declares, and nothing else", () => {
        const condition = findResource(run, ROLE_ASSIGNMENT, "pipeline-deploy-rbac-admin").inputs.condition as string;
        const allowed = conditionRoles(condition)!;
        const declared = resourcesOfType(run, ROLE_ASSIGNMENT)
            .filter((assignment) => !assignment.parent?.includes("PipelineIdentity"))
            .map((assignment) => roleDefinitionGuid(assignment.inputs.roleDefinitionId));
        expect([...allowed].sort()).toEqual([...new Set(declared)].sort());
        // The write and delete halves list the same roles.
        expect(condition.match(/GuidEquals \{([^}]*)\}/g)).toHaveLength(2);
        expect(new Set(condition.match(/GuidEquals \{([^}]*)\}/g)).size).toBe(1);
    });

    test("a stack that assigns fewer roles allows fewer: no Contributor, no Secrets User, no Storage role unless assigned", async () => {
        const small = await runWith({ ...PIPELINE_CONFIG, pools: [] });
        const allowed = conditionRoles(findResource(small, ROLE_ASSIGNMENT, "pipeline-deploy-rbac-admin").inputs.condition)!;
        expect(allowed).not.toContain("b24988ac-6180-42a0-ab88-20f7382dd24c");
        expect(allowed).not.toContain("4633458b-17de-408a-b874-0445c86b69e6");
        expect(allowed).not.toContain("ba92f5b4-2d11-453d-a403-e96b0029c9fe");
        expect(allowed.length).toBe(new Set(resourcesOfType(small, ROLE_ASSIGNMENT).filter((a) => !a.parent?.includes("PipelineIdentity")).map((a) => roleDefinitionGuid(a.inputs.roleDefinitionId))).size);
    });

    test("the table finds a missing grant: without the preview identity's vault reader, certificate reads are gaps", () => {
        const withoutReader = { ...run, resources: run.resources.filter((resource) => resource.name !== "pool-vault-pipeline-preview-key-vault-reader") };
        const gaps = deriveCiRights(withoutReader).filter((row) => row.grantedBy === undefined);
        expect(gaps.map((row) => `${row.identity} ${row.right}`)).toEqual(["preview vault-data-read", "preview vault-data-read"]);
    });

    const elsewhere = "/subscriptions/11111111-2222-4333-8444-555555555555/resourceGroups/rg-elsewhere";
    test.each([
        ["appExtraScopes[0].scope", { appExtraScopes: [{ scope: `${elsewhere}/providers/Microsoft.MachineLearningServices/workspaces/mlw`, role: "AzureMLDataScientist" }] }],
        ["autoStorageAccountId", { autoStorageAccountId: `${elsewhere}/providers/Microsoft.Storage/storageAccounts/stdata` }],
        ["pools[0].certificates[0].keyVaultId", { pools: [{ name: "p", vmSize: "Standard_D2s_v5", certificates: [{ secretUrl: "https://kv-x.vault.azure.net/secrets/t", keyVaultId: `${elsewhere}/providers/Microsoft.KeyVault/vaults/kv-x` }] }] }],
        ["poolIdentityResourceGroup", { poolIdentityResourceGroup: "rg-identities" }],
        ["jobSubmitterRoleScope", { jobSubmitterRoleScope: "subscription" }],
        ["grantAdminConsent", { grantAdminConsent: true }],
    ])("with pipelineIdentity, %s outside what CI can read is refused, naming both keys", async (key, overrides) => {
        const { problem } = await expectRejected({ ...PIPELINE_CONFIG, ...overrides }, key);
        expect(problem.problem).toContain("batch-entra:pipelineIdentity");
        // Deployed by an administrator, the same setting is fine.
        await expect(runWith({ ...PIPELINE_CONFIG, ...overrides, pipelineIdentity: false })).resolves.toBeDefined();
    });
});
