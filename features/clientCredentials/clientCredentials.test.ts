import { CLIENT_CERTIFICATE_NAME, CLIENT_SECRET_NAME, ClientCredentialReader, ClientCredentialVault, ClientCredentialVaultArgs, EXPIRY_EVENT_TYPES } from "./clientCredentialVault";
import { WorkloadIdentities } from "./workloadIdentities";
import { inputsFromStackOutputs } from "../../tools/verify/inputs";
import { KEY_VAULT_CERTIFICATES_OFFICER_ROLE, KEY_VAULT_SECRETS_USER_ROLE } from "../pools/poolIdentityVault";
import { defaultKeyVaultName } from "../pools/config";
import { FAKE_DEPLOYER_OBJECT_ID, FAKE_NOW, FAKE_SUBSCRIPTION_ID, fakeGuid } from "../../tools/fakeCloud";
import { DeclaredResource, OfflineRun, findResource, resourcesOfType, runOffline } from "../../tools/offlineRuntime";
import { expectRejected, libraryRefusal, runWith } from "../../test/helpers";

const PASSWORD = "azuread:index/applicationPassword:ApplicationPassword";
const KEY_CREDENTIAL = "azuread:index/applicationCertificate:ApplicationCertificate";
const FEDERATED = "azuread:index/applicationFederatedIdentityCredential:ApplicationFederatedIdentityCredential";
const CERTIFICATE = "azure:keyvault/certificate:Certificate";
const SECRET = "azure-native:keyvault:Secret";
const VAULT = "azure-native:keyvault:Vault";
const ROLE_ASSIGNMENT = "azure-native:authorization:RoleAssignment";
const SYSTEM_TOPIC = "azure-native:eventgrid:SystemTopic";
const EVENT_SUBSCRIPTION = "azure-native:eventgrid:SystemTopicEventSubscription";
const ACTION_GROUP = "azure-native:monitor:ActionGroup";
const CREDENTIAL_VAULT_NAME = defaultKeyVaultName({ projectName: "batch-entra", stackName: "dev-creds" }, FAKE_SUBSCRIPTION_ID, FAKE_NOW);
const READER = { principalId: "0f3c5d2e-0000-4000-8000-00000000beef", principalType: "ServicePrincipal" };
const AKS_ISSUER = "https://westeurope.oic.prod-aks.azure.com/72f988bf-0000-4000-8000-00000000a11e/3c1b0e8a-0000-4000-8000-0000000000c1/";
const AKS = { name: "aks-submitter", issuer: AKS_ISSUER, subject: "system:serviceaccount:jobs:batch-submitter" };
const GITHUB = { name: "github-jobs", issuer: "https://token.actions.githubusercontent.com", subject: "repo:contoso/batch-jobs:environment:prod" };

function credentialVaultResources(run: OfflineRun, type: string): DeclaredResource[] {
    return resourcesOfType(run, type).filter((resource) => resource.name.startsWith("client-credentials-"));
}

describe("defaults: clientCredential secret, no Key Vault delivery", () => {
    test("one client secret, no key credential, no federated credential and no client-credential vault", async () => {
        const run = await runWith();
        expect(resourcesOfType(run, PASSWORD)).toHaveLength(1);
        expect(resourcesOfType(run, KEY_CREDENTIAL)).toEqual([]);
        expect(resourcesOfType(run, FEDERATED)).toEqual([]);
        expect(credentialVaultResources(run, VAULT)).toEqual([]);
        expect(resourcesOfType(run, SECRET)).toEqual([]);
        expect(run.outputs.clientCredential).toBe("secret");
        expect(run.outputs.clientSecretKeyVaultUrl).toBeUndefined();
    });
});

describe("clientCredential: certificate", () => {
    let run: OfflineRun;
    beforeAll(async () => {
        run = await runWith({ clientCredential: "certificate", clientCredentialReaders: [READER] });
    });

    test("declares a Key Vault certificate and its public part as an app key credential, and no password", () => {
        expect(resourcesOfType(run, PASSWORD)).toEqual([]);
        const certificate = findResource(run, CERTIFICATE, "client-credentials-certificate");
        expect(certificate.inputs.name).toBe(CLIENT_CERTIFICATE_NAME);
        expect(certificate.inputs.keyVaultId).toMatch(new RegExp(`/vaults/${CREDENTIAL_VAULT_NAME}$`));
        const policy = certificate.inputs.certificatePolicy;
        // 180-day lifetime and 30-day overlap: six-month versions, each renewed 30 days before it expires.
        expect(policy.x509CertificateProperties.validityInMonths).toBe(6);
        expect(policy.lifetimeActions).toEqual([{ action: { actionType: "AutoRenew" }, trigger: { daysBeforeExpiry: 30 } }]);
        expect(policy.secretProperties.contentType).toBe("application/x-pem-file");
        const [keyCredential] = resourcesOfType(run, KEY_CREDENTIAL);
        expect(keyCredential.inputs).toMatchObject({ type: "AsymmetricX509Cert", encoding: "hex", startDate: FAKE_NOW });
        expect(keyCredential.inputs.value).toMatch(/^3082[0-9a-f]+$/);
        expect(keyCredential.inputs.applicationId).toBe(`/applications/${fakeGuid("batch-client-app/objectId")}`);
        expect(keyCredential.dependencies).toContain(certificate.urn);
        expect(run.outputs.clientCertificateKeyVaultUrl).toBe(`https://${CREDENTIAL_VAULT_NAME}.vault.azure.net/secrets/${CLIENT_CERTIFICATE_NAME}`);
        expect(run.outputs.clientSecret).toBeUndefined();
        expect(run.outputs.sdkAuth).toBeUndefined();
    });

    test("a renewal registers the new key credential before the old one goes, and leaves the old one to lapse", () => {
        const [keyCredential] = resourcesOfType(run, KEY_CREDENTIAL);
        // Not delete-before-replace: the successor is created first; retained: the outgoing key is not removed.
        expect(keyCredential.options.deleteBeforeReplace).toBe(false);
        expect(keyCredential.options.retainOnDelete).toBe(true);
        expect(keyCredential.inputs.endDate).toBe("2026-06-30T00:00:00Z");
    });

    test("the certificate waits for the configured manager's Certificates Officer grant; readers get Secrets User on its secret only", () => {
        const grants = credentialVaultResources(run, ROLE_ASSIGNMENT);
        const officer = grants.find((grant) => grant.name === "client-credentials-certificates-officer")!;
        // Pulumi.dev.yaml's poolCertificateManager: the same principal whoever deploys, never the deployer itself.
        expect(officer.inputs.principalId).toBe("77777777-8888-4999-8aaa-bbbbbbbbbbbb");
        expect(officer.inputs.principalId).not.toBe(FAKE_DEPLOYER_OBJECT_ID);
        const reader = grants.find((grant) => grant.inputs.principalId === READER.principalId)!;
        expect(reader.inputs.roleDefinitionId).toMatch(new RegExp(`${KEY_VAULT_SECRETS_USER_ROLE}$`));
        expect(reader.inputs.scope).toMatch(new RegExp(`/vaults/${CREDENTIAL_VAULT_NAME}/secrets/${CLIENT_CERTIFICATE_NAME}$`));
        expect(reader.inputs.principalType).toBe("ServicePrincipal");
        const certificate = findResource(run, CERTIFICATE, "client-credentials-certificate");
        expect(certificate.dependencies).toContain(findResource(run, "pulumi-nodejs:dynamic/batch-entra:GrantPropagationWait", "client-credentials-grant-propagation").urn);
    });

    test("it assigns two roles: the manager's Certificates Officer and the reader's Secrets User", () => {
        const roles = credentialVaultResources(run, ROLE_ASSIGNMENT).map((grant) => String(grant.inputs.roleDefinitionId).split("/").pop());
        expect(roles.sort()).toEqual([KEY_VAULT_SECRETS_USER_ROLE, KEY_VAULT_CERTIFICATES_OFFICER_ROLE].sort());
    });

    test("the vault is RBAC-only, soft-deletes and is purge-protected", () => {
        const [vault] = credentialVaultResources(run, VAULT);
        expect(vault.inputs.vaultName).toBe(CREDENTIAL_VAULT_NAME);
        expect(vault.inputs.properties).toMatchObject({ enableRbacAuthorization: true, enableSoftDelete: true, enablePurgeProtection: true });
    });

    test("the certificate's private key never enters inputs, outputs or state", () => {
        const certificate = findResource(run, CERTIFICATE, "client-credentials-certificate");
        // Given no `certificate` block, the provider generates the key in the vault and reads back only the public part.
        expect(certificate.inputs.certificate).toBeUndefined();
        const everything = JSON.stringify({ resources: run.resources, outputs: run.outputs });
        expect(everything).not.toMatch(/PRIVATE KEY|BEGIN RSA/);
    });
});

describe("clientCredential: none", () => {
    test("declares neither a password nor a key credential, and publishes no secret", async () => {
        const run = await runWith({ clientCredential: "none", workloadIdentities: [AKS] });
        expect(resourcesOfType(run, PASSWORD)).toEqual([]);
        expect(resourcesOfType(run, KEY_CREDENTIAL)).toEqual([]);
        expect(resourcesOfType(run, CERTIFICATE).filter((resource) => resource.name.startsWith("client-credentials"))).toEqual([]);
        expect(run.outputs.clientSecret).toBeUndefined();
        expect(run.secretOutputs).toEqual([]);
        expect(run.outputs.clientCredential).toBe("none");
    });
});

describe("clientSecretKeyVault: true", () => {
    let run: OfflineRun;
    beforeAll(async () => {
        run = await runWith({ clientSecretKeyVault: true, clientCredentialReaders: [READER] });
    });

    test("declares one Key Vault secret with the client secret's expiry and a content type, after the password", () => {
        const [secret] = resourcesOfType(run, SECRET);
        expect(secret.inputs.secretName).toBe(CLIENT_SECRET_NAME);
        expect(secret.inputs.vaultName).toBe(CREDENTIAL_VAULT_NAME);
        expect(secret.inputs.properties.contentType).toBe("text/plain");
        // The password's endDate (FAKE_NOW + 180 days) as Key Vault's epoch seconds.
        expect(secret.inputs.properties.attributes.expires).toBe(Date.parse(run.outputs.clientSecretExpiresAt) / 1000);
        expect(run.outputs.clientSecretExpiresAt).toBe("2026-06-30T00:00:00Z");
        // Successor first: the Key Vault version is written from the new password, so it waits for it.
        expect(secret.dependencies).toContain(resourcesOfType(run, PASSWORD)[0].urn);
        // A rotation replaces the password (successor first) and updates this secret in place: a new version under
        // the same name, so the versionless URL never changes and no delete ever removes the current value.
        expect(resourcesOfType(run, PASSWORD)[0].options).toMatchObject({ deleteBeforeReplace: false, retainOnDelete: true });
        expect(secret.options).toMatchObject({ deleteBeforeReplace: false, replaceOnChanges: [] });
        expect(run.outputs.clientSecretKeyVaultUrl).toBe(`https://${CREDENTIAL_VAULT_NAME}.vault.azure.net/secrets/${CLIENT_SECRET_NAME}`);
        expect(run.outputs.clientSecret).toBeDefined();
    });

    test("readers get Key Vault Secrets User on that secret only", () => {
        const grants = credentialVaultResources(run, ROLE_ASSIGNMENT);
        expect(grants).toHaveLength(1);
        expect(grants[0].inputs.scope).toMatch(new RegExp(`/vaults/${CREDENTIAL_VAULT_NAME}/secrets/${CLIENT_SECRET_NAME}$`));
        expect(grants[0].inputs.roleDefinitionId).toMatch(new RegExp(`${KEY_VAULT_SECRETS_USER_ROLE}$`));
        expect(grants[0].dependencies).toContain(resourcesOfType(run, SECRET)[0].urn);
    });
});

describe("workloadIdentities", () => {
    test("two entries declare two federated credentials with the default audience", async () => {
        const run = await runWith({ workloadIdentities: [AKS, { ...GITHUB, audiences: ["api://AzureADTokenExchange"] }] });
        const credentials = resourcesOfType(run, FEDERATED);
        expect(credentials.map((credential) => credential.inputs.displayName).sort()).toEqual(["aks-submitter", "github-jobs"]);
        for (const credential of credentials) {
            expect(credential.inputs.audiences).toEqual(["api://AzureADTokenExchange"]);
        }
        expect(credentials.find((credential) => credential.inputs.displayName === "aks-submitter")!.inputs).toMatchObject({ issuer: AKS.issuer, subject: AKS.subject });
    });
});

describe("expiryAlertEmails", () => {
    test("declares an Event Grid subscription on the vault for the expiry events, to an action group mailing the addresses", async () => {
        const run = await runWith({ clientSecretKeyVault: true, expiryAlertEmails: ["platform@contoso.com", "oncall@contoso.com"] });
        const [group] = resourcesOfType(run, ACTION_GROUP);
        expect(group.inputs.emailReceivers.map((receiver: any) => receiver.emailAddress)).toEqual(["platform@contoso.com", "oncall@contoso.com"]);
        expect(group.inputs.groupShortName.length).toBeLessThanOrEqual(12);
        const [topic] = resourcesOfType(run, SYSTEM_TOPIC);
        expect(topic.inputs.topicType).toBe("Microsoft.KeyVault.vaults");
        expect(topic.inputs.source).toMatch(new RegExp(`/vaults/${CREDENTIAL_VAULT_NAME}$`));
        const [subscription] = resourcesOfType(run, EVENT_SUBSCRIPTION);
        expect(subscription.inputs.filter.includedEventTypes).toEqual(EXPIRY_EVENT_TYPES);
        expect(subscription.inputs.destination).toMatchObject({ endpointType: "MonitorAlert", actionGroups: [expect.stringContaining("actionGroups/")] });
        expect(subscription.dependencies).toEqual(expect.arrayContaining([topic.urn, group.urn]));
    });
});

describe("bad values are rejected with their key named and nothing declared", () => {
    const cases: [string, Record<string, unknown>, string][] = [
        ["an unknown mode", { clientCredential: "password" }, "clientCredential"],
        ["a Key Vault secret without a secret", { clientCredential: "certificate", clientSecretKeyVault: true }, "clientSecretKeyVault"],
        ["clientSecretKeyVault not a boolean", { clientSecretKeyVault: "yes" }, "clientSecretKeyVault"],
        ["readers with nothing delivered", { clientCredentialReaders: [READER] }, "clientCredentialReaders"],
        ["readers not a list of objects", { clientSecretKeyVault: true, clientCredentialReaders: ["x"] }, "clientCredentialReaders"],
        ["a reader ID that is not a GUID", { clientSecretKeyVault: true, clientCredentialReaders: [{ ...READER, principalId: "bob" }] }, "clientCredentialReaders[0].principalId"],
        ["a reader type Azure does not know", { clientSecretKeyVault: true, clientCredentialReaders: [{ ...READER, principalType: "App" }] }, "clientCredentialReaders[0].principalType"],
        ["an unknown reader field", { clientSecretKeyVault: true, clientCredentialReaders: [{ ...READER, role: "Owner" }] }, "clientCredentialReaders[0].role"],
        ["a reader listed twice", { clientSecretKeyVault: true, clientCredentialReaders: [READER, READER] }, "clientCredentialReaders"],
        ["an http issuer", { workloadIdentities: [{ ...AKS, issuer: "http://issuer.contoso.com" }] }, "workloadIdentities[0].issuer"],
        ["an issuer with a query", { workloadIdentities: [{ ...AKS, issuer: "https://issuer.contoso.com/?x=1" }] }, "workloadIdentities[0].issuer"],
        ["a GitHub subject without repo:", { workloadIdentities: [{ ...GITHUB, subject: "contoso/batch-jobs" }] }, "workloadIdentities[0].subject"],
        ["an AKS subject that is no service account", { workloadIdentities: [{ ...AKS, subject: "jobs/batch-submitter" }] }, "workloadIdentities[0].subject"],
        ["a wildcard subject", { workloadIdentities: [{ ...GITHUB, subject: "repo:contoso/*:ref:refs/heads/main" }] }, "workloadIdentities[0].subject"],
        ["a bad name", { workloadIdentities: [{ ...AKS, name: "a b" }] }, "workloadIdentities[0].name"],
        ["two audiences", { workloadIdentities: [{ ...AKS, audiences: ["a", "b"] }] }, "workloadIdentities[0].audiences"],
        ["an unknown field", { workloadIdentities: [{ ...AKS, audience: "a" }] }, "workloadIdentities[0].audience"],
        ["a duplicate issuer and subject", { workloadIdentities: [AKS, { ...AKS, name: "aks-other" }] }, "workloadIdentities"],
        ["a duplicate name", { workloadIdentities: [AKS, { ...GITHUB, name: AKS.name }] }, "workloadIdentities"],
        [
            "more than 20",
            { workloadIdentities: Array.from({ length: 21 }, (_, index) => ({ ...GITHUB, name: `gh-${index}`, subject: `repo:contoso/r${index}:ref:refs/heads/main` })) },
            "workloadIdentities",
        ],
        ["a bad email", { expiryAlertEmails: ["platform-team"] }, "expiryAlertEmails[0]"],
        ["an address twice, in another case", { clientSecretKeyVault: true, expiryAlertEmails: ["a@contoso.com", "A@Contoso.com"] }, "expiryAlertEmails"],
        ["alerts with nothing that expires", { clientCredential: "none", expiryAlertEmails: ["a@contoso.com"] }, "expiryAlertEmails"],
        ["a certificate without a configured manager", { clientCredential: "certificate", pools: [], poolCertificateManager: undefined }, "poolCertificateManager"],
        [
            "a certificate from CI, which has no data-plane right on the credential vault",
            { clientCredential: "certificate", pipelineIdentity: true, pipelineRepository: "contoso/batch-entra" },
            "clientCredential",
        ],
        ["an overlap a certificate cannot renew in", { clientCredential: "certificate", clientSecretLifetimeDays: 30, clientSecretOverlapDays: 29 }, "clientSecretOverlapDays"],
    ];
    test.each(cases)("%s", async (_title, overrides, key) => {
        await expectRejected(overrides, key);
    });

    test("accepted values: 20 workloads, any https OIDC issuer, all three reader types", async () => {
        const run = await runWith({
            clientSecretKeyVault: true,
            clientCredentialReaders: ["User", "Group", "ServicePrincipal"].map((principalType, index) => ({ principalId: `0f3c5d2e-0000-4000-8000-00000000000${index}`, principalType })),
            workloadIdentities: [
                ...Array.from({ length: 19 }, (_, index) => ({ ...GITHUB, name: `gh-${index}`, subject: `repo:contoso/r${index}:ref:refs/heads/main` })),
                { name: "other-oidc", issuer: "https://idp.contoso.com/oidc", subject: "batch-worker-7" },
            ],
        });
        expect(resourcesOfType(run, FEDERATED)).toHaveLength(20);
        expect(credentialVaultResources(run, ROLE_ASSIGNMENT)).toHaveLength(3);
    });
});

describe("WorkloadIdentities used as a library refuses what the workloadIdentities reader refuses, in its words", () => {
    const AUDIENCE = ["api://AzureADTokenExchange"];
    test.each([
        ["identities[0].name", "a one-letter name", [{ ...AKS, name: "x" }]],
        ["identities[0].issuer", "an http issuer", [{ ...AKS, issuer: "http://issuer.contoso.com" }]],
        ["identities[0].subject", "an AKS issuer's subject that is no service account", [{ ...AKS, subject: "jobs:batch-submitter" }]],
        ["identities[0].audiences", "two audiences", [{ ...AKS, audiences: [...AUDIENCE, "api://other"] }]],
        ["identities", "an issuer and subject pair twice", [AKS, { ...AKS, name: "aks-other" }]],
        ["identities", "a name twice", [AKS, { ...GITHUB, name: AKS.name }]],
        ["identities", "21 entries", Array.from({ length: 21 }, (_, index) => ({ ...GITHUB, name: `gh-${index}`, subject: `repo:contoso/r${index}:ref:refs/heads/main` }))],
    ])("%s: %s", async (arg, _scenario, identities) => {
        const { message, resources } = await libraryRefusal(() => new WorkloadIdentities("w", { applicationId: "/applications/x", identities }));
        expect(resources.filter((resource) => resource.custom)).toEqual([]);
        const { problem } = await expectRejected({ workloadIdentities: identities }, arg.replace("identities", "workloadIdentities"));
        expect(message).toContain(`${arg}: ${problem.problem}`);
    });

    test("good identities declare one credential each, with the default audience when none is given", async () => {
        const good = await runOffline({ config: {}, program: async () => (new WorkloadIdentities("w", { applicationId: "/applications/x", identities: [AKS, GITHUB] }), {}) });
        expect(resourcesOfType(good, FEDERATED).map((credential) => credential.inputs.audiences)).toEqual([AUDIENCE, AUDIENCE]);
    });
});

describe("ClientCredentialVault used as a library refuses bad args before declaring anything", () => {
    const base = { resourceGroupName: "rg", location: "westeurope", vaultName: "kv-test-creds" };
    const certificate = { applicationId: "/applications/x", subject: "CN=x", validityMonths: 6, renewDaysBeforeExpiry: 30 };
    const manager = { principalId: FAKE_DEPLOYER_OBJECT_ID, principalType: "User" as const };
    const secret = { value: "s3cret", expiresAt: "2027-01-01T00:00:00Z" };
    const refused = async (args: Partial<ClientCredentialVaultArgs>) => {
        const { message, resources } = await libraryRefusal(() => new ClientCredentialVault("v", { ...base, ...args }));
        expect(resources.filter((resource) => resource.custom)).toEqual([]);
        return message;
    };

    test("certificateManager: required with a certificate", async () => {
        expect(await refused({ certificate })).toContain("certificateManager: is required with certificate: someone must be allowed to create it");
    });

    test("certificate.renewDaysBeforeExpiry: inside the shortest validity, in the words clientSecretOverlapDays is refused in", async () => {
        expect(await refused({ certificateManager: manager, certificate: { ...certificate, validityMonths: 1 } })).toContain(
            "certificate.renewDaysBeforeExpiry: 30 days of overlap do not fit a 1-month certificate: Key Vault renews only less than 27 days before expiry",
        );
    });

    test.each([
        ["readers[0].principalId", [{ principalId: "not-a-guid", principalType: "User" }]],
        ["readers[0].principalType", [{ ...READER, principalType: "Robot" }]],
        ["readers", [READER, { ...READER, principalId: READER.principalId.toUpperCase() }]],
    ])("%s: refused as clientCredentialReaders is", async (arg, readers) => {
        const message = await refused({ clientSecret: secret, readers: readers as ClientCredentialVaultArgs["readers"] });
        const { problem } = await expectRejected({ clientSecretKeyVault: true, clientCredentialReaders: readers }, arg.replace("readers", "clientCredentialReaders"));
        expect(message).toContain(`${arg}: ${problem.problem}`);
    });

    test("readers: refused when nothing is delivered to them", async () => {
        expect(await refused({ readers: [READER as ClientCredentialReader] })).toContain("readers: names readers, but nothing is delivered to Key Vault");
    });

    test("expiryAlertEmails: each an address, as the expiryAlertEmails key's, and at most 1000", async () => {
        const { problem } = await expectRejected({ clientSecretKeyVault: true, expiryAlertEmails: ["ops@contoso.com", "ops"] }, "expiryAlertEmails[1]");
        expect(await refused({ expiryAlertEmails: ["ops@contoso.com", "ops"] })).toContain(`expiryAlertEmails[1]: ${problem.problem}`);
        const many = Array.from({ length: 1001 }, (_, index) => `ops${index}@contoso.com`);
        expect(await refused({ expiryAlertEmails: many })).toContain("expiryAlertEmails: lists 1001 entries; an Azure Monitor action group takes at most 1000 email receivers");
    });
});

describe("verify's inputs from a stack without a secret", () => {
    test("a certificate or none stack points to --from-key-vault instead of reporting a missing clientSecret", () => {
        const outputs = { tenantId: "t", clientId: "c", batchAccountUrl: "https://a.westeurope.batch.azure.com", clientCredential: "certificate" };
        expect(() => inputsFromStackOutputs(outputs, 'stack "dev"', {}, true)).toThrow(/clientCredential "certificate", so no client secret: use --from-key-vault/);
        expect(inputsFromStackOutputs({ ...outputs, clientCertificateKeyVaultUrl: "https://kv.vault.azure.net/secrets/batch-client-certificate" }, "s", {}, false).keyVaultSecretUrl).toBe(
            "https://kv.vault.azure.net/secrets/batch-client-certificate",
        );
    });
});
