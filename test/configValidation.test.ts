import { ConfigValidationError } from "../config/problems";
import { CONFIG_NAMESPACE, readSettings } from "../config/settings";
import { expectRejected, runWith } from "./helpers";

describe("stack configuration is validated before any resource is declared", () => {
    test.each([
        ["cloud", { cloud: "azurestack" }, /not one of "public", "usgovernment", "china"/],
        ["signInAudience", { signInAudience: "PersonalMicrosoftAccount" }, /not one of "AzureADMyOrg", "AzureADMultipleOrgs"/],
        ["appDisplayName", { appDisplayName: "x".repeat(121) }, /1 to 120 characters/],
        ["appOwners[0]", { appOwners: ["alice@contoso.com"] }, /not an object ID \(a GUID\)/],
        ["appOwners", { appOwners: "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9" }, /not a list or object/],
        ["webRedirectUris[0]", { webRedirectUris: ["http://portal.contoso.com/signin"] }, /must use https/],
        ["webRedirectUris[0]", { webRedirectUris: ["https://*.contoso.com/signin"] }, /wildcard/],
        ["webRedirectUris[0]", { webRedirectUris: ["/signin-oidc"] }, /not an absolute URI/],
        ["webRedirectUris[0]", { webRedirectUris: ["https://portal.contoso.com"] }, /add a trailing slash \("https:\/\/portal.contoso.com\/"\)/],
        ["spaRedirectUris[0]", { spaRedirectUris: ["http://localhost:3000"] }, /has no path/],
        ["spaRedirectUris[0]", { spaRedirectUris: ["https://app.contoso.com/#/callback"] }, /fragment/],
        ["spaRedirectUris", { spaRedirectUris: ["https://a.contoso.com/", "https://a.contoso.com/"] }, /more than once/],
        ["publicClientRedirectUris[0]", { publicClientRedirectUris: ["http://desktop.contoso.com"] }, /custom scheme, or http:\/\/localhost/],
        ["webRedirectUris[0]", { webRedirectUris: [`https://contoso.com/${"a".repeat(260)}`] }, /longer than 256/],
        ["webRedirectUris", { webRedirectUris: [42] }, /list of strings/],
        ["allowPublicClientFlows", { allowPublicClientFlows: "yes" }, /not a boolean/],
        ["grantAdminConsent", { grantAdminConsent: "1" }, /not a boolean/],
        ["clientSecretLifetimeDays", { clientSecretLifetimeDays: "never" }, /client secrets must expire/],
        ["clientSecretLifetimeDays", { clientSecretLifetimeDays: "0" }, /client secrets must expire/],
        ["clientSecretLifetimeDays", { clientSecretLifetimeDays: "731" }, /outside 1\.\.730 \(at most 24 months/],
        ["clientSecretLifetimeDays", { clientSecretLifetimeDays: "6 months" }, /not a whole number/],
        ["clientSecretOverlapDays", { clientSecretLifetimeDays: "30", clientSecretOverlapDays: "30" }, /overlap must be shorter than the lifetime/],
        ["clientSecretOverlapDays", { clientSecretOverlapDays: "0" }, /outside 3\.\.729/],
        ["tags", { tags: ["env", "dev"] }, /map of tag names/],
        ["tags.owner", { tags: { owner: 7 } }, /tag values must be text/],
        ["tags.a/b", { tags: { "a/b": "x" } }, /cannot contain/],
        ["clientSecretLifetimDays", { clientSecretLifetimDays: "90" }, /did you mean "batch-entra:clientSecretLifetimeDays"/],
        ["azure-native:environment", { cloud: "usgovernment", "azuread:environment": "usgovernment" }, /unset \(public cloud\)/],
        ["publicNetworkAccess", { publicNetworkAccess: "Disabled" }, /node management endpoint/],
        ["azuread:environment", { cloud: "china", "azure-native:environment": "china", "azuread:environment": "global" }, /must name the same cloud/],
    ])("%s: %p is refused", async (key, overrides, message) => {
        const { problem } = await expectRejected(overrides, key);
        expect(problem.problem).toMatch(message);
    });

    test("all problems are reported together, each with its key and an example", async () => {
        try {
            readSettings(
                {
                    get: (key) =>
                        ({
                            "azure-native:location": "westeurope",
                            [`${CONFIG_NAMESPACE}:appOwners`]: '["0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9"]',
                            [`${CONFIG_NAMESPACE}:cloud`]: "mars",
                            [`${CONFIG_NAMESPACE}:clientSecretLifetimeDays`]: "1000",
                        })[key],
                    keys: () => [`${CONFIG_NAMESPACE}:appOwners`, `${CONFIG_NAMESPACE}:cloud`, `${CONFIG_NAMESPACE}:clientSecretLifetimeDays`],
                },
                { projectName: "batch-entra", stackName: "dev" },
            );
            throw new Error("expected a ConfigValidationError");
        } catch (error) {
            expect(error).toBeInstanceOf(ConfigValidationError);
            const { problems, message } = error as ConfigValidationError;
            expect(problems.map((p) => p.key)).toEqual(["batch-entra:cloud", "batch-entra:clientSecretLifetimeDays"]);
            expect(message).toContain("2 problems");
            expect(message).toContain("for example: public");
            expect(message).toContain("for example: 180");
        }
    });

    test.each([
        ["usgovernment", "usgovernment", "usgovernment", "usgovvirginia", "https://login.microsoftonline.us", "https://batch.core.usgovcloudapi.net/"],
        ["china", "china", "china", "chinanorth3", "https://login.chinacloudapi.cn", "https://batch.chinacloudapi.cn/"],
        ["public", undefined, undefined, "westeurope", "https://login.microsoftonline.com", "https://batch.core.windows.net/"],
    ])("the %s cloud gives clients its own authority and Batch resource", async (cloud, nativeEnv, adEnv, region, authority, resource) => {
        const run = await runWith({ cloud, "azure-native:environment": nativeEnv, "azuread:environment": adEnv, "azure-native:location": region });
        expect(run.outputs.authorityHost).toBe(authority);
        expect(run.outputs.authorityUrl).toBe(`${authority}/${run.outputs.tenantId}`);
        expect(run.outputs.batchResourceUri).toBe(resource);
        expect(run.outputs.batchScope).toBe(`${resource}/.default`);
        expect(run.outputs.batchUserImpersonationScope).toBe(`${resource}user_impersonation`);
    });

    test("empty values count as unset and take the default", async () => {
        const run = await runWith({ appDisplayName: "" });
        const app = run.resources.find((resource) => resource.type === "azuread:index/application:Application");
        expect(app?.inputs.displayName).toBe("batch-entra-dev");
    });
});
