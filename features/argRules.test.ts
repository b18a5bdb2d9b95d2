import { runOffline } from "../tools/offlineRuntime";
import { LIBRARY_POOL_ARGS, exampleStackConfig, expectRejected, libraryRefusal } from "../test/helpers";
import { BatchAccount, BatchAccountArgs } from "./batchAccount/batchAccount";
import { BatchClientApp, BatchClientAppArgs } from "./clientApp/batchClientApp";
import { CertificateRotatingPool, CertificateRotatingPoolArgs } from "./pools/certificateRotatingPool";
import { BatchRbac, BatchRbacArgs } from "./rbac/batchRbac";

/*
 * Scenario: a platform team's own program constructs the components directly, with no stack configuration to
 * validate. A bad arg is refused as a ResourceError naming the arg, in the words the stack's reader uses for the
 * matching key, before the component declares any child.
 */

const GOOD_ACCOUNT: BatchAccountArgs = { location: "westeurope", resourceGroup: { name: "rg-batch" }, accountName: "batchprod01", subscriptionId: "8c3f1c55-0000-4000-8000-00000000b47c" };
const GOOD_APP: BatchClientAppArgs = { displayName: "batch-app", clientSecret: { lifetimeDays: 180, overlapDays: 30 } };

describe("BatchAccount used as a library", () => {
    test.each([
        ["accountName", { accountName: "Batch-Prod" }, "batchAccountName", { batchAccountName: "Batch-Prod" }],
        ["resourceGroup.name", { resourceGroup: { name: "rg-ends-in." } }, "resourceGroupName", { resourceGroupName: "rg-ends-in." }],
        ["allowedIpRanges[1]", { allowedIpRanges: ["203.0.113.0/24", "300.1.1.1"] }, "allowedIpRanges[1]", { allowedIpRanges: ["203.0.113.0/24", "300.1.1.1"] }],
    ])("refuses a bad %s before declaring anything, in the reader's words", async (arg, bad, key, config) => {
        const { message, resources } = await libraryRefusal(() => new BatchAccount("account", { ...GOOD_ACCOUNT, ...bad }));
        expect(message).toContain(`${arg}: `);
        expect(resources.filter((resource) => resource.custom)).toEqual([]);
        const { problem } = await expectRejected(config, key);
        expect(message).toContain(problem.problem);
    });

    test("good args declare the account", async () => {
        const run = await runOffline({ config: exampleStackConfig(), program: async () => (new BatchAccount("account", GOOD_ACCOUNT), {}) });
        expect(run.resources.some((resource) => resource.type === "azure-native:batch:BatchAccount")).toBe(true);
    });
});

describe("BatchClientApp used as a library", () => {
    test.each([
        ["displayName", { displayName: "" }, "is not valid: a display name is 1 to 120 characters"],
        ["clientSecret.overlapDays", { clientSecret: { lifetimeDays: 30, overlapDays: 30 } }, "30 days of overlap leave no time between rotations"],
        ["clientSecret.lifetimeDays", { clientSecret: { lifetimeDays: 0, overlapDays: 3 } }, "is not a whole number from 1 to 730"],
    ])("refuses a bad %s before declaring anything", async (arg, bad, words) => {
        const { message, resources } = await libraryRefusal(() => new BatchClientApp("app", { ...GOOD_APP, ...bad }));
        expect(message).toContain(`${arg}: `);
        expect(message).toContain(words);
        expect(resources.filter((resource) => resource.custom)).toEqual([]);
    });

    test("a redirect URI is refused in the reader's words", async () => {
        const { message } = await libraryRefusal(() => new BatchClientApp("app", { ...GOOD_APP, redirectUris: { web: ["http://portal.contoso.com/"] } }));
        const { problem } = await expectRejected({ webRedirectUris: ["http://portal.contoso.com/"] }, "webRedirectUris[0]");
        expect(message).toContain(`redirectUris.web[0]: ${problem.problem}`);
    });
});

describe("CertificateRotatingPool used as a library", () => {
    /** Refused before anything is declared, so the identity's resource is never read. */
    const poolArgs = (overrides: Partial<CertificateRotatingPoolArgs>): CertificateRotatingPoolArgs => ({ ...LIBRARY_POOL_ARGS, ...overrides });

    test.each([
        ["poolName", { poolName: "pool 01" }, "pools[0].name", { pools: [{ name: "pool 01", vmSize: "Standard_D2s_v5" }] }],
        ["vmSize", { vmSize: "Standard D2s" }, "pools[0].vmSize", { pools: [{ name: "pool-01", vmSize: "Standard D2s" }] }],
    ])("refuses a bad %s before declaring anything, in the reader's words", async (arg, bad, key, config) => {
        const { message, resources } = await libraryRefusal(() => new CertificateRotatingPool("pool", poolArgs(bad)));
        expect(message).toContain(`${arg}: `);
        expect(resources.filter((resource) => resource.custom)).toEqual([]);
        const { problem } = await expectRejected(config, key);
        expect(message).toContain(problem.problem);
    });

    test.each([
        ["neither is set", {}],
        ["both are set", { fixed: { dedicatedNodes: 1, lowPriorityNodes: 0 }, auto: { formula: "$TargetDedicatedNodes = 1;", evaluationInterval: "PT5M" } }],
    ])("refuses a scale where %s before declaring anything, naming the arg", async (_, scale) => {
        const { message, resources } = await libraryRefusal(() => new CertificateRotatingPool("pool", poolArgs({ scale })));
        expect(message).toContain("scale: set exactly one of fixed and auto");
        expect(resources.filter((resource) => resource.custom)).toEqual([]);
    });
});

describe("BatchRbac used as a library", () => {
    const account = "/subscriptions/8c3f1c55-0000-4000-8000-00000000b47c/resourceGroups/rg/providers/Microsoft.Batch/batchAccounts/acct";
    const base: Omit<BatchRbacArgs, "jobSubmitterRole"> = {
        batchAccountId: account,
        subscriptionId: "8c3f1c55-0000-4000-8000-00000000b47c",
        grants: [{ key: "app", principalId: "11111111-2222-4333-8444-555555555555", principalType: "ServicePrincipal", role: "JobSubmitter" }],
    };

    test.each([
        ["neither", {}, "neither is set"],
        ["both", { create: { assignableScope: account, nameSuffix: "dev" }, existingRoleDefinitionGuid: "9a1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d" }, "create and existingRoleDefinitionGuid are both set"],
    ])("refuses jobSubmitterRole with %s of create and existingRoleDefinitionGuid before declaring anything", async (_which, jobSubmitterRole, detail) => {
        const { message, resources } = await libraryRefusal(() => new BatchRbac("rbac", { ...base, jobSubmitterRole }));
        expect(message).toContain(`jobSubmitterRole: set exactly one of create and existingRoleDefinitionGuid; ${detail}`);
        expect(message).toContain("for example { existingRoleDefinitionGuid:");
        expect(resources.filter((resource) => resource.custom)).toEqual([]);
    });
});
