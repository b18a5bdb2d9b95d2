import { longestChain, syntheticLargeStack } from "../tools/bench";
import { declared } from "./policyHelpers";
import { runOffline } from "../tools/offlineRuntime";

test("the longest wait chain follows dependencies from the first resource to the last", () => {
    const rg = declared("azure-native:resources:ResourceGroup", "rg", {});
    const identity = { ...declared("azure-native:managedidentity:UserAssignedIdentity", "identity", {}), dependencies: [rg.urn] };
    const vault = { ...declared("azure-native:keyvault:Vault", "vault", {}), dependencies: [rg.urn] };
    const pool = { ...declared("azure-native:batch:Pool", "pool", {}), dependencies: [identity.urn, vault.urn, "urn:not-declared"] };
    const app = declared("azuread:index/application:Application", "app", {});
    expect(longestChain([app, pool, vault, identity, rg])).toEqual(["rg", "identity", "pool"]);
});

test("the synthetic large stack adds 500 role assignments and 20 minimal pools in the contract's shape", () => {
    const config = syntheticLargeStack({ "batch-entra:cloud": "public" });
    const assignments = JSON.parse(config["batch-entra:roleAssignments"]);
    const pools = JSON.parse(config["batch-entra:pools"]);
    expect(assignments).toHaveLength(500);
    expect(new Set(assignments.map((assignment: { principalId: string }) => assignment.principalId)).size).toBe(500);
    expect(assignments[0]).toEqual({ principalId: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-8[0-9a-f]{3}-[0-9a-f]{12}$/), principalType: "User", role: "JobSubmitter" });
    expect(pools).toHaveLength(20);
    expect(pools[19]).toEqual({ name: "pool-20", vmSize: "Standard_D2s_v5" });
    expect(config["batch-entra:cloud"]).toBe("public");
});

describe("the offline run skips SDK work nothing reads under mocks", () => {
    test("provider aliases are still registered, but the constructor builds no alias URN Outputs; the SDK is put back after", async () => {
        const pulumi = await import("@pulumi/pulumi");
        const authorization = await import("@pulumi/azure-native/authorization");
        const debuggable = require("@pulumi/pulumi/runtime/debuggable");
        const mergeOptions = pulumi.mergeOptions;
        const debuggablePromise = debuggable.debuggablePromise;
        let aliasOutputs: number | undefined;
        const run = await runOffline({
            config: {},
            program: async () => {
                const assignment = new authorization.RoleAssignment("ra", { principalId: "p", roleDefinitionId: "r", scope: "/subscriptions/s" });
                aliasOutputs = (assignment as unknown as { __aliases: unknown[] }).__aliases.length;
                return {};
            },
        });
        expect(run.resources.map((resource) => resource.type)).toEqual(["pulumi:pulumi:Stack", "azure-native:authorization:RoleAssignment"]);
        // Without the skip, azure-native's nine older RoleAssignment types each become an Output here.
        expect(aliasOutputs).toBe(0);
        expect(pulumi.mergeOptions).toBe(mergeOptions);
        expect(debuggable.debuggablePromise).toBe(debuggablePromise);
    });

    test("the registration still carries the provider's aliases", async () => {
        const pulumi = await import("@pulumi/pulumi");
        const authorization = await import("@pulumi/azure-native/authorization");
        const aliasCounts: number[] = [];
        await runOffline({
            config: {},
            program: async () => {
                const monitor = pulumi.runtime.getMonitor() as any;
                const register = monitor.registerResource.bind(monitor);
                monitor.registerResource = (req: any, callback: any) => {
                    if (req.getType() === "azure-native:authorization:RoleAssignment") aliasCounts.push(req.getAliasesList().length);
                    register(req, callback);
                };
                new authorization.RoleAssignment("ra", { principalId: "p", roleDefinitionId: "r", scope: "/subscriptions/s" });
                return {};
            },
        });
        expect(aliasCounts).toEqual([9]);
    });

    test("a property's Output is made when the program first reads it, with the value the registration returned", async () => {
        const authorization = await import("@pulumi/azure-native/authorization");
        let before: string[] = [];
        let principal: unknown;
        let createdOn: unknown;
        await runOffline({
            config: {},
            // An update, not a preview: in a preview an output the mock does not return is unknown, and apply skips it.
            preview: false,
            program: async () => {
                const assignment = new authorization.RoleAssignment("ra", { principalId: "p-1", roleDefinitionId: "r", scope: "/subscriptions/s" });
                // Without the lazy transfer every property already holds an Output here.
                before = Object.keys(assignment).filter((key) => Object.getOwnPropertyDescriptor(assignment, key)?.get !== undefined);
                principal = await new Promise((resolve) => assignment.principalId.apply(resolve));
                createdOn = await new Promise((resolve) => assignment.createdOn.apply(resolve));
                return {};
            },
        });
        expect(before).toEqual(expect.arrayContaining(["principalId", "createdOn", "roleDefinitionId"]));
        expect(principal).toBe("p-1");
        expect(createdOn).toBeUndefined();
    });
});
