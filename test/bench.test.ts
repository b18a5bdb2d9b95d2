import { longestChain, syntheticLargeStack } from "../tools/bench";
import { declared } from "./policyHelpers";

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
