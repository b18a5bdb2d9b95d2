import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { grantPropagationWaitProvider } from "../features/keyVault/grantPropagationWait";
import { poolScaleProvider } from "../features/pools/poolScale";
import { DeclaredResource, UNSERIALIZED_PROVIDER, findResource, runOffline } from "../tools/offlineRuntime";
import { capturedPlan } from "./planCli";
import { exampleStackConfig, runWith } from "./helpers";

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

    test("a plan that shows no input does not serialize it, even after one that did, and declares everything else the same", async () => {
        // The serialized run first: the SDK keeps a provider object's code once serialized, and must not hand it on.
        const serialized = await runWith();
        const skipped = (await runOffline({ config: exampleStackConfig(), serializeDynamicProviders: false })).resources;

        const dynamic = skipped.filter((resource) => resource.type.startsWith("pulumi-nodejs:dynamic/")).map((resource) => resource.inputs.__provider);
        expect(dynamic).toEqual([UNSERIALIZED_PROVIDER, UNSERIALIZED_PROVIDER]);
        const withoutCode = (resources: readonly DeclaredResource[]) =>
            resources.map(({ inputs: { __provider: _code, ...inputs }, ...resource }) => ({ ...resource, inputs: JSON.parse(JSON.stringify(inputs)) }));
        expect(withoutCode(skipped)).toEqual(withoutCode(serialized.resources));
        // The SDK's cache is back for the runs after it.
        expect(findResource(await runWith(), POOL_SCALE, "pool-pool-01-scale").inputs.__provider).toBe(findResource(serialized, POOL_SCALE, "pool-pool-01-scale").inputs.__provider);

        // --details shows the code's size, so that plan serializes it.
        const code = findResource(serialized, POOL_SCALE, "pool-pool-01-scale").inputs.__provider as string;
        expect((await capturedPlan(["--details"])).out).toContain(`__provider: (serialized dynamic provider, ${code.length} characters)`);
    });
});
