import type { StackValidationPolicy } from "@pulumi/policy";
import { fakeGuid } from "../tools/fakeCloud";
import { UNKNOWN, declared, messagesOf, policyNamed, violationsOf } from "./policyHelpers";

const BATCH_ACCOUNT = "azure-native:batch:BatchAccount";
const ROLE_ASSIGNMENT = "azure-native:authorization:RoleAssignment";
const ROLE_DEFINITION = "azure-native:authorization:RoleDefinition";
const APP_PASSWORD = "azuread:index/applicationPassword:ApplicationPassword";
const SP_PASSWORD = "azuread:index/servicePrincipalPassword:ServicePrincipalPassword";
const VAULT = "azure-native:keyvault:Vault";
const POOL = "azure-native:batch:Pool";
const IDENTITY = "azure-native:managedidentity:UserAssignedIdentity";
const CONSENT = "azuread:index/servicePrincipalDelegatedPermissionGrant:ServicePrincipalDelegatedPermissionGrant";
const APPLICATION = "azuread:index/application:Application";
const APPLICATION_REGISTRATION = "azuread:index/applicationRegistration:ApplicationRegistration";
const FALLBACK_PUBLIC_CLIENT = "azuread:index/applicationFallbackPublicClient:ApplicationFallbackPublicClient";

const SUBSCRIPTION_SCOPE = "/subscriptions/8c3f1c55-0000-4000-8000-00000000b47c";
const roleId = (guid: string) => `${SUBSCRIPTION_SCOPE}/providers/Microsoft.Authorization/roleDefinitions/${guid}`;
const OWNER = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635";
const USER_ACCESS_ADMIN = "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9";
const RBAC_ADMIN = "f58310d9-a9f6-439a-9e8d-f62e7b41a168";
const CONTRIBUTOR = "b24988ac-6180-42a0-ab88-20f7382dd24c";
const BATCH_JOB_SUBMITTER = "48e5e92e-a480-4e71-aa9c-2778f4c13781";

describe("batch-account-no-shared-key", () => {
    const account = (inputs: Record<string, unknown>) => declared(BATCH_ACCOUNT, "batch", { location: "westeurope", ...inputs });

    test("an Entra-only account passes", async () => {
        expect(await messagesOf("batch-account-no-shared-key", account({ allowedAuthenticationModes: ["AAD"] }))).toEqual([]);
    });

    test("unset modes count as shared key, the service default", async () => {
        expect(await messagesOf("batch-account-no-shared-key", account({}))).toEqual([
            expect.stringMatching(/allowedAuthenticationModes is unset.*shared-key authentication stays enabled/),
        ]);
    });

    test("SharedKey in the list is a mandatory violation", async () => {
        const [violation] = await violationsOf("batch-account-no-shared-key", account({ allowedAuthenticationModes: ["AAD", "SharedKey"] }));
        expect(violation.message).toBe(
            "allowedAuthenticationModes [AAD, SharedKey] includes SharedKey; account keys would bypass Entra ID and every role assignment.",
        );
        expect(violation.enforcement).toBe("mandatory");
        expect(violation.remediation).toMatch(/\["AAD"\]/);
        expect(violation.resourceName).toBe("batch");
    });

    test("a list without AAD leaves no way to sign in with Entra ID", async () => {
        expect(await messagesOf("batch-account-no-shared-key", account({ allowedAuthenticationModes: ["TaskAuthenticationToken"] }))).toEqual([
            "allowedAuthenticationModes [TaskAuthenticationToken] does not include AAD, so no client can sign in with Entra ID.",
        ]);
    });

    test("accounts declared with an explicit API version are checked too", async () => {
        const versioned = declared("azure-native:batch/v20240701:BatchAccount", "pinned", { allowedAuthenticationModes: ["SharedKey", "AAD"] });
        expect(await messagesOf("batch-account-no-shared-key", versioned)).toHaveLength(1);
    });
});

describe("batch-account-task-authentication-token", () => {
    const account = (modes: string[]) => declared(BATCH_ACCOUNT, "batch", { allowedAuthenticationModes: modes });

    test("AAD alone passes", async () => {
        expect(await messagesOf("batch-account-task-authentication-token", account(["AAD"]))).toEqual([]);
    });

    test("task tokens are refused unless the policy config allows them", async () => {
        expect(await messagesOf("batch-account-task-authentication-token", account(["AAD", "TaskAuthenticationToken"]))).toEqual([
            "allowedAuthenticationModes includes TaskAuthenticationToken, but the policy configuration does not allow it (allowTaskAuthenticationToken is false).",
        ]);
        const allowed = { "batch-account-task-authentication-token": { allowTaskAuthenticationToken: true } };
        expect(await messagesOf("batch-account-task-authentication-token", account(["AAD", "TaskAuthenticationToken"]), allowed)).toEqual([]);
    });
});

describe("custom roles", () => {
    const role = (roleName: string, permission: Record<string, string[]>) =>
        declared(ROLE_DEFINITION, "role", { roleName, scope: SUBSCRIPTION_SCOPE, assignableScopes: [SUBSCRIPTION_SCOPE], permissions: [permission] });
    const jobSubmitter = {
        actions: ["Microsoft.Batch/batchAccounts/read", "Microsoft.Batch/batchAccounts/pools/read"],
        dataActions: ["Microsoft.Batch/batchAccounts/jobs/*", "Microsoft.Batch/batchAccounts/jobSchedules/*"],
    };

    test("a job submitter role with named operations passes all three role policies", async () => {
        const resource = role("Azure Batch Custom Job Submitter", jobSubmitter);
        for (const policy of ["custom-role-no-wildcard-actions", "custom-role-no-rbac-writes", "job-submitter-role-no-pool-writes"]) {
            expect(await messagesOf(policy, resource)).toEqual([]);
        }
    });

    test("a wildcard action or data action is refused", async () => {
        expect(await messagesOf("custom-role-no-wildcard-actions", role("Batch Everything", { actions: ["*"], dataActions: ["*/read"] }))).toEqual([
            'custom role "Batch Everything" grants wildcard operations [*, */read], which cover every resource provider.',
        ]);
    });

    test("writing role assignments or definitions is refused, also through a provider wildcard", async () => {
        expect(await messagesOf("custom-role-no-rbac-writes", role("Delegator", { actions: ["Microsoft.Authorization/roleAssignments/write"] }))).toEqual([
            'custom role "Delegator" grants Microsoft.Authorization/roleAssignments/write.',
        ]);
        expect(await messagesOf("custom-role-no-rbac-writes", role("Auth admin", { actions: ["Microsoft.Authorization/*"] }))).toEqual([
            'custom role "Auth admin" grants Microsoft.Authorization/roleAssignments/write, Microsoft.Authorization/roleAssignments/delete, ' +
                "Microsoft.Authorization/roleDefinitions/write, Microsoft.Authorization/roleDefinitions/delete.",
        ]);
    });

    test("notActions that take the writes away again pass", async () => {
        const readOnly = role("Auth reader", {
            actions: ["Microsoft.Authorization/*"],
            notActions: ["Microsoft.Authorization/*/write", "Microsoft.Authorization/*/delete"],
        });
        expect(await messagesOf("custom-role-no-rbac-writes", readOnly)).toEqual([]);
    });

    const withPools = { ...jobSubmitter, actions: [...jobSubmitter.actions, "Microsoft.Batch/batchAccounts/pools/*"] };
    const allowAutopool = { "job-submitter-role-no-pool-writes": { allowAutopool: true } };

    test("a job submitter role may not write or delete pools by default, whatever its name says", async () => {
        expect(await messagesOf("job-submitter-role-no-pool-writes", role("Azure Batch Custom Job Submitter", withPools))).toEqual([
            'custom role "Azure Batch Custom Job Submitter" is a job-submission role (it grants the data action ' +
                "Microsoft.Batch/batchAccounts/jobs/write) and grants Microsoft.Batch/batchAccounts/pools/write, " +
                "Microsoft.Batch/batchAccounts/pools/delete, but the policy config does not allow autopools (allowAutopool is false).",
        ]);
        // The "(autopool)" name suffix the program uses is a label, not the opt-in.
        const [violation] = await violationsOf("job-submitter-role-no-pool-writes", role("Azure Batch Custom Job Submitter (autopool)", withPools));
        expect(violation.enforcement).toBe("mandatory");
        expect(violation.remediation).toContain('{"job-submitter-role-no-pool-writes": {"allowAutopool": true}}');
        expect(violation.remediation).toContain("--policy-pack-config <file>");
        expect(violation.remediation).toContain("npm run plan -- --policy-config <file>");
        expect(violation.remediation).toContain("jobSubmitterAllowsAutopool: true");
    });

    test("allowAutopool in the policy config lets a job submitter role write and delete pools", async () => {
        expect(await messagesOf("job-submitter-role-no-pool-writes", role("Azure Batch Custom Job Submitter (autopool)", withPools), allowAutopool)).toEqual([]);
        expect(await messagesOf("job-submitter-role-no-pool-writes", role("Jobs and pools", withPools), allowAutopool)).toEqual([]);
    });

    test("a renamed role is still a job-submission role when it grants jobs/* or jobs/write", async () => {
        expect(await messagesOf("job-submitter-role-no-pool-writes", role("Batch Workload Operator", withPools))).toEqual([
            expect.stringMatching(/^custom role "Batch Workload Operator" is a job-submission role \(it grants the data action Microsoft\.Batch\/batchAccounts\/jobs\/write\)/),
        ]);
        const writesJobs = role("Batch Workload Operator", {
            actions: ["Microsoft.Batch/batchAccounts/pools/write"],
            dataActions: ["microsoft.batch/batchaccounts/jobs/write"],
        });
        expect(await messagesOf("job-submitter-role-no-pool-writes", writesJobs)).toHaveLength(1);
        const providerWildcard = role("Batch Workload Operator", { actions: ["Microsoft.Batch/batchAccounts/pools/delete"], dataActions: ["Microsoft.Batch/*"] });
        expect(await messagesOf("job-submitter-role-no-pool-writes", providerWildcard)).toHaveLength(1);
    });

    test('a role named "Job Submitter" is caught even without job data actions', async () => {
        const poolsOnly = role("Contoso Job Submitter", { actions: ["Microsoft.Batch/batchAccounts/pools/write"] });
        expect(await messagesOf("job-submitter-role-no-pool-writes", poolsOnly)).toEqual([
            expect.stringContaining('is a job-submission role (its roleName contains "Job Submitter") and grants Microsoft.Batch/batchAccounts/pools/write,'),
        ]);
    });

    test("roles not meant for job submission may manage pools", async () => {
        const poolOperator = role("Batch Pool Operator", { actions: ["Microsoft.Batch/batchAccounts/pools/write"] });
        expect(await messagesOf("job-submitter-role-no-pool-writes", poolOperator)).toEqual([]);
        const readsJobs = role("Batch Pool Operator", {
            actions: ["Microsoft.Batch/batchAccounts/pools/*"],
            dataActions: ["Microsoft.Batch/batchAccounts/jobs/read"],
        });
        expect(await messagesOf("job-submitter-role-no-pool-writes", readsJobs)).toEqual([]);
        const jobWritesTakenAway = role("Batch Pool Operator", {
            actions: ["Microsoft.Batch/batchAccounts/pools/*"],
            dataActions: ["Microsoft.Batch/batchAccounts/jobs/*"],
            notDataActions: ["Microsoft.Batch/batchAccounts/jobs/write"],
        });
        expect(await messagesOf("job-submitter-role-no-pool-writes", jobWritesTakenAway)).toEqual([]);
    });
});

describe("role assignments", () => {
    const assignment = (inputs: Record<string, unknown>) =>
        declared(ROLE_ASSIGNMENT, "assignment", {
            scope: SUBSCRIPTION_SCOPE,
            principalId: "11111111-2222-4333-8444-555555555555",
            principalType: "ServicePrincipal",
            roleDefinitionId: roleId(BATCH_JOB_SUBMITTER),
            ...inputs,
        });
    const constrainRoles =
        "((!(ActionMatches{'Microsoft.Authorization/roleAssignments/write'})) OR " +
        `(@Request[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {${BATCH_JOB_SUBMITTER}}))`;

    test("an assignment with principalType passes", async () => {
        expect(await messagesOf("role-assignment-principal-type", assignment({}))).toEqual([]);
    });

    test("an assignment without principalType is refused", async () => {
        expect(await messagesOf("role-assignment-principal-type", assignment({ principalType: undefined }))).toEqual([
            expect.stringContaining("principalType is unset"),
        ]);
    });

    test("narrow roles pass", async () => {
        expect(await messagesOf("role-assignment-no-privileged-roles", assignment({}))).toEqual([]);
        expect(await messagesOf("role-assignment-no-privileged-roles", assignment({ roleDefinitionId: roleId(CONTRIBUTOR) }))).toEqual([]);
    });

    test("Owner and User Access Administrator are refused, by full ID or bare GUID", async () => {
        expect(await messagesOf("role-assignment-no-privileged-roles", assignment({ roleDefinitionId: roleId(OWNER) }))).toEqual([
            `assigns Owner (${OWNER}), which lets its holder grant anyone any access; batch-entra never assigns it.`,
        ]);
        expect(await messagesOf("role-assignment-no-privileged-roles", assignment({ roleDefinitionId: USER_ACCESS_ADMIN.toUpperCase() }))).toEqual([
            expect.stringContaining("assigns User Access Administrator"),
        ]);
    });

    test("Role Based Access Control Administrator needs a condition that limits the assignable roles", async () => {
        const rbacAdmin = (condition?: string) => assignment({ roleDefinitionId: roleId(RBAC_ADMIN), condition, conditionVersion: condition && "2.0" });
        expect(await messagesOf("role-assignment-no-privileged-roles", rbacAdmin())).toEqual([
            expect.stringMatching(/^assigns Role Based Access Control Administrator .* without a condition/),
        ]);
        expect(await messagesOf("role-assignment-no-privileged-roles", rbacAdmin("@Principal[Microsoft.Directory/...] StringEquals 'x'"))).toEqual([
            expect.stringContaining("does not test Microsoft.Authorization/roleAssignments:RoleDefinitionId"),
        ]);
        expect(await messagesOf("role-assignment-no-privileged-roles", rbacAdmin(constrainRoles))).toEqual([]);
    });

    test("a condition that still allows a privileged role is refused; one that excludes them passes", async () => {
        const allowsOwner = constrainRoles.replace(BATCH_JOB_SUBMITTER, `${BATCH_JOB_SUBMITTER}, ${OWNER}`);
        expect(
            await messagesOf("role-assignment-no-privileged-roles", assignment({ roleDefinitionId: roleId(RBAC_ADMIN), condition: allowsOwner })),
        ).toEqual([expect.stringContaining("still lets its holder assign Owner")]);
        const excludesPrivileged =
            "((!(ActionMatches{'Microsoft.Authorization/roleAssignments/write'})) OR " +
            `(@Request[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAllValues:GuidNotEquals {${OWNER}, ${USER_ACCESS_ADMIN}, ${RBAC_ADMIN}}))`;
        expect(
            await messagesOf("role-assignment-no-privileged-roles", assignment({ roleDefinitionId: roleId(RBAC_ADMIN), condition: excludesPrivileged })),
        ).toEqual([]);
    });

    test("the policy config can forbid more roles", async () => {
        const config = { "role-assignment-no-privileged-roles": { additionalForbiddenRoleDefinitionIds: [CONTRIBUTOR] } };
        expect(await messagesOf("role-assignment-no-privileged-roles", assignment({ roleDefinitionId: roleId(CONTRIBUTOR) }), config)).toEqual([
            `assigns a role this policy forbids (${CONTRIBUTOR}), which lets its holder grant anyone any access; batch-entra never assigns it.`,
        ]);
    });
});

describe("role-assignment-broad-batch-role", () => {
    const assignment = (roleDefinitionId: string) =>
        declared(ROLE_ASSIGNMENT, "assignment", { scope: SUBSCRIPTION_SCOPE, principalId: "p", principalType: "User", roleDefinitionId });

    test("Batch roles pass", async () => {
        for (const guid of [BATCH_JOB_SUBMITTER, "29fe4964-1e60-436b-bd3a-77fd4c178b3c", "11076f67-66f6-4be0-8f6b-f0609fd05cc9"]) {
            expect(await messagesOf("role-assignment-broad-batch-role", assignment(roleId(guid)))).toEqual([]);
        }
    });

    test("Contributor gets an advisory that names the least-privilege built-ins, by full ID or bare GUID", async () => {
        const [violation] = await violationsOf("role-assignment-broad-batch-role", assignment(roleId(CONTRIBUTOR)));
        expect(violation.enforcement).toBe("advisory");
        expect(violation.message).toBe(
            `assigns Contributor (${CONTRIBUTOR}) at ${SUBSCRIPTION_SCOPE}, which also manages pools, account keys and every ` +
                "other resource there; a Batch role is narrower.",
        );
        for (const builtIn of ["Azure Batch Job Submitter", "Azure Batch Account Contributor", "Azure Batch Account Reader", "AzureBatchJobSubmitter"]) {
            expect(violation.remediation).toContain(builtIn);
        }
        expect(await messagesOf("role-assignment-broad-batch-role", assignment(CONTRIBUTOR.toUpperCase()))).toHaveLength(1);
    });

    test("an unknown role definition is checked again at update, not reported as Contributor", async () => {
        expect(await violationsOf("role-assignment-broad-batch-role", assignment(UNKNOWN))).toEqual([
            expect.objectContaining({ enforcement: "advisory", message: expect.stringMatching(/^can't run policy 'role-assignment-broad-batch-role'.*during preview/) }),
        ]);
    });
});

describe("app registrations", () => {
    const application = (inputs: Record<string, unknown>) => declared(APPLICATION, "app", { displayName: "batch-client", ...inputs });
    const registration = (inputs: Record<string, unknown>) => declared(APPLICATION_REGISTRATION, "registration", { displayName: "batch-client", ...inputs });
    const asDeclaredByBatchEntra = {
        signInAudience: "AzureADMyOrg",
        web: { redirectUris: [], implicitGrant: { accessTokenIssuanceEnabled: false, idTokenIssuanceEnabled: false } },
        fallbackPublicClientEnabled: false,
    };

    test("the single-tenant, confidential, code-flow app the program declares passes all three, as does an app with defaults", async () => {
        for (const policy of ["app-registration-multi-tenant", "app-registration-public-client-flows", "app-registration-implicit-grant"]) {
            expect(await messagesOf(policy, application(asDeclaredByBatchEntra))).toEqual([]);
            expect(await messagesOf(policy, application({}))).toEqual([]);
            expect(await messagesOf(policy, registration({}))).toEqual([]);
        }
    });

    test("app-registration-multi-tenant: any audience other than AzureADMyOrg gets an advisory", async () => {
        for (const audience of ["AzureADMultipleOrgs", "AzureADandPersonalMicrosoftAccount", "PersonalMicrosoftAccount"]) {
            const [violation] = await violationsOf("app-registration-multi-tenant", application({ signInAudience: audience }));
            expect(violation.enforcement).toBe("advisory");
            expect(violation.message).toBe(
                `signInAudience is ${audience}, so accounts outside this tenant can sign in to the app (AzureADMyOrg limits it to this tenant).`,
            );
        }
        expect(await messagesOf("app-registration-multi-tenant", registration({ signInAudience: "AzureADMultipleOrgs" }))).toHaveLength(1);
    });

    test("app-registration-public-client-flows: fallbackPublicClientEnabled or a fallback public client resource gets an advisory", async () => {
        const [violation] = await violationsOf("app-registration-public-client-flows", application({ fallbackPublicClientEnabled: true }));
        expect(violation.enforcement).toBe("advisory");
        expect(violation.message).toBe(
            "fallbackPublicClientEnabled is true, so the app accepts device code, username/password and integrated Windows sign-ins.",
        );
        expect(violation.remediation).toMatch(/allowPublicClientFlows false/);
        const fallback = (enabled: boolean) => declared(FALLBACK_PUBLIC_CLIENT, "fallback", { applicationId: "/applications/x", enabled });
        expect(await messagesOf("app-registration-public-client-flows", fallback(true))).toEqual([expect.stringMatching(/^enabled is true/)]);
        expect(await messagesOf("app-registration-public-client-flows", fallback(false))).toEqual([]);
    });

    test("app-registration-implicit-grant: access or ID tokens through the implicit grant get an advisory", async () => {
        const implicit = (implicitGrant: Record<string, boolean>) => application({ web: { implicitGrant } });
        const [violation] = await violationsOf("app-registration-implicit-grant", implicit({ accessTokenIssuanceEnabled: true, idTokenIssuanceEnabled: true }));
        expect(violation.enforcement).toBe("advisory");
        expect(violation.message).toBe(
            "the implicit grant issues access tokens (accessTokenIssuanceEnabled) and ID tokens (idTokenIssuanceEnabled), which travel in the redirect URL.",
        );
        expect(await messagesOf("app-registration-implicit-grant", implicit({ idTokenIssuanceEnabled: true }))).toEqual([
            "the implicit grant issues ID tokens (idTokenIssuanceEnabled), which travel in the redirect URL.",
        ]);
        expect(await messagesOf("app-registration-implicit-grant", registration({ implicitAccessTokenIssuanceEnabled: true }))).toEqual([
            "the implicit grant issues access tokens (implicitAccessTokenIssuanceEnabled), which travel in the redirect URL.",
        ]);
    });

    test("unknown settings during preview are reported as not checkable yet, never as a violation", async () => {
        const unknownApp = application({ signInAudience: UNKNOWN, fallbackPublicClientEnabled: UNKNOWN, web: { implicitGrant: { accessTokenIssuanceEnabled: UNKNOWN } } });
        for (const policy of ["app-registration-multi-tenant", "app-registration-public-client-flows", "app-registration-implicit-grant"]) {
            expect(await messagesOf(policy, unknownApp)).toEqual([expect.stringMatching(new RegExp(`^can't run policy '${policy}' .* during preview`))]);
        }
    });
});

describe("client-secret-expiry", () => {
    const secret = (inputs: Record<string, unknown>, type = APP_PASSWORD) => declared(type, "secret", { applicationId: "/applications/x", ...inputs });
    const fromReference = { "client-secret-expiry": { referenceDate: "2026-01-01T00:00:00Z" } };

    test("a secret that ends within the limit passes", async () => {
        expect(await messagesOf("client-secret-expiry", secret({ endDate: "2026-06-30T00:00:00Z" }), fromReference)).toEqual([]);
        expect(await messagesOf("client-secret-expiry", secret({ startDate: "2026-01-01T00:00:00Z", endDate: "2028-01-01T00:00:00Z" }))).toEqual([]);
    });

    test("a secret without an end date is refused", async () => {
        expect(await messagesOf("client-secret-expiry", secret({}))).toEqual([expect.stringContaining("has no endDate")]);
    });

    test("the lifetime is measured from startDate when it is set", async () => {
        expect(await messagesOf("client-secret-expiry", secret({ startDate: "2026-01-01T00:00:00Z", endDate: "2028-01-02T00:00:00Z" }))).toEqual([
            "lives 731 days (endDate 2028-01-02T00:00:00Z, measured from startDate 2026-01-01T00:00:00Z), longer than the 730-day limit.",
        ]);
    });

    test("without startDate the lifetime is measured from the policy's referenceDate", async () => {
        expect(await messagesOf("client-secret-expiry", secret({ endDate: "2029-01-01T00:00:00Z" }), fromReference)).toEqual([
            "lives 1096 days (endDate 2029-01-01T00:00:00Z, measured from referenceDate 2026-01-01T00:00:00Z), longer than the 730-day limit.",
        ]);
    });

    test("without startDate or referenceDate the lifetime is measured from the time the policy runs", async () => {
        const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();
        expect(await messagesOf("client-secret-expiry", secret({ endDate: inDays(30) }))).toEqual([]);
        expect(await messagesOf("client-secret-expiry", secret({ endDate: inDays(1000) }))).toEqual([
            expect.stringMatching(/^lives 100[01] days \(endDate .*, measured from now \(.*\)\), longer than the 730-day limit\.$/),
        ]);
    });

    test("maxSecretLifetimeDays is policy config", async () => {
        const config = { "client-secret-expiry": { referenceDate: "2026-01-01T00:00:00Z", maxSecretLifetimeDays: 90 } };
        expect(await messagesOf("client-secret-expiry", secret({ endDate: "2026-06-30T00:00:00Z" }), config)).toEqual([
            "lives 180 days (endDate 2026-06-30T00:00:00Z, measured from referenceDate 2026-01-01T00:00:00Z), longer than the 90-day limit.",
        ]);
    });

    test("endDateRelative is read as a duration", async () => {
        expect(await messagesOf("client-secret-expiry", secret({ endDateRelative: "4380h" }))).toEqual([]);
        expect(await messagesOf("client-secret-expiry", secret({ endDateRelative: "17544h" }))).toEqual([
            "endDateRelative 17544h is 731 days, longer than the 730-day limit.",
        ]);
        expect(await messagesOf("client-secret-expiry", secret({ endDateRelative: "two years" }))).toEqual([
            expect.stringContaining('endDateRelative "two years" is not a duration'),
        ]);
    });

    test("an unreadable end date or one before the start is refused", async () => {
        expect(await messagesOf("client-secret-expiry", secret({ endDate: "next year" }))).toEqual([expect.stringContaining('endDate "next year" is not an RFC 3339 time')]);
        expect(await messagesOf("client-secret-expiry", secret({ startDate: "2026-02-01T00:00:00Z", endDate: "2026-01-01T00:00:00Z" }))).toEqual([
            "endDate 2026-01-01T00:00:00Z is not after startDate 2026-02-01T00:00:00Z.",
        ]);
    });

    test("service principal passwords are held to the same rule", async () => {
        expect(await messagesOf("client-secret-expiry", secret({ servicePrincipalId: "/servicePrincipals/x" }, SP_PASSWORD))).toEqual([
            expect.stringContaining("has no endDate"),
        ]);
    });
});

describe("key vaults", () => {
    const vault = (properties: Record<string, unknown>) =>
        declared(VAULT, "vault", { properties: { tenantId: "t", sku: { family: "A", name: "standard" }, ...properties } });

    test("a purge-protected vault with soft delete passes", async () => {
        expect(await messagesOf("key-vault-soft-delete-purge-protection", vault({ enablePurgeProtection: true }))).toEqual([]);
    });

    test("soft delete off or purge protection missing is refused", async () => {
        expect(await messagesOf("key-vault-soft-delete-purge-protection", vault({ enableSoftDelete: false, enablePurgeProtection: true }))).toEqual([
            "properties.enableSoftDelete is false; deleted certificates and secrets could not be recovered.",
        ]);
        expect(await messagesOf("key-vault-soft-delete-purge-protection", vault({}))).toEqual([
            expect.stringMatching(/^properties\.enablePurgeProtection is unset; anyone allowed to purge/),
        ]);
    });

    test("public network access is advisory and passes when disabled or denied by default", async () => {
        const [open] = await violationsOf("key-vault-public-network-access", vault({}));
        expect(open.enforcement).toBe("advisory");
        expect(open.message).toMatch(/publicNetworkAccess is unset \(Enabled\) and networkAcls do not deny by default/);
        expect(await messagesOf("key-vault-public-network-access", vault({ publicNetworkAccess: "Disabled" }))).toEqual([]);
        expect(await messagesOf("key-vault-public-network-access", vault({ networkAcls: { defaultAction: "Deny", bypass: "AzureServices" } }))).toEqual([]);
    });

    test("the access-policy permission model is advisory", async () => {
        const [accessPolicies] = await violationsOf("key-vault-rbac-permission-model", vault({ accessPolicies: [] }));
        expect(accessPolicies.enforcement).toBe("advisory");
        expect(accessPolicies.message).toBe("properties.enableRbacAuthorization is not true, so the vault uses the access-policy permission model.");
        expect(await messagesOf("key-vault-rbac-permission-model", vault({ enableRbacAuthorization: true }))).toEqual([]);
    });
});

describe("batch-account-public-network-access", () => {
    test("an account open to every network gets an advisory; disabled or deny-by-default passes", async () => {
        const [open] = await violationsOf("batch-account-public-network-access", declared(BATCH_ACCOUNT, "batch", {}));
        expect(open.enforcement).toBe("advisory");
        expect(open.message).toMatch(/^publicNetworkAccess is unset \(Enabled\) and the account endpoint has no deny-by-default network rule/);
        expect(await messagesOf("batch-account-public-network-access", declared(BATCH_ACCOUNT, "batch", { publicNetworkAccess: "Disabled" }))).toEqual([]);
        const restricted = { publicNetworkAccess: "Enabled", networkProfile: { accountAccess: { defaultAction: "Deny", ipRules: [] } } };
        expect(await messagesOf("batch-account-public-network-access", declared(BATCH_ACCOUNT, "batch", restricted))).toEqual([]);
    });
});

describe("admin-consent-granted", () => {
    test("tenant-wide consent gets an advisory; consent for one user does not", async () => {
        const grant = { servicePrincipalObjectId: "sp", resourceServicePrincipalObjectId: "batch", claimValues: ["user_impersonation"] };
        const [violation] = await violationsOf("admin-consent-granted", declared(CONSENT, "consent", grant));
        expect(violation.enforcement).toBe("advisory");
        expect(violation.message).toBe("grants tenant-wide admin consent for [user_impersonation] on behalf of every user in the tenant.");
        expect(await messagesOf("admin-consent-granted", declared(CONSENT, "consent", { ...grant, userObjectId: "user" }))).toEqual([]);
    });
});

describe("batch pools with the Key Vault extension", () => {
    const identityId = `${SUBSCRIPTION_SCOPE}/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/pool-identity`;
    const extension = (settings: Record<string, unknown>) => ({
        name: "keyvault",
        publisher: "Microsoft.Azure.KeyVault",
        type: "KeyVaultForLinux",
        typeHandlerVersion: "3.0",
        autoUpgradeMinorVersion: true,
        settings,
    });
    const goodSettings = {
        secretsManagementSettings: {
            pollingIntervalInS: "300",
            certificateStoreLocation: "/var/lib/waagent/Microsoft.Azure.KeyVault",
            requireInitialSync: true,
            observedCertificates: ["https://vault.vault.azure.net/secrets/pool-cert"],
        },
        authenticationSettings: { msiEndpoint: "http://169.254.169.254/metadata/identity", msiClientId: "client-of-pool-identity" },
    };
    const pool = (inputs: Record<string, unknown>, settings: Record<string, unknown> = goodSettings) =>
        declared(POOL, "pool", {
            vmSize: "Standard_D2s_v5",
            identity: { type: "UserAssigned", userAssignedIdentities: [identityId] },
            deploymentConfiguration: {
                virtualMachineConfiguration: {
                    imageReference: { publisher: "canonical", offer: "ubuntu-24_04-lts", sku: "server", version: "latest" },
                    nodeAgentSkuId: "batch.node.ubuntu 24.04",
                    extensions: [extension(settings)],
                },
            },
            ...inputs,
        });

    test("a pool with identity, msiClientId and versionless URLs passes", async () => {
        expect(await messagesOf("batch-pool-key-vault-extension", pool({}))).toEqual([]);
    });

    test("a pool without the extension is not this policy's business", async () => {
        expect(await messagesOf("batch-pool-key-vault-extension", declared(POOL, "plain", { vmSize: "Standard_D2s_v5" }))).toEqual([]);
    });

    test("a pool without a user-assigned identity is refused", async () => {
        expect(await messagesOf("batch-pool-key-vault-extension", pool({ identity: undefined }))).toEqual([
            expect.stringMatching(/^runs the Key Vault extension but has no user-assigned identity attached/),
        ]);
    });

    test("an extension without msiClientId is refused", async () => {
        const settings = { ...goodSettings, authenticationSettings: { msiEndpoint: "http://169.254.169.254/metadata/identity" } };
        expect(await messagesOf("batch-pool-key-vault-extension", pool({}, settings))).toEqual([
            expect.stringMatching(/^extension "keyvault" has no settings\.authenticationSettings\.msiClientId/),
        ]);
    });

    test("versioned or non-secret certificate URLs are refused", async () => {
        const observing = (urls: unknown[]) => ({
            ...goodSettings,
            secretsManagementSettings: { ...goodSettings.secretsManagementSettings, observedCertificates: urls },
        });
        const versioned = "https://vault.vault.azure.net/secrets/pool-cert/0123456789abcdef0123456789abcdef";
        expect(await messagesOf("batch-pool-key-vault-extension", pool({}, observing([versioned])))).toEqual([
            `extension "keyvault" observes "${versioned}", which names a certificate version, so nodes keep the old certificate after a renewal.`,
        ]);
        expect(await messagesOf("batch-pool-key-vault-extension", pool({}, observing([{ url: "https://vault.vault.azure.net/certificates/pool-cert" }])))).toEqual([
            expect.stringContaining("which is not a Key Vault secret URL"),
        ]);
    });

    test("the stack policy refuses an msiClientId that belongs to no attached identity", async () => {
        const identity = declared(IDENTITY, "pool-identity", { resourceGroupName: "rg", resourceName: "pool-identity" });
        const attachedClientId = fakeGuid("pool-identity/clientId");
        const matching = { ...goodSettings, authenticationSettings: { ...goodSettings.authenticationSettings, msiClientId: attachedClientId } };
        expect(await messagesOf("batch-pool-extension-identity-attached", [identity, pool({}, matching)])).toEqual([]);
        expect(await messagesOf("batch-pool-extension-identity-attached", [identity, pool({})])).toEqual([
            `pool "pool" extension "keyvault" authenticates as client ID client-of-pool-identity, which is not an identity attached to the pool (${attachedClientId}).`,
        ]);
    });

    test("the stack policy reads client IDs from the pool's outputs, where the provider maps each identity to its client ID", async () => {
        const reported: string[] = [];
        const policy = policyNamed("batch-pool-extension-identity-attached") as StackValidationPolicy;
        const poolOutputs = {
            ...pool({}).inputs,
            identity: { type: "UserAssigned", userAssignedIdentities: { [identityId]: { clientId: "another-client", principalId: "p" } } },
        };
        await policy.validateStack(
            { resources: [{ type: POOL, name: "pool", urn: "urn:pool", props: poolOutputs } as any], stackTags: new Map(), getConfig: () => ({}) as any, notApplicable: () => undefined as never },
            (message) => reported.push(message),
        );
        expect(reported).toEqual([expect.stringContaining("authenticates as client ID client-of-pool-identity, which is not an identity attached to the pool (another-client)")]);
    });
});
