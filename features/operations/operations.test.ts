import * as pulumi from "@pulumi/pulumi";
import { FAKE_SUBSCRIPTION_ID } from "../../tools/fakeCloud";
import { findResource, resourcesOfType, runOffline } from "../../tools/offlineRuntime";
import { expectRejected, libraryRefusal } from "../../test/helpers";
import { DiagnosticCategoryGroup, LogAnalyticsDiagnostics, LogAnalyticsDiagnosticsArgs } from "./diagnostics";
import { ResourceLocks, ResourceLocksArgs, resourceLocksWaitingFor } from "./resourceLocks";

/*
 * Scenario: a platform team's own program sends logs and locks resources with the operations components directly.
 * The stack's use of them is tested with the private-networking fixture (features/privateNetworking).
 */

const ACCOUNT_ID = `/subscriptions/${FAKE_SUBSCRIPTION_ID}/resourceGroups/rg-batch/providers/Microsoft.Batch/batchAccounts/batchprod01`;
const WORKSPACE_ID = `/subscriptions/${FAKE_SUBSCRIPTION_ID}/resourceGroups/rg-ops/providers/Microsoft.OperationalInsights/workspaces/law-platform`;
const DIAGNOSTICS: LogAnalyticsDiagnosticsArgs = {
    workspaceId: WORKSPACE_ID,
    settingName: "batch-to-log-analytics",
    targets: [{ key: "batch-account", resourceId: ACCOUNT_ID, categoryGroups: [DiagnosticCategoryGroup.AllLogs], allMetrics: true }],
};
const LOCKS: ResourceLocksArgs = { lockName: "batch-do-not-delete", notes: "Remove with pulumi up first", targets: [{ key: "batch-account", scope: ACCOUNT_ID }] };

async function refused(construct: () => pulumi.ComponentResource): Promise<string> {
    const { message, resources } = await libraryRefusal(construct);
    expect(resources.filter((resource) => resource.custom)).toEqual([]);
    return message;
}

describe("LogAnalyticsDiagnostics used as a library", () => {
    test("workspaceId: a workspace's ARM ID, refused in the words logAnalyticsWorkspaceId is", async () => {
        const bad = WORKSPACE_ID.replace("OperationalInsights", "Insights");
        const message = await refused(() => new LogAnalyticsDiagnostics("diagnostics", { ...DIAGNOSTICS, workspaceId: bad }));
        const { problem } = await expectRejected({ logAnalyticsWorkspaceId: bad }, "logAnalyticsWorkspaceId");
        expect(message).toContain(`workspaceId: ${problem.problem}`);
    });

    test("targets[].key: unique, since each names a diagnostic setting", async () => {
        const message = await refused(() => new LogAnalyticsDiagnostics("diagnostics", { ...DIAGNOSTICS, targets: [DIAGNOSTICS.targets[0], DIAGNOSTICS.targets[0]] }));
        expect(message).toContain('targets[1].key: "batch-account" is used by an earlier entry');
    });

    test("targets[].categoryGroups: allLogs or audit", async () => {
        const target = { ...DIAGNOSTICS.targets[0], categoryGroups: ["allLogs", "everything"] as DiagnosticCategoryGroup[] };
        const message = await refused(() => new LogAnalyticsDiagnostics("diagnostics", { ...DIAGNOSTICS, targets: [target] }));
        expect(message).toContain('targets[0].categoryGroups[1]: "everything" is not one of allLogs, audit');
    });

    test("good args declare one setting per target with its category groups and metrics", async () => {
        const run = await runOffline({ config: {}, program: async () => (new LogAnalyticsDiagnostics("diagnostics", DIAGNOSTICS), {}) });
        expect(findResource(run, "azure-native:monitor:DiagnosticSetting", "diagnostics-batch-account").inputs).toMatchObject({
            workspaceId: WORKSPACE_ID,
            logs: [{ categoryGroup: "allLogs", enabled: true }],
            metrics: [{ category: "AllMetrics", enabled: true }],
        });
    });
});

describe("ResourceLocks used as a library", () => {
    test("lockName: what ARM takes as a lock name", async () => {
        const message = await refused(() => new ResourceLocks("locks", { ...LOCKS, lockName: "batch/do-not-delete" }));
        expect(message).toContain('lockName: "batch/do-not-delete" is not 1 to 260 characters without');
    });

    test("notes: at most 512 characters", async () => {
        expect(await refused(() => new ResourceLocks("locks", { ...LOCKS, notes: "x".repeat(513) }))).toContain("notes: has 513 characters; ARM takes at most 512");
    });

    test("targets[].key: unique, since each names a lock", async () => {
        const message = await refused(() => new ResourceLocks("locks", { ...LOCKS, targets: [LOCKS.targets[0], { ...LOCKS.targets[0], scope: WORKSPACE_ID }] }));
        expect(message).toContain('targets[1].key: "batch-account" is used by an earlier entry');
    });

    test("resourceLocksWaitingFor: each lock depends on the locked contents, which are no arg", async () => {
        const run = await runOffline({
            config: {},
            program: async () => {
                const diagnostics = new LogAnalyticsDiagnostics("diagnostics", DIAGNOSTICS);
                new ResourceLocks("locks", resourceLocksWaitingFor({ ...LOCKS }, [diagnostics]));
                new ResourceLocks("plain", { ...LOCKS, lockName: "plain" });
                return {};
            },
        });
        const setting = findResource(run, "azure-native:monitor:DiagnosticSetting", "diagnostics-batch-account");
        const [locked, plain] = ["locks-batch-account", "plain-batch-account"].map((name) => findResource(run, "azure-native:authorization:ManagementLockByScope", name));
        expect(locked.dependencies).toContain(setting.urn);
        expect(plain.dependencies).not.toContain(setting.urn);
        expect(resourcesOfType(run, "azure-native:authorization:ManagementLockByScope").map((lock) => lock.inputs.level)).toEqual(["CanNotDelete", "CanNotDelete"]);
    });
});
