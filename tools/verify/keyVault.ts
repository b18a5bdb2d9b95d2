import { AzureCliCredential, TokenCredential } from "@azure/identity";
import { InputError } from "./inputs";

/** Key Vault's data-plane REST version for `Get Secret`. */
export const KEY_VAULT_API_VERSION = "7.4";
/** The content type of a certificate's secret when its policy asks for PEM: private key and certificate. */
export const PEM_CONTENT_TYPE = "application/x-pem-file";

/** What Key Vault handed over: a client secret, or a PEM holding the certificate and its private key. */
export type VaultCredential = { readonly kind: "secret"; readonly value: string } | { readonly kind: "certificate"; readonly pem: string };

/** The Key Vault resource of the vault's cloud, told by its DNS suffix; the public cloud for any other host. */
export function keyVaultScope(secretUrl: string): string {
    const host = new URL(secretUrl).hostname.toLowerCase();
    for (const suffix of ["vault.usgovcloudapi.net", "vault.azure.cn"]) {
        if (host.endsWith(`.${suffix}`)) return `https://${suffix}/.default`;
    }
    return "https://vault.azure.net/.default";
}

/**
 * The caller's own identity (`az login`), not the app's: reading the credential must not need the credential. A
 * reader is granted Key Vault Secrets User on the secret by `clientCredentialReaders`.
 */
export function callerCredential(tenantId: string): TokenCredential {
    return new AzureCliCredential({ tenantId });
}

/** `GET {secretUrl}?api-version=7.4` with the caller's token: the versionless URL answers with the current version. */
export async function readVaultCredential(secretUrl: string, caller: TokenCredential): Promise<VaultCredential> {
    let url: URL;
    try {
        url = new URL(secretUrl);
    } catch {
        throw new InputError(`the Key Vault secret URL "${secretUrl}" is not a URL (e.g. https://kv-dev-creds-1a2b3c.vault.azure.net/secrets/batch-client-secret)`);
    }
    if (url.protocol !== "https:" || !/^\/secrets\/[A-Za-z0-9-]+\/?$/.test(url.pathname)) {
        throw new InputError(`"${secretUrl}" is not a versionless Key Vault secret URL (https://<vault>.vault.azure.net/secrets/<name>)`);
    }
    let token: string;
    try {
        token = (await caller.getToken(keyVaultScope(secretUrl)))?.token ?? "";
    } catch (error) {
        throw new InputError(`could not get a Key Vault token as yourself (run \`az login\` first): ${(error as Error).message.split("\n")[0]}`);
    }
    let response: Response;
    try {
        response = await fetch(`${url.origin}${url.pathname.replace(/\/$/, "")}?api-version=${KEY_VAULT_API_VERSION}`, {
            headers: { authorization: `Bearer ${token}`, accept: "application/json" },
            signal: AbortSignal.timeout(60_000),
        });
    } catch (error) {
        throw new InputError(`Key Vault at ${url.origin} could not be reached: ${(error as Error).message}`);
    }
    const body = (await response.json().catch(() => ({}))) as { value?: unknown; contentType?: unknown; error?: { code?: string; message?: string } };
    if (response.status === 403) {
        throw new InputError(
            `Key Vault refused to read ${secretUrl} for you (HTTP 403${body.error?.code ? ` ${body.error.code}` : ""}): add your object ID to ` +
                "batch-entra:clientCredentialReaders (Key Vault Secrets User on this secret) and run `pulumi up`; new grants take a few minutes",
        );
    }
    if (!response.ok || typeof body.value !== "string") {
        throw new InputError(`Key Vault answered HTTP ${response.status} for ${secretUrl}: ${body.error?.message ?? "no secret value"}`);
    }
    return body.contentType === PEM_CONTENT_TYPE ? { kind: "certificate", pem: body.value } : { kind: "secret", value: body.value };
}
