import { KEY_VAULT_CERTIFICATES_OFFICER_ROLE } from "../components/poolIdentityVault";
import { findResource, runOffline } from "../tools/offlineRuntime";
import { exampleStackConfig, expectRejected, mergeConfig } from "./helpers";
import { ALICE, DEPLOYERS_GROUP, PIPELINE_CONFIG } from "./lifecycle";

const ROLE_ASSIGNMENT = "azure-native:authorization:RoleAssignment";
const CERTIFICATE = "azure:keyvault/certificate:Certificate";

/**
 * Scenario: the documented bootstrap. Alice, an administrator and a member of the deployers group, turns
 * pipelineIdentity on and runs `pulumi up` once on her workstation; the same run creates the pipeline identities,
 * the vault and its certificate. The certificate request goes out as Alice, so it must wait for a grant she holds.
 */
describe("pipeline bootstrap", () => {
    test("the certificate waits for the configured group's Certificates Officer grant, which the bootstrap administrator holds", async () => {
        const run = await runOffline({ config: mergeConfig(exampleStackConfig(), PIPELINE_CONFIG), world: { deployer: ALICE } });
        const groupGrant = findResource(run, ROLE_ASSIGNMENT, "pool-vault-deployer-certificates-officer");
        expect(groupGrant.inputs).toMatchObject({ principalId: DEPLOYERS_GROUP, principalType: "Group" });
        expect(groupGrant.inputs.roleDefinitionId).toMatch(new RegExp(`${KEY_VAULT_CERTIFICATES_OFFICER_ROLE}$`));
        const wait = run.resources.find((resource) => resource.type === "pulumi-nodejs:dynamic/batch-entra:GrantPropagationWait" && resource.dependencies.includes(groupGrant.urn));
        expect(wait).toBeDefined();
        const certificate = findResource(run, CERTIFICATE, "pool-vault-pool-01-cert");
        expect(certificate.dependencies).toContain(wait!.urn);
        // CI manages the certificates afterwards with its own grant.
        const pipelineGrant = findResource(run, ROLE_ASSIGNMENT, "pool-vault-pipeline-deploy-certificates-officer");
        expect(pipelineGrant.inputs.principalType).toBe("ServicePrincipal");
        expect(certificate.dependencies).toContain(pipelineGrant.urn);
        // The bootstrap administrator and the deploy identity both own the client app.
        const app = findResource(run, "azuread:index/application:Application", "batch-client-app");
        const deploy = findResource(run, "azuread:index/servicePrincipal:ServicePrincipal", "pipeline-deploy-sp");
        expect(app.inputs.owners).toEqual(expect.arrayContaining(PIPELINE_CONFIG.appOwners));
        expect(app.dependencies).toContain(deploy.urn);
    });

    test("a stack whose pools create certificates must name who manages them", async () => {
        const { problem } = await expectRejected({ ...PIPELINE_CONFIG, poolCertificateManager: undefined }, "poolCertificateManager");
        expect(problem.problem).toMatch(/group/);
    });
});
