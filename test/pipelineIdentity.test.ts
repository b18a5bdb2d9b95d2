import { stableGuid } from "../config/naming";
import {
    FEDERATED_SUBJECT_MAX_LENGTH,
    environmentSubject,
} from "../config/pipeline";
import {
    PIPELINE_ROLES,
    PRIVILEGE_GRANTING_ROLES,
    PipelineIdentity,
    constrainAssignableRoles,
    roleDefinitionGuid,
} from "../components/pipelineIdentity";
import { FAKE_DEPLOYER_OBJECT_ID, FAKE_GRAPH_APP_ROLE_IDS, FAKE_GRAPH_OBJECT_ID, FAKE_SUBSCRIPTION_ID } from "../tools/fakeCloud";
import { DeclaredResource, OfflineProgramError, OfflineRun, findResource, resourcesOfType, runOffline } from "../tools/offlineRuntime";
import { exampleStackConfig, runWith } from "./helpers";

const FIC = "azuread:index/applicationFederatedIdentityCredential:ApplicationFederatedIdentityCredential";
const APP = "azuread:index/application:Application";
const SP = "azuread:index/servicePrincipal:ServicePrincipal";
const ROLE_ASSIGNMENT = "azure-native:authorization:RoleAssignment";
const APP_ROLE_ASSIGNMENT = "azuread:index/appRoleAssignment:AppRoleAssignment";
const RESOURCE_GROUP_ID = `/subscriptions/${FAKE_SUBSCRIPTION_ID}/resourceGroups/rg-batch-entra-dev`;

const BOOTSTRAP_ADMIN = "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9";
const PIPELINE_ON = {
    pipelineIdentity: true,
    pipelineRepository: "contoso/batch-entra",
    appOwners: [BOOTSTRAP_ADMIN],
};

/** Role GUID of an assignment, from its full role definition ID. */
function roleOf(assignment: DeclaredResource): string {
    return roleDefinitionGuid(assignment.inputs.roleDefinitionId);
}

describe("the pipeline identity (pipelineIdentity: true)", () => {
    let run: OfflineRun;
    beforeAll(async () => {
        run = await runWith({ ...PIPELINE_ON, pipelineEnvironments: ["dev", "prod"] });
    });

    test("is off by default: the example stack declares no pipeline resource", async () => {
        const plain = await runWith();
        expect(plain.resources.filter((r) => r.type.startsWith("batch-entra:pipeline") || r.name.startsWith("pipeline-"))).toEqual([]);
        expect(Object.keys(plain.outputs).filter((key) => key.startsWith("pipeline"))).toEqual([]);
    });

    test("pull requests sign in as the preview app: GitHub's issuer, Entra's exchange audience, the pull_request subject", () => {
        const credential = findResource(run, FIC, "pipeline-preview-pull-request");
        expect(credential.inputs).toMatchObject({
            issuer: "https://token.actions.githubusercontent.com",
            audiences: ["api://AzureADTokenExchange"],
            subject: "repo:contoso/batch-entra:pull_request",
        });
        expect(credential.dependencies).toContain(findResource(run, APP, "pipeline-preview-app").urn);
        expect(credential.inputs.applicationId).toMatch(/^\/applications\//);
    });

    test("each deploy environment gets one credential on the deploy app, and only there", () => {
        const deployApp = findResource(run, APP, "pipeline-deploy-app");
        const credentials = resourcesOfType(run, FIC).filter((c) => c.dependencies.includes(deployApp.urn));
        expect(credentials.map((c) => c.inputs.subject).sort()).toEqual([
            "repo:contoso/batch-entra:environment:dev",
            "repo:contoso/batch-entra:environment:prod",
        ]);
        for (const credential of credentials) {
            expect(credential.inputs.issuer).toBe("https://token.actions.githubusercontent.com");
            expect(credential.inputs.audiences).toEqual(["api://AzureADTokenExchange"]);
            expect(credential.inputs.displayName).toMatch(/^[A-Za-z0-9][A-Za-z0-9_-]{2,119}$/);
        }
        // A pull request must never be able to sign in as the identity that deploys.
        expect(credentials.some((c) => String(c.inputs.subject).endsWith(":pull_request"))).toBe(false);
    });

    test("the deploy environments default to the stack name", async () => {
        const defaulted = await runWith(PIPELINE_ON);
        expect(findResource(defaulted, FIC, "pipeline-deploy-github-env-dev").inputs.subject).toBe("repo:contoso/batch-entra:environment:dev");
    });

    test("the preview identity only reads: Reader on the resource group, Key Vault Reader on the pools' vault, Graph Application.Read.All", () => {
        const previewId = findResource(run, SP, "pipeline-preview-sp");
        const assignments = resourcesOfType(run, ROLE_ASSIGNMENT).filter((a) => a.dependencies.includes(previewId.urn));
        expect(assignments.map(roleOf).sort()).toEqual([PIPELINE_ROLES.reader, PIPELINE_ROLES.keyVaultReader].sort());
        expect(assignments.find((a) => roleOf(a) === PIPELINE_ROLES.reader)?.inputs.scope).toBe(RESOURCE_GROUP_ID);
        // Its refresh reads the certificates, a data-plane read that Reader on the group does not give.
        const vaultReader = findResource(run, ROLE_ASSIGNMENT, "pool-vault-pipeline-preview-key-vault-reader");
        const vaultName = findResource(run, "azure-native:keyvault:Vault", "pool-vault-vault").inputs.vaultName;
        expect(vaultReader.inputs.scope).toBe(`${RESOURCE_GROUP_ID}/providers/Microsoft.KeyVault/vaults/${vaultName}`);

        const graphGrants = resourcesOfType(run, APP_ROLE_ASSIGNMENT).filter((a) => a.dependencies.includes(previewId.urn));
        expect(graphGrants.map((g) => g.inputs.appRoleId)).toEqual([FAKE_GRAPH_APP_ROLE_IDS["Application.Read.All"]]);
    });

    test("the deploy identity manages the pools' certificates, a grant that does not follow whoever runs pulumi up", () => {
        const deployId = findResource(run, SP, "pipeline-deploy-sp");
        const officer = findResource(run, ROLE_ASSIGNMENT, "pool-vault-pipeline-deploy-certificates-officer");
        expect(roleOf(officer)).toBe(PIPELINE_ROLES.keyVaultCertificatesOfficer);
        expect(officer.dependencies).toContain(deployId.urn);
        expect(officer.inputs.principalType).toBe("ServicePrincipal");
        expect(officer.inputs.principalId).not.toBe(FAKE_DEPLOYER_OBJECT_ID);
    });

    test("the deploy identity gets Contributor and a conditioned RBAC Administrator on the resource group, nothing at subscription scope", () => {
        const deployId = findResource(run, SP, "pipeline-deploy-sp");
        const assignments = resourcesOfType(run, ROLE_ASSIGNMENT).filter(
            (a) => a.dependencies.includes(deployId.urn) && a.parent?.endsWith("::pipeline"),
        );
        expect(assignments.map(roleOf).sort()).toEqual(
            [PIPELINE_ROLES.contributor, PIPELINE_ROLES.roleBasedAccessControlAdministrator].sort(),
        );
        for (const assignment of assignments) {
            expect(assignment.inputs.scope).toBe(RESOURCE_GROUP_ID);
            expect(assignment.inputs.principalType).toBe("ServicePrincipal");
            expect(assignment.options.deleteBeforeReplace).toBe(true);
            expect(assignment.inputs.roleAssignmentName).toMatch(/^[0-9a-f-]{36}$/);
        }
        const contributor = assignments.find((a) => roleOf(a) === PIPELINE_ROLES.contributor)!;
        expect(contributor.inputs.condition).toBeUndefined();
    });

    test("the RBAC Administrator condition lists exactly the roles the program assigns, for writes and deletes", () => {
        const admin = findResource(run, ROLE_ASSIGNMENT, "pipeline-deploy-rbac-admin");
        expect(admin.inputs.conditionVersion).toBe("2.0");
        const condition = String(admin.inputs.condition);
        expect(condition).toContain("ActionMatches{'Microsoft.Authorization/roleAssignments/write'}");
        expect(condition).toContain("ActionMatches{'Microsoft.Authorization/roleAssignments/delete'}");
        const lists = [...condition.matchAll(/(@Request|@Resource)\[Microsoft\.Authorization\/roleAssignments:RoleDefinitionId\] ForAnyOfAnyValues:GuidEquals \{([^}]*)\}/g)];
        expect(lists.map((match) => match[1])).toEqual(["@Request", "@Resource"]);
        // Exactly the roles of the assignments the rest of the program declares, the custom Job Submitter role included.
        const declared = resourcesOfType(run, ROLE_ASSIGNMENT).filter((a) => !a.parent?.endsWith("::pipeline"));
        const expected = [...new Set(declared.map((a) => roleDefinitionGuid(a.inputs.roleDefinitionId)))].sort();
        const customRole = roleDefinitionGuid(findResource(run, "azure-native:authorization:RoleDefinition", "batch-rbac-job-submitter").inputs.roleDefinitionId);
        expect(expected).toContain(customRole);
        for (const [, , list] of lists) {
            const guids = list.split(", ");
            expect(guids).toEqual(expected);
            for (const privileged of PRIVILEGE_GRANTING_ROLES) {
                expect(guids).not.toContain(privileged);
            }
        }
    });

    test("the deploy identity may manage the apps it owns, and owns the Batch client app", () => {
        const deploySp = findResource(run, SP, "pipeline-deploy-sp");
        const grants = resourcesOfType(run, APP_ROLE_ASSIGNMENT).filter((a) => a.dependencies.includes(deploySp.urn));
        expect(grants.map((g) => g.inputs.appRoleId).sort()).toEqual(
            [FAKE_GRAPH_APP_ROLE_IDS["Application.Read.All"], FAKE_GRAPH_APP_ROLE_IDS["Application.ReadWrite.OwnedBy"]].sort(),
        );
        for (const grant of grants) {
            expect(grant.inputs.resourceObjectId).toBe(FAKE_GRAPH_OBJECT_ID);
        }
        const deployObjectId = grants[0].inputs.principalObjectId;
        // The configured people and the deploy identity; not whoever ran this update, or CI would rewrite the list.
        expect(findResource(run, APP, "batch-client-app").inputs.owners).toEqual([BOOTSTRAP_ADMIN, deployObjectId]);
        expect(findResource(run, SP, "batch-client-sp").inputs.owners).toContain(deployObjectId);
    });

    test("the pipeline apps' owners come from config, not from whoever deploys, so CI never rewrites them", async () => {
        const owner = "00000000-1111-2222-3333-444444444444";
        const owned = await runWith({ ...PIPELINE_ON, pipelineOwners: [owner] });
        for (const name of ["pipeline-preview-app", "pipeline-deploy-app"]) {
            expect(findResource(owned, APP, name).inputs.owners).toEqual([owner]);
        }
        for (const name of ["pipeline-preview-app", "pipeline-deploy-app"]) {
            expect(findResource(run, APP, name).inputs.owners ?? []).toEqual([]);
        }
    });

    test("outputs give the workflows' variables: both client IDs, the tenant and the subscription", () => {
        expect(run.outputs.pipelinePreviewClientId).toBe(findResource(run, SP, "pipeline-preview-sp").inputs.clientId);
        expect(run.outputs.pipelineDeployClientId).toBe(findResource(run, SP, "pipeline-deploy-sp").inputs.clientId);
        expect(run.outputs.pipelinePreviewClientId).not.toBe(run.outputs.pipelineDeployClientId);
        expect(run.outputs.tenantId).toBeDefined();
        expect(run.outputs.subscriptionId).toBe(FAKE_SUBSCRIPTION_ID);
        expect(run.secretOutputs.filter((key) => key.startsWith("pipeline"))).toEqual([]);
    });
});

describe("the PipelineIdentity component on its own", () => {
    const vault = `${RESOURCE_GROUP_ID}/providers/Microsoft.KeyVault/vaults/kv-batch`;
    const program = (assignable: string[], keyVaultIds: string[] = []) => async () => {
        const identity = new PipelineIdentity("ci", {
            repository: "contoso/batch-entra",
            deployEnvironments: ["production"],
            displayNamePrefix: "batch",
            resourceGroupId: RESOURCE_GROUP_ID,
            assignableRoleDefinitionIds: assignable,
            keyVaultIds,
        });
        return { deploy: identity.deployClientId };
    };

    test("with a vault, deploy gets Key Vault Certificates Officer and preview Key Vault Reader, scoped to the vault", async () => {
        const run = await runOffline({ config: exampleStackConfig(), program: program([PIPELINE_ROLES.reader], [vault]) });
        expect(roleOf(findResource(run, ROLE_ASSIGNMENT, "ci-deploy-vault-0"))).toBe(PIPELINE_ROLES.keyVaultCertificatesOfficer);
        expect(roleOf(findResource(run, ROLE_ASSIGNMENT, "ci-preview-vault-0"))).toBe(PIPELINE_ROLES.keyVaultReader);
        expect(findResource(run, ROLE_ASSIGNMENT, "ci-deploy-vault-0").inputs.scope).toBe(vault);
        expect(resourcesOfType(run, ROLE_ASSIGNMENT)).toHaveLength(5);
    });

    test("full role definition IDs are reduced to their GUIDs in the condition", async () => {
        const custom = `/subscriptions/${FAKE_SUBSCRIPTION_ID}/providers/Microsoft.Authorization/roleDefinitions/ABCDEF01-2345-6789-ABCD-EF0123456789`;
        const run = await runOffline({ config: exampleStackConfig(), program: program([custom, PIPELINE_ROLES.reader]) });
        expect(findResource(run, ROLE_ASSIGNMENT, "ci-deploy-rbac-admin").inputs.condition).toContain(
            `{abcdef01-2345-6789-abcd-ef0123456789, ${PIPELINE_ROLES.reader}}`,
        );
    });

    test.each([
        ["Owner", "8e3af657-a8ff-443c-a75c-2fe8c4bcb635"],
        ["User Access Administrator", "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9"],
        ["Role Based Access Control Administrator", "f58310d9-a9f6-439a-9e8d-f62e7b41a168"],
    ])("refuses to let the deploy identity assign %s", async (_role, guid) => {
        const failure = await runOffline({ config: exampleStackConfig(), program: program([PIPELINE_ROLES.reader, guid]) }).catch((e) => e);
        expect(failure).toBeInstanceOf(OfflineProgramError);
        expect(String(failure.message)).toContain(guid);
        expect(failure.resources.filter((resource: DeclaredResource) => resource.custom)).toEqual([]);
    });
});

describe("pure helpers", () => {
    test("the condition needs at least one role", () => {
        expect(() => constrainAssignableRoles([])).toThrow(/at least one/);
    });

    test("role definition IDs that are not GUIDs are refused", () => {
        expect(() => roleDefinitionGuid("Contributor")).toThrow(/not a role definition/);
    });

    test("assignment names are stable GUIDs that differ per (scope, principal, role)", () => {
        expect(stableGuid("scope", "principal", "role")).toBe(stableGuid("SCOPE", "principal", "role"));
        expect(stableGuid("scope", "principal", "role")).not.toBe(stableGuid("scope", "principal", "other-role"));
        expect(stableGuid("a", "bc")).not.toBe(stableGuid("ab", "c"));
        expect(stableGuid("scope", "principal", "role")).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    });

    test("the longest subject the validation accepts still fits Entra's 600 characters", () => {
        const longest = environmentSubject(`${"o".repeat(39)}/${"r".repeat(100)}`, "e".repeat(255));
        expect(longest.length).toBeLessThanOrEqual(FEDERATED_SUBJECT_MAX_LENGTH);
    });
});
