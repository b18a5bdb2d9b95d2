import * as pulumi from "@pulumi/pulumi";

/** The Batch management API version azure-native's Pool uses (its docs: "Uses Azure REST API version 2024-07-01"). */
export const POOL_SCALE_API_VERSION = "2024-07-01";

export type PoolScaleSettings =
    | { fixedScale: { targetDedicatedNodes: number; targetLowPriorityNodes: number } }
    | { autoScale: { formula: string; evaluationInterval: string } };

export interface PoolScaleInputs {
    /** ARM ID of the pool. */
    poolResourceId: string;
    scaleSettings: PoolScaleSettings;
    /** Resource Manager endpoint of the stack's cloud, e.g. `https://management.azure.com/`. */
    resourceManager: string;
}

export interface PoolScaleRequest {
    method: "PATCH";
    url: string;
    body: { properties: { scaleSettings: PoolScaleSettings } };
}

/**
 * The request that resizes a pool: ARM's Pool - Update (PATCH) with the scale settings alone, as in the API's own
 * "PoolUpdate_ResizePool" and "PoolUpdate_EnableAutoScale" examples. Properties left out are left unchanged, so
 * `deploymentConfiguration`, which Batch refuses to see again (PropertyCannotBeUpdated), is never sent.
 */
export function poolScaleRequest(inputs: PoolScaleInputs): PoolScaleRequest {
    const base = inputs.resourceManager.replace(/\/+$/, "");
    return {
        method: "PATCH",
        url: `${base}${inputs.poolResourceId}?api-version=${POOL_SCALE_API_VERSION}`,
        body: { properties: { scaleSettings: inputs.scaleSettings } },
    };
}

/** Gets an ARM access token; the default signs in as the Azure SDK does (environment, workload identity, Azure CLI). */
export type TokenSource = (scope: string) => Promise<string>;

/**
 * A Pulumi dynamic provider that applies a pool's scale settings with a PATCH. Its functions are serialized into the
 * stack (Pulumi runs them in the update), so they capture nothing but the token source and load modules on use.
 */
export function poolScaleProvider(tokenSource?: TokenSource): pulumi.dynamic.ResourceProvider {
    const send = async (inputs: PoolScaleInputs): Promise<void> => {
        const request = poolScaleRequest(inputs);
        const scope = `${inputs.resourceManager.replace(/\/+$/, "")}/.default`;
        const token = tokenSource
            ? await tokenSource(scope)
            : (await new (require("@azure/identity") as typeof import("@azure/identity")).DefaultAzureCredential().getToken(scope)).token;
        const response = await fetch(request.url, {
            method: request.method,
            headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
            body: JSON.stringify(request.body),
        });
        if (!response.ok) {
            throw new Error(`Resizing pool ${inputs.poolResourceId} failed: ${response.status} ${await response.text()}`);
        }
    };
    return {
        // The pool was just created with these settings; a resize sent now would race the pool's first allocation.
        async create(inputs: PoolScaleInputs) {
            return { id: inputs.poolResourceId, outs: inputs };
        },
        async diff(_id: string, olds: PoolScaleInputs, news: PoolScaleInputs) {
            const replaces = olds.poolResourceId === news.poolResourceId ? [] : ["poolResourceId"];
            const changes = replaces.length > 0 || JSON.stringify(olds.scaleSettings) !== JSON.stringify(news.scaleSettings);
            return { changes, replaces, deleteBeforeReplace: false };
        },
        async update(_id: string, _olds: PoolScaleInputs, news: PoolScaleInputs) {
            await send(news);
            return { outs: news };
        },
        // The pool keeps its size when this goes; deleting the pool removes its nodes.
        async delete() {},
    };
}

/**
 * The provider every PoolScale without its own token source shares. The SDK serializes a dynamic provider once per
 * provider object (and reuses the text for the same object), so one shared object means one serialization per
 * `pulumi up` instead of one per pool; each pool still gets the same `__provider` text.
 */
const defaultPoolScaleProvider = poolScaleProvider();

export interface PoolScaleArgs {
    poolResourceId: pulumi.Input<string>;
    scaleSettings: pulumi.Input<PoolScaleSettings>;
    resourceManager: pulumi.Input<string>;
}

/**
 * A pool's size, applied apart from the pool: azure-native updates a pool with a full PUT that repeats
 * `deploymentConfiguration`, which Batch refuses for an existing pool, so the pool ignores scale changes and this
 * resource sends them as a PATCH. See docs/certificate-rotating-pools.md.
 */
export class PoolScale extends pulumi.dynamic.Resource {
    constructor(name: string, args: PoolScaleArgs, opts?: pulumi.CustomResourceOptions, tokenSource?: TokenSource) {
        super(tokenSource ? poolScaleProvider(tokenSource) : defaultPoolScaleProvider, name, args, opts, "batch-entra", "PoolScale");
    }
}
