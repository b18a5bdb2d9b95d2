import * as pulumi from "@pulumi/pulumi";

/**
 * Key Vault applies a new RBAC grant to its data plane only after a delay: Microsoft documents up to ten minutes, and
 * most grants work within seconds. Instead of sleeping a fixed time, this resource asks the vault's data plane, with
 * the deployer's own credential, until the grant works, and fails with a clear error after a limit.
 */
export interface GrantPropagationWaitArgs {
    /** Required. The vault's data-plane URI, e.g. `https://kv-dev.vault.azure.net/`. */
    vaultUri: pulumi.Input<string>;
    /** Required. ID of the role assignment waited for; a new grant (a new ID) runs the wait again. */
    grantId: pulumi.Input<string>;
    /** Optional. Give up after this many seconds. Default: 900 (Microsoft documents up to ten minutes). */
    timeoutSeconds?: pulumi.Input<number>;
    /** Optional. Seconds between two attempts. Default: 5. */
    pollSeconds?: pulumi.Input<number>;
}

export const DEFAULT_GRANT_WAIT_TIMEOUT_SECONDS = 900;
export const DEFAULT_GRANT_WAIT_POLL_SECONDS = 5;

/** The answer of one data-plane request; `status` 0 when no answer came (DNS, connection or TLS failure). */
export interface DataPlaneAnswer {
    readonly status: number;
    readonly detail: string;
}

export interface WaitDependencies {
    /** An access token for the vault's data plane (`https://vault.azure.net/.default` in the public cloud). */
    readonly getToken: (scope: string) => Promise<string>;
    /** One GET with a bearer token. */
    readonly get: (url: string, token: string) => Promise<DataPlaneAnswer>;
    readonly sleep: (ms: number) => Promise<void>;
    readonly now: () => number;
}

export interface WaitOutcome {
    readonly attempts: number;
    readonly waitedSeconds: number;
}

/** The data plane's token scope: the vault host without its first label (`kv.vault.azure.net` → `https://vault.azure.net/.default`). */
export function dataPlaneScope(vaultUri: string): string {
    const host = new URL(vaultUri).host;
    return `https://${host.slice(host.indexOf(".") + 1)}/.default`;
}

/**
 * Lists one certificate (what the certificates officer's grant allows) until the vault answers 200. A 401 or 403
 * (`ForbiddenByRbac` while the grant propagates), a 5xx or no answer are retried; after `timeoutSeconds` the wait
 * fails and says what the vault last answered.
 */
export async function waitUntilGranted(
    inputs: { vaultUri: string; grantId: string; timeoutSeconds?: number; pollSeconds?: number },
    dependencies: WaitDependencies,
): Promise<WaitOutcome> {
    const timeoutMs = (inputs.timeoutSeconds ?? DEFAULT_GRANT_WAIT_TIMEOUT_SECONDS) * 1000;
    const pollMs = (inputs.pollSeconds ?? DEFAULT_GRANT_WAIT_POLL_SECONDS) * 1000;
    const started = dependencies.now();
    const url = `${inputs.vaultUri.replace(/\/+$/, "")}/certificates?maxresults=1&api-version=7.4`;
    let attempts = 0;
    let last: DataPlaneAnswer = { status: 0, detail: "no attempt made" };
    for (;;) {
        attempts++;
        try {
            last = await dependencies.get(url, await dependencies.getToken(dataPlaneScope(inputs.vaultUri)));
        } catch (error) {
            last = { status: 0, detail: (error as Error).message };
        }
        if (last.status >= 200 && last.status < 300) {
            return { attempts, waitedSeconds: Math.round((dependencies.now() - started) / 1000) };
        }
        const retryable = last.status === 0 || last.status === 401 || last.status === 403 || last.status === 429 || last.status >= 500;
        const elapsed = dependencies.now() - started;
        if (!retryable || elapsed + pollMs > timeoutMs) {
            throw new Error(
                `Key Vault ${inputs.vaultUri} did not accept the certificate manager's grant ${inputs.grantId} ` +
                    `${retryable ? `within ${Math.round(timeoutMs / 1000)} s` : ""} (${attempts} attempts; last answer: ` +
                    `${last.status === 0 ? "none" : `HTTP ${last.status}`}: ${last.detail}). Check that the role assignment exists and ` +
                    "names the identity that runs `pulumi up`; a grant can take up to ten minutes to reach the data plane, " +
                    "so running `pulumi up` again continues where this stopped.",
            );
        }
        await dependencies.sleep(pollMs);
    }
}

/** One HTTPS GET with a bearer token; `ca` adds a trusted certificate authority (the tests' local fake). */
export function httpsGet(url: string, token: string, ca?: string): Promise<DataPlaneAnswer> {
    const https = require("https") as typeof import("https");
    return new Promise((resolve, reject) => {
        const request = https.get(url, { headers: { authorization: `Bearer ${token}` }, timeout: 30_000, ...(ca ? { ca } : {}) }, (response) => {
            let body = "";
            response.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
            response.on("end", () => resolve({ status: response.statusCode ?? 0, detail: body.slice(0, 300) }));
        });
        request.on("timeout", () => request.destroy(new Error("no answer within 30 s")));
        request.on("error", reject);
    });
}

/** Production dependencies: the deployer's Azure sign-in (CLI, environment, workload or managed identity) and HTTPS. */
function azureDependencies(): WaitDependencies {
    // Required here, not at the top: the provider's code runs inside the Pulumi engine's dynamic provider host.
    const identity = require("@azure/identity") as typeof import("@azure/identity");
    const credential = new identity.DefaultAzureCredential();
    return {
        getToken: async (scope) => {
            const token = await credential.getToken(scope);
            if (!token) throw new Error(`no access token for ${scope}`);
            return token.token;
        },
        get: (url, token) => httpsGet(url, token),
        sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
        now: () => Date.now(),
    };
}

type WaitInputs = { vaultUri: string; grantId: string; timeoutSeconds?: number; pollSeconds?: number };

/**
 * The dynamic provider. A changed grant or vault is an update that waits again; nothing is ever replaced, and
 * delete has nothing to remove.
 */
export const grantPropagationWaitProvider: pulumi.dynamic.ResourceProvider = {
    async create(inputs: WaitInputs) {
        const outcome = await waitUntilGranted(inputs, azureDependencies());
        return { id: inputs.grantId, outs: { ...inputs, ...outcome } };
    },
    async diff(_id: string, olds: WaitInputs, news: WaitInputs) {
        const changes = olds.vaultUri !== news.vaultUri || olds.grantId !== news.grantId;
        return { changes, replaces: [], deleteBeforeReplace: false };
    },
    async update(_id: string, _olds: WaitInputs, news: WaitInputs) {
        const outcome = await waitUntilGranted(news, azureDependencies());
        return { outs: { ...news, ...outcome } };
    },
};

/** Ends as soon as the certificate manager's grant on the vault works; see waitUntilGranted. */
export class GrantPropagationWait extends pulumi.dynamic.Resource {
    public readonly attempts!: pulumi.Output<number>;
    public readonly waitedSeconds!: pulumi.Output<number>;

    constructor(name: string, args: GrantPropagationWaitArgs, opts?: pulumi.CustomResourceOptions) {
        super(grantPropagationWaitProvider, name, { ...args, attempts: undefined, waitedSeconds: undefined }, opts, "batch-entra", "GrantPropagationWait");
    }
}
