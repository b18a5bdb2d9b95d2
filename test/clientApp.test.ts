import { AZURE_BATCH_API_APP_ID } from "../config/clouds";
import { FAKE_BATCH_API_OBJECT_ID, FAKE_DEPLOYER_OBJECT_ID, FAKE_NOW, FAKE_USER_IMPERSONATION_SCOPE_ID } from "../tools/fakeCloud";
import { findResource, resourcesOfType, runOffline } from "../tools/offlineRuntime";
import { addDays } from "../components/batchClientApp";
import { runWith } from "./helpers";

const APPLICATION = "azuread:index/application:Application";
const PASSWORD = "azuread:index/applicationPassword:ApplicationPassword";
const ROTATION = "time:index/rotating:Rotating";
const CONSENT = "azuread:index/servicePrincipalDelegatedPermissionGrant:ServicePrincipalDelegatedPermissionGrant";

describe("the Batch client app registration", () => {
    test("requests the delegated user_impersonation scope resolved from the Batch API's service principal", async () => {
        const run = await runWith();
        const app = findResource(run, APPLICATION, "batch-client-app");
        expect(app.inputs.requiredResourceAccesses).toEqual([
            {
                resourceAppId: AZURE_BATCH_API_APP_ID,
                resourceAccesses: [{ id: FAKE_USER_IMPERSONATION_SCOPE_ID, type: "Scope" }],
            },
        ]);
        const lookup = run.invokes.find((invoke) => invoke.token === "azuread:index/getServicePrincipal:getServicePrincipal");
        expect(lookup?.inputs).toEqual({ clientId: AZURE_BATCH_API_APP_ID });
    });

    test("is single-tenant, has no implicit grant, and lists exactly the configured owners (not whoever deploys)", async () => {
        const extraOwner = "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9";
        const run = await runWith({ appOwners: [extraOwner] });
        const app = findResource(run, APPLICATION, "batch-client-app");
        expect(app.inputs.signInAudience).toBe("AzureADMyOrg");
        expect(app.inputs.web.implicitGrant).toEqual({ accessTokenIssuanceEnabled: false, idTokenIssuanceEnabled: false });
        expect(app.inputs.owners).toEqual([extraOwner]);
        expect(app.inputs.owners).not.toContain(FAKE_DEPLOYER_OBJECT_ID);
        const sp = findResource(run, "azuread:index/servicePrincipal:ServicePrincipal", "batch-client-sp");
        expect(sp.inputs.owners).toEqual(app.inputs.owners);
    });

    test("puts each redirect URI on its platform and turns public-client flows on only when asked", async () => {
        const run = await runWith({
            webRedirectUris: ["https://portal.contoso.com/signin-oidc"],
            spaRedirectUris: ["http://localhost:3000/"],
            publicClientRedirectUris: ["msal00000000-1111-2222-3333-444444444444://auth"],
            allowPublicClientFlows: "false",
        });
        const app = findResource(run, APPLICATION, "batch-client-app");
        expect(app.inputs.web.redirectUris).toEqual(["https://portal.contoso.com/signin-oidc"]);
        expect(app.inputs.singlePageApplication.redirectUris).toEqual(["http://localhost:3000/"]);
        expect(app.inputs.publicClient.redirectUris).toEqual(["msal00000000-1111-2222-3333-444444444444://auth"]);
        expect(app.inputs.fallbackPublicClientEnabled).toBe(false);

        const example = await runWith();
        expect(findResource(example, APPLICATION, "batch-client-app").inputs.fallbackPublicClientEnabled).toBe(true);
    });

    test("the client secret expires after its lifetime and rotates before it, overlapping the outgoing one", async () => {
        const run = await runWith({ clientSecretLifetimeDays: "90", clientSecretOverlapDays: "14" });
        const rotation = findResource(run, ROTATION, "batch-client-secret-rotation");
        expect(rotation.inputs).toEqual({ rotationDays: 76 });
        const password = findResource(run, PASSWORD, "batch-client-secret");
        expect(password.inputs.endDate).toBe(addDays(FAKE_NOW, 90));
        expect(password.inputs.rotateWhenChanged).toEqual({ rotation: FAKE_NOW });
        expect(password.dependencies).toContain(rotation.urn);
        // The outgoing secret must outlive its replacement's creation: Pulumi keeps it in Entra ID on replacement.
        expect(password.options.retainOnDelete).toBe(true);
        expect(password.options.deleteBeforeReplace).toBe(false);
        expect(password.options.additionalSecretOutputs).toContain("value");
        expect(run.outputs.clientSecretRotatesAt).toBe(addDays(FAKE_NOW, 76));
        expect(run.outputs.clientSecretExpiresAt).toBe(addDays(FAKE_NOW, 90));
    });

    test("the default lifetime is 180 days with 30 days of overlap", async () => {
        const run = await runOffline({ config: { "azure-native:location": "westeurope", "batch-entra:appOwners": '["0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9"]' } });
        expect(findResource(run, ROTATION, "batch-client-secret-rotation").inputs.rotationDays).toBe(150);
        expect(findResource(run, PASSWORD, "batch-client-secret").inputs.endDate).toBe("2026-06-30T00:00:00Z");
    });

    test("admin consent is granted only when opted in, for user_impersonation on the Batch API", async () => {
        expect(resourcesOfType(await runWith(), CONSENT)).toHaveLength(0);
        const run = await runWith({ grantAdminConsent: "true" });
        const grant = findResource(run, CONSENT, "batch-client-batch-consent");
        expect(grant.inputs.claimValues).toEqual(["user_impersonation"]);
        expect(grant.inputs.resourceServicePrincipalObjectId).toBe(FAKE_BATCH_API_OBJECT_ID);
        const sp = findResource(run, "azuread:index/servicePrincipal:ServicePrincipal", "batch-client-sp");
        expect(grant.dependencies).toContain(sp.urn);
    });

    test("every child is parented to the component, whose type token is stable", async () => {
        const run = await runWith();
        const component = findResource(run, "batch-entra:app:BatchClientApp", "batch-client");
        for (const type of [APPLICATION, PASSWORD, ROTATION, "azuread:index/servicePrincipal:ServicePrincipal"]) {
            expect(resourcesOfType(run, type).every((resource) => resource.parent === component.urn)).toBe(true);
        }
    });
});

describe("addDays", () => {
    test("adds whole days to a timestamp and rejects what is not one", () => {
        expect(addDays("2026-01-31T10:00:00Z", 30)).toBe("2026-03-02T10:00:00Z");
        expect(() => addDays("soon", 1)).toThrow(/not an RFC 3339 timestamp/);
    });
});
