import { execFile } from "child_process";
import { CLOUDS } from "../../config/clouds";

/** Everything a sign-in check needs; the same shape whether it came from the environment or the stack outputs. */
export interface VerifyInputs {
    /** Where the values came from, for the report ("environment variables" or `stack "dev"`). */
    readonly source: string;
    readonly tenantId: string;
    readonly clientId: string;
    /** Absent when only integrated (device-code) sign-in is checked, or the app signs in with a certificate. */
    readonly clientSecret?: string;
    /** PEM with the app's certificate and private key: sign in with ClientCertificateCredential instead of a secret. */
    readonly clientCertificatePem?: string;
    /** Versionless Key Vault secret URL the credential can be read from (`--from-key-vault`). */
    readonly keyVaultSecretUrl?: string;
    /** Entra ID authority host without a trailing slash, e.g. `https://login.microsoftonline.com`. */
    readonly authorityHost: string;
    /** `https://<account>.<region>.batch.azure.com`, no trailing slash. */
    readonly batchAccountUrl: string;
    /** Client-credentials scope, e.g. `https://batch.core.windows.net//.default`. */
    readonly batchScope: string;
    /** Delegated scope for integrated sign-in, e.g. `https://batch.core.windows.net/user_impersonation`. */
    readonly batchUserImpersonationScope: string;
}

/** Input that cannot be used: missing or malformed. The message says which value and how to supply it. */
export class InputError extends Error {}

/** Environment variables read, in the Azure SDK's own names where one exists. */
export const ENVIRONMENT_VARIABLES = [
    "AZURE_TENANT_ID",
    "AZURE_CLIENT_ID",
    "AZURE_CLIENT_SECRET",
    "AZURE_AUTHORITY_HOST",
    "BATCH_ACCOUNT_URL",
    "BATCH_RESOURCE",
    "AZURE_CLIENT_CERTIFICATE_PATH",
    "CLIENT_CREDENTIAL_KEY_VAULT_URL",
] as const;

const PUBLIC_CLOUD = CLOUDS.public;

/** True when any variable that names an app or an account is set: the environment then wins over the stack. */
export function environmentHasInputs(env: NodeJS.ProcessEnv): boolean {
    return ["AZURE_TENANT_ID", "AZURE_CLIENT_ID", "BATCH_ACCOUNT_URL"].some((name) => nonEmpty(env[name]) !== undefined);
}

export function inputsFromEnvironment(env: NodeJS.ProcessEnv, needSecret: boolean): VerifyInputs {
    const missing: string[] = [];
    const required = (name: string): string => {
        const value = nonEmpty(env[name]);
        if (value === undefined) missing.push(name);
        return value ?? "";
    };
    const tenantId = required("AZURE_TENANT_ID");
    const clientId = required("AZURE_CLIENT_ID");
    const clientSecret = needSecret ? required("AZURE_CLIENT_SECRET") : nonEmpty(env.AZURE_CLIENT_SECRET);
    const accountUrl = required("BATCH_ACCOUNT_URL");
    if (missing.length > 0) {
        throw new InputError(
            `missing environment variable${missing.length > 1 ? "s" : ""} ${missing.join(", ")} ` +
                `(e.g. AZURE_TENANT_ID=00000000-0000-0000-0000-000000000000, ` +
                `BATCH_ACCOUNT_URL=https://myaccount.westeurope.batch.azure.com)`,
        );
    }
    const resource = batchResource(nonEmpty(env.BATCH_RESOURCE) ?? PUBLIC_CLOUD.batchResource, "BATCH_RESOURCE");
    return {
        source: "environment variables",
        tenantId,
        clientId,
        clientSecret,
        authorityHost: authorityHost(nonEmpty(env.AZURE_AUTHORITY_HOST) ?? PUBLIC_CLOUD.authorityHost, "AZURE_AUTHORITY_HOST"),
        batchAccountUrl: accountUrlOf(accountUrl, "BATCH_ACCOUNT_URL"),
        batchScope: `${resource}/.default`,
        batchUserImpersonationScope: `${resource}user_impersonation`,
        keyVaultSecretUrl: nonEmpty(env.CLIENT_CREDENTIAL_KEY_VAULT_URL),
    };
}

/**
 * Builds the inputs from `pulumi stack output --json --show-secrets`. The account URL may be missing from stacks
 * deployed before the program published it; BATCH_ACCOUNT_URL (and BATCH_RESOURCE) then fill in.
 */
export function inputsFromStackOutputs(
    outputs: Record<string, unknown>,
    stackLabel: string,
    env: NodeJS.ProcessEnv,
    needSecret: boolean,
): VerifyInputs {
    const missing: string[] = [];
    const output = (name: string, required = true): string | undefined => {
        const value = outputs[name];
        if (typeof value === "string" && value.trim() !== "") return value.trim();
        if (required) missing.push(name);
        return undefined;
    };
    if (needSecret && (outputs.clientCredential === "certificate" || outputs.clientCredential === "none")) {
        throw new InputError(
            `${stackLabel} has clientCredential "${outputs.clientCredential}", so no client secret: ` +
                "use --from-key-vault (certificate) or --certificate, or --interactive",
        );
    }
    const tenantId = output("tenantId");
    const clientId = output("clientId");
    const clientSecret = output("clientSecret", needSecret);
    const host = output("authorityHost", false) ?? PUBLIC_CLOUD.authorityHost;
    const accountUrl = output("batchAccountUrl", false) ?? nonEmpty(env.BATCH_ACCOUNT_URL);
    if (missing.length > 0) {
        throw new InputError(
            `${stackLabel} has no output ${missing.join(", ")}: run \`pulumi up\` for this stack first, ` +
                `or set the AZURE_* environment variables instead (see --help)`,
        );
    }
    if (accountUrl === undefined) {
        throw new InputError(
            `${stackLabel} publishes no batchAccountUrl: set BATCH_ACCOUNT_URL ` +
                `(e.g. BATCH_ACCOUNT_URL=https://myaccount.westeurope.batch.azure.com)`,
        );
    }
    const resource = batchResource(
        nonEmpty(env.BATCH_RESOURCE) ?? output("batchResourceUri", false) ?? PUBLIC_CLOUD.batchResource,
        "batchResourceUri",
    );
    return {
        source: stackLabel,
        tenantId: tenantId as string,
        clientId: clientId as string,
        clientSecret,
        authorityHost: authorityHost(host, "authorityHost"),
        batchAccountUrl: accountUrlOf(accountUrl, "batchAccountUrl"),
        batchScope: output("batchScope", false) ?? `${resource}/.default`,
        batchUserImpersonationScope: output("batchUserImpersonationScope", false) ?? `${resource}user_impersonation`,
        keyVaultSecretUrl:
            nonEmpty(env.CLIENT_CREDENTIAL_KEY_VAULT_URL) ?? output("clientCertificateKeyVaultUrl", false) ?? output("clientSecretKeyVaultUrl", false),
    };
}

/** Runs the Pulumi CLI for the stack's outputs, secrets included (they stay in this process's memory). */
export function readStackOutputs(stack: string | undefined): Promise<Record<string, unknown>> {
    const args = ["stack", "output", "--json", "--show-secrets", ...(stack ? ["--stack", stack] : [])];
    return new Promise((resolve, reject) => {
        execFile("pulumi", args, { maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
            if (error && (error as NodeJS.ErrnoException).code === "ENOENT") {
                reject(
                    new InputError(
                        "no inputs: set AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET and BATCH_ACCOUNT_URL, " +
                            "or install the Pulumi CLI so the stack outputs can be read (see --help)",
                    ),
                );
                return;
            }
            if (error) {
                reject(new InputError(`\`pulumi ${args.join(" ")}\` failed: ${stderr.trim() || error.message}`));
                return;
            }
            try {
                const parsed: unknown = JSON.parse(stdout);
                if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
                    throw new Error("not a JSON object");
                }
                resolve(parsed as Record<string, unknown>);
            } catch (parseError) {
                reject(new InputError(`\`pulumi ${args.join(" ")}\` printed no JSON object: ${(parseError as Error).message}`));
            }
        });
    });
}

/**
 * Hosts whose instance metadata MSAL knows or can discover through the public cloud; for any other host (sovereign
 * clouds, Azure Stack, a test fake) instance discovery would ask the public cloud about a host it does not serve.
 */
const PUBLIC_AUTHORITY_HOSTS = new Set(["login.microsoftonline.com", "login.microsoft.com", "login.windows.net", "sts.windows.net"]);

export function isPublicCloudAuthority(host: string): boolean {
    return PUBLIC_AUTHORITY_HOSTS.has(new URL(host).hostname.toLowerCase());
}

export function nonEmpty(value: string | undefined): string | undefined {
    const trimmed = value?.trim();
    return trimmed ? trimmed : undefined;
}

function httpsUrl(value: string, name: string, example: string): URL {
    let url: URL;
    try {
        url = new URL(value);
    } catch {
        throw new InputError(`${name} "${value}" is not a URL (e.g. ${example})`);
    }
    if (url.protocol !== "https:") {
        throw new InputError(`${name} "${value}" must use https (e.g. ${example})`);
    }
    return url;
}

function authorityHost(value: string, name: string): string {
    const url = httpsUrl(value, name, PUBLIC_CLOUD.authorityHost);
    return `${url.origin}${url.pathname}`.replace(/\/+$/, "");
}

/** Account endpoints are published without a scheme by the Batch resource provider; accept both forms. */
function accountUrlOf(value: string, name: string): string {
    const withScheme = /^[a-z]+:\/\//i.test(value) ? value : `https://${value}`;
    const url = httpsUrl(withScheme, name, "https://myaccount.westeurope.batch.azure.com");
    return url.origin;
}

/** The Batch resource keeps its trailing slash: the audience must match it exactly. */
function batchResource(value: string, name: string): string {
    const url = httpsUrl(value, name, PUBLIC_CLOUD.batchResource);
    return `${url.origin}/`;
}
