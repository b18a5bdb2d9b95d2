import { FAKE_DEPLOYER_OBJECT_ID } from "../../tools/fakeCloud";
import { findResource, resourcesOfType } from "../../tools/offlineRuntime";
import { expectRejected, libraryRefusal, runWith } from "../../test/helpers";
import { NodeIdentityAutoStorage, NodeIdentityAutoStorageArgs } from "./nodeIdentity";

const ACCOUNT = "azure-native:batch:BatchAccount";
const IDENTITY = "azure-native:managedidentity:UserAssignedIdentity";
const ROLE_ASSIGNMENT = "azure-native:authorization:RoleAssignment";
const POOL = "azure-native:batch:Pool";
const STORAGE = "/subscriptions/8c3f1c55-0000-4000-8000-00000000b47c/resourceGroups/rg-data/providers/Microsoft.Storage/storageAccounts/stbatchdata";
const STORAGE_BLOB_DATA_CONTRIBUTOR = "ba92f5b4-2d11-453d-a403-e96b0029c9fe";

describe("pools[].nodeIdentity: nodes use the pools' identity for auto-storage", () => {
    test("the account names the identity the pools carry as nodeIdentityReference, and that identity gets the auto-storage grant", async () => {
        const run = await runWith({ autoStorageAccountId: STORAGE, pools: [{ name: "pool-01", vmSize: "Standard_D2s_v5", nodeIdentity: true }] });
        const identity = findResource(run, IDENTITY, "pool-vault-identity");
        const identityId = `/subscriptions/8c3f1c55-0000-4000-8000-00000000b47c/resourceGroups/rg-batch-entra-dev/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${identity.inputs.resourceName}`;
        const account = findResource(run, ACCOUNT, "batch-account");
        expect(account.inputs.autoStorage).toEqual({
            storageAccountId: STORAGE,
            authenticationMode: "BatchAccountManagedIdentity",
            nodeIdentityReference: { resourceId: identityId },
        });
        const pool = findResource(run, POOL, "pool-pool-01-pool");
        expect(pool.inputs.identity.userAssignedIdentities).toEqual([identityId]);

        const grant = findResource(run, ROLE_ASSIGNMENT, "pool-node-identity-blob-data");
        expect(grant.inputs).toMatchObject({ scope: STORAGE, principalType: "ServicePrincipal" });
        expect(grant.inputs.roleDefinitionId).toMatch(new RegExp(`/roleDefinitions/${STORAGE_BLOB_DATA_CONTRIBUTOR}$`));
        expect(grant.dependencies).toContain(identity.urn);
        // Nodes that boot before the grant exists cannot read application packages.
        expect(pool.dependencies).toContain(grant.urn);
    });

    test("without nodeIdentity the account references no node identity and no second grant is made", async () => {
        const run = await runWith({ autoStorageAccountId: STORAGE });
        expect(findResource(run, ACCOUNT, "batch-account").inputs.autoStorage.nodeIdentityReference).toBeUndefined();
        expect(resourcesOfType(run, ROLE_ASSIGNMENT).filter((assignment) => assignment.name.startsWith("pool-node-identity"))).toEqual([]);
    });

    test.each([
        [{ pools: [{ name: "pool-01", vmSize: "Standard_D2s_v5", nodeIdentity: true }] }, /autoStorageAccountId is unset/],
        [{ autoStorageAccountId: STORAGE, pools: [{ name: "pool-01", vmSize: "Standard_D2s_v5", nodeIdentity: "yes" }] }, /not a boolean/],
    ])("pools[0].nodeIdentity: %p is refused", async (overrides, message) => {
        const { problem } = await expectRejected(overrides, "pools[0].nodeIdentity");
        expect(problem.problem).toMatch(message);
    });
});

describe("NodeIdentityAutoStorage used as a library", () => {
    const ARGS: NodeIdentityAutoStorageArgs = { storageAccountId: STORAGE, principalId: FAKE_DEPLOYER_OBJECT_ID, subscriptionId: "8c3f1c55-0000-4000-8000-00000000b47c" };

    test("storageAccountId: a storage account's ARM ID, refused in the words autoStorageAccountId is, before anything is declared", async () => {
        const bad = STORAGE.replace("Microsoft.Storage", "Microsoft.Sql");
        const { message, resources } = await libraryRefusal(() => new NodeIdentityAutoStorage("node-identity", { ...ARGS, storageAccountId: bad }));
        expect(resources.filter((resource) => resource.custom)).toEqual([]);
        const { problem } = await expectRejected({ autoStorageAccountId: bad }, "autoStorageAccountId");
        expect(message).toContain(`storageAccountId: ${problem.problem}`);
    });

    test("principalId: an object ID when given as text", async () => {
        const { message } = await libraryRefusal(() => new NodeIdentityAutoStorage("node-identity", { ...ARGS, principalId: "pool-identity" }));
        expect(message).toContain('principalId: "pool-identity" is not an object ID (a GUID)');
    });
});
