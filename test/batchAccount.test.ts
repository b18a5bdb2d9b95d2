import { defaultBatchAccountName } from "../config/batchAccount";
import { FAKE_SUBSCRIPTION_ID } from "../tools/fakeCloud";
import { OfflineRun, findResource, resourcesOfType } from "../tools/offlineRuntime";
import { expectRejected, runWith } from "./helpers";

const ACCOUNT = "azure-native:batch:BatchAccount";
const GROUP = "azure-native:resources:ResourceGroup";
const ASSIGNMENT = "azure-native:authorization:RoleAssignment";
const STORAGE_ID = `/subscriptions/${FAKE_SUBSCRIPTION_ID}/resourceGroups/rg-data/providers/Microsoft.Storage/storageAccounts/stbatchdata`;

describe("defaults: the example stack", () => {
    let run: OfflineRun;
    beforeAll(async () => {
        run = await runWith();
    });

    test("the account trusts Entra ID alone, allocates pools in BatchService mode and takes no identity or storage", () => {
        const account = findResource(run, ACCOUNT, "batch-account");
        expect(account.inputs.allowedAuthenticationModes).toEqual(["AAD"]);
        expect(account.inputs.poolAllocationMode).toBe("BatchService");
        expect(account.inputs.publicNetworkAccess).toBe("Enabled");
        expect(account.inputs.networkProfile).toBeUndefined();
        expect(account.inputs.identity).toBeUndefined();
        expect(account.inputs.autoStorage).toBeUndefined();
        expect(account.inputs.location).toBe("westeurope");
        expect(account.inputs.tags).toEqual({ environment: "dev", owner: "platform-team" });
        expect(account.options.replaceOnChanges).toContain("poolAllocationMode");
    });

    test("a new resource group named after project and stack holds the account", () => {
        const group = findResource(run, GROUP, "batch-rg");
        expect(group.inputs).toMatchObject({ resourceGroupName: "rg-batch-entra-dev", location: "westeurope" });
        const account = findResource(run, ACCOUNT, "batch-account");
        expect(account.inputs.resourceGroupName).toBe("rg-batch-entra-dev");
        expect(account.dependencies).toContain(group.urn);
    });

    test("outputs give the account's name, ID and https URL", () => {
        const name = defaultBatchAccountName({ projectName: "batch-entra", stackName: "dev" }, FAKE_SUBSCRIPTION_ID);
        expect(findResource(run, ACCOUNT, "batch-account").inputs.accountName).toBe(name);
        expect(run.outputs.batchAccountName).toBe(name);
        expect(run.outputs.batchAccountId).toBe(
            `/subscriptions/${FAKE_SUBSCRIPTION_ID}/resourceGroups/rg-batch-entra-dev/providers/Microsoft.Batch/batchAccounts/${name}`,
        );
        expect(run.outputs.batchAccountUrl).toBe(`https://${name}.westeurope.batch.azure.com`);
    });

    test("auto-storage is off: no storage role assignment", () => {
        expect(run.resources.some((resource) => resource.name === "batch-autostorage-blob-data")).toBe(false);
    });
});

describe("account name", () => {
    test("the default is a valid account name, stable, and differs per stack and per subscription", () => {
        const dev = defaultBatchAccountName({ projectName: "batch-entra", stackName: "dev" }, FAKE_SUBSCRIPTION_ID);
        const prod = defaultBatchAccountName({ projectName: "batch-entra", stackName: "prod" }, FAKE_SUBSCRIPTION_ID);
        const otherSubscription = defaultBatchAccountName({ projectName: "batch-entra", stackName: "dev" }, "00000000-0000-0000-0000-000000000001");
        const longStack = defaultBatchAccountName({ projectName: "batch-entra", stackName: "Feature_Branch-With-A-Long-Name" }, FAKE_SUBSCRIPTION_ID);
        for (const name of [dev, prod, otherSubscription, longStack]) {
            expect(name).toMatch(/^[a-z0-9]{3,24}$/);
        }
        expect(dev).toBe(defaultBatchAccountName({ projectName: "batch-entra", stackName: "dev" }, FAKE_SUBSCRIPTION_ID));
        expect(new Set([dev, prod, otherSubscription]).size).toBe(3);
        expect(dev.startsWith("batchdev")).toBe(true);
    });

    test("an explicit name is used as given", async () => {
        const run = await runWith({ batchAccountName: "batchprod01" });
        expect(findResource(run, ACCOUNT, "batch-account").inputs.accountName).toBe("batchprod01");
        expect(run.outputs.batchAccountUrl).toBe("https://batchprod01.westeurope.batch.azure.com");
    });
});

describe("location", () => {
    test("batch-entra:location wins over azure-native:location, and a display name becomes the programmatic name", async () => {
        const run = await runWith({ location: "North Europe" });
        expect(findResource(run, ACCOUNT, "batch-account").inputs.location).toBe("northeurope");
        expect(findResource(run, GROUP, "batch-rg").inputs.location).toBe("northeurope");
        expect(run.outputs.batchAccountUrl).toMatch(/\.northeurope\.batch\.azure\.com$/);
    });
});

describe("authentication opt-ins", () => {
    test("shared keys are added only by their flag; task tokens, retired by the Batch service, are refused", async () => {
        const sharedKey = await runWith({ allowSharedKeyAccess: true });
        expect(findResource(sharedKey, ACCOUNT, "batch-account").inputs.allowedAuthenticationModes).toEqual(["AAD", "SharedKey"]);
        const { problem } = await expectRejected({ allowTaskAuthenticationToken: true }, "allowTaskAuthenticationToken");
        expect(problem.problem).toMatch(/retired by the Batch service.*managed identity/);
    });

    test("an explicit mode list that agrees with the flags is accepted", async () => {
        const run = await runWith({ allowSharedKeyAccess: true, allowedAuthenticationModes: ["AAD", "SharedKey"] });
        expect(findResource(run, ACCOUNT, "batch-account").inputs.allowedAuthenticationModes).toEqual(["AAD", "SharedKey"]);
    });
});

describe("network", () => {
    test("IP ranges deny every other address on the account endpoint", async () => {
        const run = await runWith({ allowedIpRanges: ["203.0.113.0/24", "198.51.100.7"] });
        expect(findResource(run, ACCOUNT, "batch-account").inputs.networkProfile).toEqual({
            accountAccess: {
                defaultAction: "Deny",
                ipRules: [
                    { action: "Allow", value: "203.0.113.0/24" },
                    { action: "Allow", value: "198.51.100.7" },
                ],
            },
        });
    });

    test("public network access can be disabled when the stack has no pools", async () => {
        const run = await runWith({ publicNetworkAccess: "Disabled", pools: [] });
        expect(findResource(run, ACCOUNT, "batch-account").inputs.publicNetworkAccess).toBe("Disabled");
    });
});

describe("existing resource group", () => {
    test("is looked up, not declared, and still scopes the custom role", async () => {
        const run = await runWith({ resourceGroupName: "rg-shared-batch", useExistingResourceGroup: true });
        expect(resourcesOfType(run, GROUP)).toEqual([]);
        expect(run.invokes.map((invoke) => invoke.token)).toContain("azure-native:resources:getResourceGroup");
        expect(findResource(run, ACCOUNT, "batch-account").inputs.resourceGroupName).toBe("rg-shared-batch");
        const role = findResource(run, "azure-native:authorization:RoleDefinition", "batch-rbac-job-submitter");
        expect(role.inputs.assignableScopes).toEqual([`/subscriptions/${FAKE_SUBSCRIPTION_ID}/resourceGroups/rg-shared-batch`]);
    });
});

describe("auto-storage", () => {
    test("links the storage account with the account's managed identity, which gets Storage Blob Data Contributor there", async () => {
        const run = await runWith({ autoStorageAccountId: STORAGE_ID });
        const account = findResource(run, ACCOUNT, "batch-account");
        expect(account.inputs.identity).toEqual({ type: "SystemAssigned" });
        expect(account.inputs.autoStorage).toEqual({ storageAccountId: STORAGE_ID, authenticationMode: "BatchAccountManagedIdentity" });

        const grant = findResource(run, ASSIGNMENT, "batch-autostorage-blob-data");
        expect(grant.inputs.scope).toBe(STORAGE_ID);
        expect(grant.inputs.principalType).toBe("ServicePrincipal");
        expect(grant.inputs.roleDefinitionId).toBe(
            `/subscriptions/${FAKE_SUBSCRIPTION_ID}/providers/Microsoft.Authorization/roleDefinitions/ba92f5b4-2d11-453d-a403-e96b0029c9fe`,
        );
        expect(grant.inputs.principalId).toMatch(/^[0-9a-f-]{36}$/);
        expect(grant.dependencies).toContain(account.urn);
        expect(grant.options.deleteBeforeReplace).toBe(true);
    });
});
