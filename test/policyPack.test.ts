import * as batch from "@pulumi/azure-native/batch";
import type { ResourceValidationPolicy } from "@pulumi/policy";
import * as fs from "fs";
import * as yaml from "js-yaml";
import * as path from "path";
import { policies } from "../policies/policies";
import { runOffline } from "../tools/offlineRuntime";
import { main as plan } from "../tools/plan";
import { evaluatePolicies, hasMandatoryViolation, offlinePolicyConfig } from "../tools/policyRunner";
import { listStacks, loadStackConfig } from "../tools/stackConfig";
import { PROJECT_DIR, tempDir } from "./helpers";
import { UNKNOWN, declared } from "./policyHelpers";

const resourcePolicies = policies.filter((policy): policy is ResourceValidationPolicy => "validateResource" in policy);

/** Every provider type some policy checks, with the inputs a minimal declaration of it would have. */
const CHECKED_TYPES: Record<string, Record<string, unknown>> = {
    "azure-native:batch:BatchAccount": { resourceGroupName: "rg", allowedAuthenticationModes: ["AAD"], publicNetworkAccess: "Disabled" },
    "azure-native:batch:Pool": {
        accountName: "batch",
        identity: { type: "UserAssigned", userAssignedIdentities: ["/id"] },
        deploymentConfiguration: { virtualMachineConfiguration: { extensions: [{ publisher: "Microsoft.Azure.KeyVault", type: "KeyVaultForLinux", name: "kv" }] } },
    },
    "azure-native:authorization:RoleAssignment": { principalId: "p", principalType: "User", roleDefinitionId: "r", scope: "/s" },
    "azure-native:authorization:RoleDefinition": { roleName: "Azure Batch Custom Job Submitter", permissions: [{ actions: ["*"] }], scope: "/s" },
    "azure-native:keyvault:Vault": { properties: { enablePurgeProtection: true } },
    "azure-native:keyvault:Secret": { properties: { attributes: { expires: 1782777600 } } },
    "azuread:index/applicationPassword:ApplicationPassword": { applicationId: "/applications/a", endDate: "2026-06-30T00:00:00Z" },
    "azuread:index/servicePrincipalPassword:ServicePrincipalPassword": { servicePrincipalId: "s", endDate: "2026-06-30T00:00:00Z" },
    "azuread:index/servicePrincipalDelegatedPermissionGrant:ServicePrincipalDelegatedPermissionGrant": { claimValues: ["user_impersonation"] },
    "azuread:index/application:Application": { signInAudience: "AzureADMyOrg", fallbackPublicClientEnabled: false, web: {} },
    "azuread:index/applicationRegistration:ApplicationRegistration": { signInAudience: "AzureADMyOrg", implicitIdTokenIssuanceEnabled: false },
    "azuread:index/applicationFallbackPublicClient:ApplicationFallbackPublicClient": { applicationId: "/applications/a", enabled: false },
};

/** A stack policy about what a lone secret lacks (no Key Vault copy, no alert), not about the values it reads. */
const STACK_WITHOUT_SECRET_DELIVERY = "client-secret-delivered-or-watched";

describe("the policy pack", () => {
    test("every policy has a unique name, a description, remediation steps, a doc link and an explicit enforcement level", () => {
        const names = policies.map((policy) => policy.name);
        expect(new Set(names).size).toBe(names.length);
        for (const policy of policies) {
            expect(policy.description.length).toBeGreaterThan(40);
            expect(policy.remediationSteps?.length ?? 0).toBeGreaterThan(40);
            expect(policy.url).toMatch(/^https:\/\/learn\.microsoft\.com\//);
            expect(["mandatory", "advisory"]).toContain(policy.enforcementLevel);
        }
        expect(policies.filter((policy) => policy.enforcementLevel === "advisory").map((policy) => policy.name).sort()).toEqual([
            "admin-consent-granted",
            "app-registration-implicit-grant",
            "app-registration-multi-tenant",
            "app-registration-public-client-flows",
            "batch-account-key-vault-diagnostic-settings",
            "batch-account-public-network-access",
            "batch-pool-public-ips-private-account",
            "client-secret-delivered-or-watched",
            "key-vault-public-network-access",
            "key-vault-rbac-permission-model",
            "role-assignment-broad-batch-role",
        ]);
    });

    test("thresholds are policy config with documented defaults", () => {
        const schemaOf = (name: string) => policies.find((policy) => policy.name === name)?.configSchema?.properties;
        expect(schemaOf("client-secret-expiry")?.maxSecretLifetimeDays).toMatchObject({ type: "integer", default: 730 });
        expect(schemaOf("client-secret-expiry")?.referenceDate).toMatchObject({ type: "string", format: "date-time" });
        expect(schemaOf("batch-account-task-authentication-token")?.allowTaskAuthenticationToken).toMatchObject({ type: "boolean", default: false });
        expect(schemaOf("role-assignment-no-privileged-roles")?.additionalForbiddenRoleDefinitionIds).toMatchObject({ type: "array", default: [] });
        expect(schemaOf("job-submitter-role-no-pool-writes")?.allowAutopool).toMatchObject({ type: "boolean", default: false });
    });

    test("the pack's own package pins the SDK versions the project uses", () => {
        const root = JSON.parse(fs.readFileSync(path.join(PROJECT_DIR, "package.json"), "utf8"));
        const pack = JSON.parse(fs.readFileSync(path.join(PROJECT_DIR, "policies", "package.json"), "utf8"));
        expect(pack.version).toBe("0.1.0");
        expect(pack.dependencies["@pulumi/policy"]).toBe(root.devDependencies["@pulumi/policy"]);
        expect(pack.dependencies["@pulumi/pulumi"]).toBe(root.devDependencies["@pulumi/pulumi"]);
        expect(pack.devDependencies.typescript).toBe(root.devDependencies.typescript);
        const descriptor = yaml.load(fs.readFileSync(path.join(PROJECT_DIR, "policies", "PulumiPolicy.yaml"), "utf8")) as Record<string, string>;
        expect(descriptor.runtime).toBe("nodejs");
        expect(descriptor.description.length).toBeGreaterThan(20);
    });

    test("the policies load without @pulumi/policy at run time, so importing them starts no analyzer server", () => {
        // The mock outlives isolateModules; files run after this one in the same registry (npm test) load the real one.
        try {
            jest.isolateModules(() => {
                jest.doMock("@pulumi/policy", () => {
                    throw new Error("policies.ts must not load @pulumi/policy at run time");
                });
                const isolated = require("../policies/policies") as typeof import("../policies/policies");
                expect(isolated.policies.map((policy) => policy.name)).toEqual(policies.map((policy) => policy.name));
            });
        } finally {
            jest.dontMock("@pulumi/policy");
        }
    });
});

describe("unknown values during preview", () => {
    test("no policy crashes on a resource declared with no properties", async () => {
        for (const type of Object.keys(CHECKED_TYPES)) {
            await expect(evaluatePolicies([declared(type, "bare", {})])).resolves.toBeDefined();
            for (const policy of resourcePolicies) {
                const validations = [policy.validateResource ?? []].flat();
                for (const validate of validations) {
                    const args = { type, props: undefined, urn: "urn", name: "bare", getConfig: () => ({}) } as any;
                    expect(() => validate(args, () => undefined)).not.toThrow();
                }
            }
        }
    });

    test("a resource whose every input is unknown gets preview advisories, never a mandatory violation or a crash", async () => {
        for (const [type, inputs] of Object.entries(CHECKED_TYPES)) {
            const unknownInputs = Object.fromEntries(Object.keys(inputs).map((key) => [key, UNKNOWN]));
            const report = await evaluatePolicies([declared(type, "unknown", unknownInputs)]);
            expect(hasMandatoryViolation(report)).toBe(false);
            // A missing diagnostic setting is a finding about the stack, whatever the resource's inputs are.
            const previewViolations = report.violations.filter(
                (violation) => violation.policy !== STACK_WITHOUT_SECRET_DELIVERY && violation.policy !== "batch-account-key-vault-diagnostic-settings",
            );
            // Every checked type has at least one policy that reads an input, so the unknown must have been hit.
            expect(previewViolations.length).toBeGreaterThan(0);
            for (const violation of previewViolations) {
                expect(violation.message).toMatch(/^can't run policy '.*' from policy pack 'batch-entra-guardrails@v0\.1\.0' during preview: \w+ value at \.\w+ can't be known during preview$/);
            }
        }
    });

    test("an unknown end date counts as set: the secret is checked again when the update resolves it", async () => {
        const report = await evaluatePolicies([declared("azuread:index/applicationPassword:ApplicationPassword", "secret", { endDate: UNKNOWN })]);
        expect(report.violations.filter((violation) => violation.policy !== STACK_WITHOUT_SECRET_DELIVERY).map((violation) => [violation.enforcement, violation.message])).toEqual([
            ["advisory", "can't run policy 'client-secret-expiry' from policy pack 'batch-entra-guardrails@v0.1.0' during preview: string value at .endDate can't be known during preview"],
        ]);
    });

    test("unknown values nested deep in a pool's extension settings do not crash the stack policy", async () => {
        const pool = declared("azure-native:batch:Pool", "pool", {
            identity: { type: "UserAssigned", userAssignedIdentities: [UNKNOWN] },
            deploymentConfiguration: {
                virtualMachineConfiguration: {
                    extensions: [{ publisher: "Microsoft.Azure.KeyVault", type: "KeyVaultForLinux", settings: { authenticationSettings: { msiClientId: UNKNOWN } } }],
                },
            },
        });
        const report = await evaluatePolicies([pool]);
        expect(hasMandatoryViolation(report)).toBe(false);
        expect(report.violations.map((violation) => violation.policy).sort()).toEqual([
            "batch-pool-extension-identity-attached",
            "batch-pool-key-vault-extension",
        ]);
    });
});

describe("stacks the repository ships", () => {
    test.each(listStacks(PROJECT_DIR))("Pulumi.%s.yaml passes every mandatory policy", async (stack) => {
        const stackConfig = loadStackConfig(PROJECT_DIR, stack);
        const run = await runOffline({ config: stackConfig.config, project: stackConfig.project, stack });
        const report = await evaluatePolicies(run.resources, { config: offlinePolicyConfig() });
        expect(report.resourceCount).toBe(run.resources.length);
        expect(report.violations.filter((violation) => violation.enforcement === "mandatory")).toEqual([]);
    });

    test("the example stack, which allows public client flows, gets that advisory and no other app-registration one", async () => {
        const stackConfig = loadStackConfig(PROJECT_DIR, "dev");
        expect(stackConfig.config["batch-entra:allowPublicClientFlows"]).toBe("true");
        const run = await runOffline({ config: stackConfig.config, project: stackConfig.project, stack: "dev" });
        const report = await evaluatePolicies(run.resources, { config: offlinePolicyConfig() });
        const appAdvisories = report.violations.filter((violation) => violation.policy.startsWith("app-registration-"));
        expect(appAdvisories).toEqual([
            expect.objectContaining({
                policy: "app-registration-public-client-flows",
                enforcement: "advisory",
                resourceType: "azuread:index/application:Application",
            }),
        ]);
        expect(hasMandatoryViolation(report)).toBe(false);
    });

    test("a stack that opts into autopool job submitters needs allowAutopool in the policy config too", async () => {
        const stackConfig = loadStackConfig(PROJECT_DIR, "dev");
        const run = await runOffline({
            config: { ...stackConfig.config, "batch-entra:jobSubmitterAllowsAutopool": "true" },
            project: stackConfig.project,
            stack: "dev",
        });
        const refused = await evaluatePolicies(run.resources, { config: offlinePolicyConfig() });
        expect(refused.violations.filter((violation) => violation.enforcement === "mandatory")).toEqual([
            expect.objectContaining({ policy: "job-submitter-role-no-pool-writes", resourceType: "azure-native:authorization:RoleDefinition" }),
        ]);
        const allowed = await evaluatePolicies(run.resources, {
            config: offlinePolicyConfig({ "job-submitter-role-no-pool-writes": { allowAutopool: true } }),
        });
        expect(hasMandatoryViolation(allowed)).toBe(false);
    });

    test("a resource added to the program by hand is held to the same policies", async () => {
        const run = await runOffline({
            config: loadStackConfig(PROJECT_DIR, "dev").config,
            program: async () => {
                new batch.BatchAccount("hand-added", { resourceGroupName: "rg", allowedAuthenticationModes: ["AAD", "SharedKey"] });
                return {};
            },
        });
        const report = await evaluatePolicies(run.resources, { config: offlinePolicyConfig() });
        expect(report.violations.filter((violation) => violation.enforcement === "mandatory")).toEqual([
            expect.objectContaining({ policy: "batch-account-no-shared-key", resourceName: "hand-added", resourceType: "azure-native:batch:BatchAccount" }),
        ]);
    });
});

describe("npm run plan", () => {
    let output: string[];
    beforeEach(() => {
        output = [];
        jest.spyOn(console, "log").mockImplementation((line: string) => void output.push(line));
        jest.spyOn(console, "error").mockImplementation((line: string) => void output.push(line));
    });
    afterEach(() => jest.restoreAllMocks());

    test("prints the policy verdict after the tree and exits 0 when no mandatory policy is violated", async () => {
        expect(await plan(["--stack", "dev"])).toBe(0);
        expect(output.join("\n")).toMatch(/Policies: batch-entra-guardrails \(24 policies over \d+ resources, offline\)/);
    });

    test("exits 3 and prints the violation with its resource and remediation when a mandatory policy is violated", async () => {
        const strict = path.join(tempDir("policy-config"), "strict.json");
        fs.writeFileSync(strict, JSON.stringify({ "client-secret-expiry": { maxSecretLifetimeDays: 90 } }));
        expect(await plan(["--stack", "dev", "--policy-config", strict])).toBe(3);
        const printed = output.join("\n");
        expect(printed).toContain("[mandatory] client-secret-expiry");
        expect(printed).toContain("resource: azuread:index/applicationPassword:ApplicationPassword  batch-client-secret");
        expect(printed).toContain("lives 180 days (endDate 2026-06-30T00:00:00Z, measured from referenceDate 2026-01-01T00:00:00Z), longer than the 90-day limit.");
        expect(printed).toMatch(/remediation: Give the secret an endDate/);
        expect(printed).toContain("1 mandatory policy violation(s); `pulumi preview --policy-pack policies` would fail too:");
    });

    test("a policy config naming a policy the pack does not have is a usage error", async () => {
        const wrong = path.join(tempDir("policy-config"), "wrong.json");
        fs.writeFileSync(wrong, JSON.stringify({ "client-secret-expiration": "advisory" }));
        expect(await plan(["--stack", "dev", "--policy-config", wrong])).toBe(2);
        expect(output.join("\n")).toContain("no policy named client-secret-expiration");
    });
});
