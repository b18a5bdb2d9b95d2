/**
 * Secrets in stack configuration. No batch-entra key is meant to hold a secret: the program creates its secrets
 * (the client secret, certificates) and keeps them as Pulumi secrets. Provider keys may hold one
 * (`azure-native:clientSecret`), but then only as a `secure:` value, set with `pulumi config set --secret`.
 */

/** The fix every secret-related warning names. */
export const SET_AS_SECRET_FIX =
    "keep secrets out of plain-text configuration: store a provider credential with `pulumi config set --secret <key> <value>`, " +
    "or better use OIDC or a managed identity; batch-entra's own keys, tags and descriptions never need a secret";

/**
 * Shapes of credentials, each with what it is called in the warning (the value itself is never shown).
 * Sources: client secrets the Entra portal issues are 40 characters with "Q~" after the fourth (three characters, a
 * digit, "Q~", then 34), the shape secret scanners match (not found on a Microsoft page offline; a warning only);
 * GitHub token prefixes ghp_, gho_, ghu_, ghs_, ghr_ and github_pat_ ("About authentication to GitHub", GitHub's token
 * formats, https://docs.github.com/authentication/keeping-your-account-and-data-secure/about-authentication-to-github#githubs-token-formats);
 * storage account keys and SAS signatures in connection strings ("Configure Azure Storage connection strings",
 * https://learn.microsoft.com/azure/storage/common/storage-configure-connection-string).
 */
const CREDENTIAL_SHAPES: readonly { readonly name: string; readonly pattern: RegExp }[] = [
    { name: "an Entra ID client secret", pattern: /(?:^|[^A-Za-z0-9_~.-])[A-Za-z0-9_~.-]{3}\dQ~[A-Za-z0-9_~.-]{31,34}(?![A-Za-z0-9_~.-])/ },
    { name: "a GitHub token", pattern: /\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})\b/ },
    { name: "a password in a connection string", pattern: /\b(?:password|pwd|passwd)\s*[=:]\s*[^\s;,"'}]+/i },
    { name: "a storage account key", pattern: /\bAccountKey=[A-Za-z0-9+/]{20,}={0,2}/i },
    { name: "a shared access signature", pattern: /[?&;]sig=[A-Za-z0-9%+/=]{16,}/i },
    { name: "a private key", pattern: /-----BEGIN [A-Z ]*PRIVATE KEY-----/ },
    { name: "a bearer token (JWT)", pattern: /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/ },
];

/** What kind of credential `value` looks like, or undefined. */
export function credentialShape(value: string): string | undefined {
    return CREDENTIAL_SHAPES.find((shape) => shape.pattern.test(value))?.name;
}

/**
 * Provider keys whose name says they hold a credential (`azure-native:clientSecret`, `azuread:clientCertificatePassword`,
 * `azure:oidcToken`); keys that name where a credential lives (`...FilePath`, `...Url`) are not credentials themselves.
 */
export function isCredentialKeyName(fullKey: string): boolean {
    const name = fullKey.slice(fullKey.indexOf(":") + 1);
    return /(secret|password|passwd|token|accesskey|apikey|privatekey|sastoken|connectionstring)/i.test(name) && !/(path|file|url|uri|env|type|id)$/i.test(name);
}
