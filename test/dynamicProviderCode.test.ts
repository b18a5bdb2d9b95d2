import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { grantPropagationWaitProvider } from "../features/keyVault/grantPropagationWait";
import { poolScaleProvider } from "../features/pools/poolScale";
import { findResource } from "../tools/offlineRuntime";
import { runWith } from "./helpers";

const GRANT_WAIT = "pulumi-nodejs:dynamic/batch-entra:GrantPropagationWait";
const POOL_SCALE = "pulumi-nodejs:dynamic/batch-entra:PoolScale";

/** Loads a `__provider` as Pulumi's dynamic-provider host does at deploy time (cmd/dynamic-provider: `getProvider`). */
function loadAsTheProviderHost(code: string): pulumi.dynamic.ResourceProvider {
    const requireFromString = require(require.resolve("require-from-string", { paths: [path.dirname(require.resolve("@pulumi/pulumi"))] })) as (code: string) => {
        handler(): pulumi.dynamic.ResourceProvider;
    };
    return requireFromString(code).handler();
}

/** What the SDK's dynamic Resource puts in `__provider`, serialized by the SDK itself, outside the offline run. */
async function serializedBySdk(provider: pulumi.dynamic.ResourceProvider): Promise<string> {
    return (await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true })).text;
}

/**
 * The offline run serializes the dynamic providers through its own inspector session (no debugger), and every pool
 * shares one PoolScale provider; what a deploy receives must not change for either reason.
 */
describe("the dynamic providers' code in a plan", () => {
    test("is the text the SDK's own serializer gives, and every pool gets the same", async () => {
        const run = await runWith({ pools: [{ name: "pool-01", vmSize: "Standard_D2s_v5" }, { name: "pool-02", vmSize: "Standard_D2s_v5" }] });
        const wait = findResource(run, GRANT_WAIT, "pool-vault-grant-propagation").inputs.__provider;
        const scales = ["pool-pool-01-scale", "pool-pool-02-scale"].map((name) => findResource(run, POOL_SCALE, name).inputs.__provider);

        expect(wait).toBe(await serializedBySdk(grantPropagationWaitProvider));
        expect(scales[0]).toBe(await serializedBySdk(poolScaleProvider()));
        expect(scales[1]).toBe(scales[0]);
    });

    test("loads and answers as the dynamic-provider host runs it", async () => {
        const run = await runWith();
        const wait = loadAsTheProviderHost(findResource(run, GRANT_WAIT, "pool-vault-grant-propagation").inputs.__provider);
        const scale = loadAsTheProviderHost(findResource(run, POOL_SCALE, "pool-pool-01-scale").inputs.__provider);

        const vault = { vaultUri: "https://kv.vault.azure.net/", grantId: "a" };
        expect(await wait.diff!("a", vault, { ...vault, grantId: "b" })).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
        expect(await wait.diff!("a", vault, { ...vault })).toMatchObject({ changes: false });

        const pool = {
            poolResourceId: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Batch/batchAccounts/acct/pools/pool-01",
            resourceManager: "https://management.azure.com/",
            scaleSettings: { fixedScale: { targetDedicatedNodes: 0, targetLowPriorityNodes: 0 } },
        };
        expect(await scale.create!(pool)).toEqual({ id: pool.poolResourceId, outs: pool });
        expect(await scale.diff!(pool.poolResourceId, pool, { ...pool, poolResourceId: `${pool.poolResourceId}-2` })).toMatchObject({
            changes: true,
            replaces: ["poolResourceId"],
        });
    });
});
