import * as http from "http";
import { AddressInfo } from "net";
import { POOL_SCALE_API_VERSION, PoolScaleInputs, poolScaleProvider } from "../components/poolScale";
import { findResource } from "../tools/offlineRuntime";
import { runWith } from "./helpers";

const POOL = "azure-native:batch:Pool";
const POOL_SCALE = "pulumi-nodejs:dynamic/batch-entra:PoolScale";

interface Received {
    method?: string;
    url?: string;
    authorization?: string;
    body: any;
}

/** A stand-in for Azure Resource Manager on 127.0.0.1 that records each request and answers 200. */
async function withArm<T>(run: (endpoint: string, received: Received[]) => Promise<T>): Promise<T> {
    const received: Received[] = [];
    const server = http.createServer((request, response) => {
        let text = "";
        request.on("data", (chunk) => (text += chunk));
        request.on("end", () => {
            received.push({ method: request.method, url: request.url, authorization: request.headers.authorization, body: JSON.parse(text) });
            response.writeHead(200, { "content-type": "application/json" }).end("{}");
        });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
        return await run(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`, received);
    } finally {
        await new Promise((resolve) => server.close(resolve));
    }
}

/**
 * Scenario: the team raises a pool from 0 to 4 dedicated nodes (later: to an autoscale formula) in the stack file and
 * runs `pulumi up`. The pool itself must not be updated (its full PUT repeats deploymentConfiguration, which Batch
 * refuses) nor replaced; the size goes out as a PATCH with nothing but the scale settings.
 */
describe("scale change", () => {
    const pools = (scale: Record<string, unknown>) => [{ name: "pool-01", vmSize: "Standard_D2s_v5", ...scale }];

    test("a scale change reaches only the PoolScale resource; the pool's own inputs stay the same and it ignores scaleSettings", async () => {
        const before = await runWith({ pools: pools({ dedicatedNodes: 0 }) });
        const after = await runWith({ pools: pools({ dedicatedNodes: 4 }) });
        const [poolBefore, poolAfter] = [before, after].map((run) => findResource(run, POOL, "pool-pool-01-pool"));
        expect(poolAfter.options.ignoreChanges).toContain("scaleSettings");
        expect(poolAfter.options.replaceOnChanges).not.toContain("scaleSettings");
        const { scaleSettings: _ignored, ...rest } = poolAfter.inputs;
        const { scaleSettings: _created, ...restBefore } = poolBefore.inputs;
        expect(rest).toEqual(restBefore);
        const scale = findResource(after, POOL_SCALE, "pool-pool-01-scale");
        expect(scale.inputs.scaleSettings).toEqual({ fixedScale: { targetDedicatedNodes: 4, targetLowPriorityNodes: 0 } });
        expect(scale.inputs.poolResourceId).toMatch(/\/providers\/Microsoft\.Batch\/batchAccounts\/[^/]+\/pools\/pool-01$/);
        expect(scale.inputs.resourceManager).toBe("https://management.azure.com/");
    });

    test("the provider sees a change, not a replacement, and sends a PATCH of the scale settings alone", async () => {
        await withArm(async (endpoint, received) => {
            const provider = poolScaleProvider(async (scope) => `token-for ${scope}`);
            const poolResourceId = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Batch/batchAccounts/acct/pools/pool-01";
            const olds: PoolScaleInputs = { poolResourceId, resourceManager: endpoint, scaleSettings: { fixedScale: { targetDedicatedNodes: 0, targetLowPriorityNodes: 0 } } };
            const news: PoolScaleInputs = { ...olds, scaleSettings: { autoScale: { formula: "$TargetDedicatedNodes = 2;", evaluationInterval: "PT15M" } } };

            const diff = await provider.diff!(poolResourceId, olds, news);
            expect(diff).toMatchObject({ changes: true, replaces: [] });
            expect(await provider.diff!(poolResourceId, olds, olds)).toMatchObject({ changes: false });

            await provider.update!(poolResourceId, olds, news);
            expect(received).toEqual([
                {
                    method: "PATCH",
                    url: `${poolResourceId}?api-version=${POOL_SCALE_API_VERSION}`,
                    authorization: `Bearer token-for ${endpoint.replace(/\/$/, "")}/.default`,
                    body: { properties: { scaleSettings: news.scaleSettings } },
                },
            ]);
            // Creating the resource sends nothing: the pool was just created with these settings.
            await provider.create!(news);
            expect(received).toHaveLength(1);
        });
    });

    test("a refused resize fails the update with the service's answer", async () => {
        const server = http.createServer((_request, response) => response.writeHead(409, { "content-type": "application/json" }).end('{"error":{"code":"PoolNotSteady"}}'));
        await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
        try {
            const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
            const provider = poolScaleProvider(async () => "token");
            const inputs: PoolScaleInputs = { poolResourceId: "/subscriptions/s/pools/p", resourceManager: endpoint, scaleSettings: { fixedScale: { targetDedicatedNodes: 1, targetLowPriorityNodes: 0 } } };
            await expect(provider.update!("id", inputs, inputs)).rejects.toThrow(/409.*PoolNotSteady/);
        } finally {
            await new Promise((resolve) => server.close(resolve));
        }
    });
});
