import { ClientAppSettings } from "../clientApp/config";
import { ACTION_GROUP_EMAILS, FEDERATED_CREDENTIALS_PER_APP } from "../../azure/limits";
import { shown } from "../../config/messages";
import { ConfigReader, EXAMPLE_GUID, isGuid } from "../../config/reader";
import { defineKey } from "../../config/keys";

/**
 * How Batch clients prove they are the app, and where they get what they need: a secret (today's behaviour), a
 * certificate in Key Vault, or nothing at all (federated credentials and managed identities only). See
 * docs/client-credentials.md.
 */
export type ClientCredentialMode = "secret" | "certificate" | "none";

export interface ClientCredentialReader {
    readonly principalId: string;
    readonly principalType: "User" | "Group" | "ServicePrincipal";
}

export interface WorkloadIdentity {
    readonly name: string;
    readonly issuer: string;
    readonly subject: string;
    readonly audiences: readonly string[];
}

export interface ClientCredentialSettings {
    readonly mode: ClientCredentialMode;
    /** With `secret`: also write each secret to Key Vault as a version of one secret. */
    readonly secretInKeyVault: boolean;
    readonly readers: readonly ClientCredentialReader[];
    readonly workloadIdentities: readonly WorkloadIdentity[];
    readonly expiryAlertEmails: readonly string[];
    /** Certificate mode: validity of each version, and days before expiry Key Vault issues the next one. */
    readonly certificate: { readonly validityMonths: number; readonly renewDaysBeforeExpiry: number };
}

/** The audience Entra ID expects in tokens exchanged for an app token (workload identity federation docs). */
export const DEFAULT_FEDERATION_AUDIENCE = "api://AzureADTokenExchange";

/** Whether the stack needs the client-credential vault at all. */
export function needsClientCredentialVault(settings: ClientCredentialSettings): boolean {
    return settings.mode === "certificate" || settings.secretInKeyVault || settings.expiryAlertEmails.length > 0;
}

const READERS_EXAMPLE = `[{"principalId": "${EXAMPLE_GUID}", "principalType": "ServicePrincipal"}]`;
const WORKLOAD_EXAMPLE =
    '[{"name": "aks-batch-submitter", "issuer": "https://westeurope.oic.prod-aks.azure.com/<tenant>/<cluster>/", ' +
    '"subject": "system:serviceaccount:jobs:batch-submitter"}]';
const EMAILS_EXAMPLE = '["platform-team@contoso.com"]';
/** Federated credential names: 3-120 characters, letters, digits, hyphens and underscores, starting alphanumeric. */
const FEDERATED_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{2,119}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const SHORTEST_MONTH_DAYS = 27;

export function readClientCredentialSettings(reader: ConfigReader, clientApp: ClientAppSettings): ClientCredentialSettings {
    const mode = reader.oneOf<ClientCredentialMode>(CLIENT_CREDENTIAL_KEY.name, ["secret", "certificate", "none"], CLIENT_CREDENTIAL_KEY.default);
    const secretInKeyVault = reader.boolean(CLIENT_SECRET_KEY_VAULT_KEY.name, CLIENT_SECRET_KEY_VAULT_KEY.default);
    if (secretInKeyVault && mode !== "secret") {
        reader.report(CLIENT_SECRET_KEY_VAULT_KEY.name, `is true, but clientCredential is "${mode}": there is no client secret to deliver`, "false");
    }
    const readers = readReaders(reader);
    if (readers.length > 0 && !secretInKeyVault && mode !== "certificate") {
        reader.report(
            "clientCredentialReaders",
            "names readers, but nothing is delivered to Key Vault: set clientSecretKeyVault: true or clientCredential: certificate",
            "[]",
        );
    }
    const workloadIdentities = readWorkloadIdentities(reader);
    const expiryAlertEmails = reader.stringList(EXPIRY_ALERT_EMAILS_KEY.name, {
        example: EMAILS_EXAMPLE,
        item: (value) => (EMAIL.test(value) ? undefined : `${shown(value)} is not an email address`),
        normalize: (value) => value.toLowerCase(),
        limit: ACTION_GROUP_EMAILS,
    });
    if (expiryAlertEmails.length > 0 && mode === "none") {
        reader.report(EXPIRY_ALERT_EMAILS_KEY.name, 'lists addresses, but clientCredential is "none": nothing expires', "[]");
    }
    // Each version is valid about as long as a secret, and the next one is issued when a secret would rotate.
    const validityMonths = Math.max(1, Math.round(clientApp.clientSecret.lifetimeDays / 30));
    const renewDaysBeforeExpiry = clientApp.clientSecret.overlapDays;
    if (mode === "certificate" && renewDaysBeforeExpiry >= validityMonths * SHORTEST_MONTH_DAYS) {
        reader.report(
            "clientSecretOverlapDays",
            `${renewDaysBeforeExpiry} days of overlap do not fit a ${validityMonths}-month certificate: Key Vault renews ` +
                `only less than ${validityMonths * SHORTEST_MONTH_DAYS} days before expiry`,
            String(Math.max(1, Math.floor(clientApp.clientSecret.lifetimeDays / 6))),
        );
    }
    return {
        mode,
        secretInKeyVault,
        readers,
        workloadIdentities,
        expiryAlertEmails,
        certificate: { validityMonths, renewDaysBeforeExpiry },
    };
}

/** Each entry is an object with exactly these fields, or nothing of the list is used. */
function objectList(reader: ConfigReader, key: string, example: string, fields: readonly string[]): Record<string, unknown>[] {
    const value = reader.json(key, example);
    if (value === undefined) {
        return [];
    }
    if (!Array.isArray(value) || value.some((entry) => entry === null || typeof entry !== "object" || Array.isArray(entry))) {
        reader.report(key, "the value must be a list of objects", example);
        return [];
    }
    const entries = value as Record<string, unknown>[];
    entries.forEach((entry, index) => {
        for (const field of Object.keys(entry).filter((field) => !fields.includes(field))) {
            reader.report(`${key}[${index}].${field}`, `is not a field of ${key} entries (they have ${fields.join(", ")})`, example);
        }
    });
    return entries;
}

function readReaders(reader: ConfigReader): ClientCredentialReader[] {
    const key = CLIENT_CREDENTIAL_READERS_KEY.name;
    const types = ["User", "Group", "ServicePrincipal"] as const;
    const readers = objectList(reader, key, READERS_EXAMPLE, ["principalId", "principalType"]).flatMap((entry, index) => {
        const { principalId, principalType } = entry;
        let good = true;
        if (typeof principalId !== "string" || !isGuid(principalId)) {
            reader.report(`${key}[${index}].principalId`, `${shown(principalId)} is not an object ID (a GUID)`, READERS_EXAMPLE);
            good = false;
        }
        const type = types.find((candidate) => candidate === principalType);
        if (type === undefined) {
            reader.report(
                `${key}[${index}].principalType`,
                `${shown(principalType)} is not one of ${types.join(", ")} (ARM refuses an assignment whose type does not match)`,
                READERS_EXAMPLE,
            );
            good = false;
        }
        return good && type ? [{ principalId: (principalId as string).toLowerCase(), principalType: type }] : [];
    });
    const ids = readers.map((entry) => entry.principalId);
    const repeated = ids.find((id, index) => ids.indexOf(id) !== index);
    if (repeated) {
        reader.report(key, `lists ${repeated} more than once`, READERS_EXAMPLE);
    }
    return readers;
}

/** An issuer is an https URL without query or fragment: Entra ID compares it byte for byte with the token's `iss`. */
export function issuerProblem(issuer: string): string | undefined {
    let url: URL;
    try {
        url = new URL(issuer);
    } catch {
        return `${shown(issuer)} is not an absolute URL`;
    }
    if (url.protocol !== "https:") {
        return `${shown(issuer)} must use https`;
    }
    if (url.search || url.hash || issuer.includes("#")) {
        return `${shown(issuer)} has a query or fragment, which an OIDC issuer never has`;
    }
    if (issuer.length > 600) {
        return "is longer than 600 characters";
    }
    return undefined;
}

/** Subjects must match the token's `sub` exactly; the shapes of the issuers this project documents are checked. */
export function subjectProblem(issuer: string, subject: string): string | undefined {
    if (subject.length === 0 || subject.length > 600) {
        return "must have 1 to 600 characters";
    }
    if (/\s/.test(subject) || subject.includes("*")) {
        return `${shown(subject)} contains whitespace or a wildcard; the subject must equal the token's sub claim exactly`;
    }
    const host = URL.canParse(issuer) ? new URL(issuer).hostname.toLowerCase() : "";
    if (host === "token.actions.githubusercontent.com" && !/^repo:[^/:]+\/[^/:]+:.+$/.test(subject)) {
        return `${shown(subject)} is not a GitHub Actions subject such as repo:contoso/batch-jobs:environment:prod`;
    }
    if (host.endsWith(".oic.prod-aks.azure.com") && !/^system:serviceaccount:[a-z0-9-]+:[a-z0-9.-]+$/.test(subject)) {
        return `${shown(subject)} is not a Kubernetes service account subject such as system:serviceaccount:jobs:batch-submitter`;
    }
    return undefined;
}

function readWorkloadIdentities(reader: ConfigReader): WorkloadIdentity[] {
    const key = WORKLOAD_IDENTITIES_KEY.name;
    const entries = objectList(reader, key, WORKLOAD_EXAMPLE, ["name", "issuer", "subject", "audiences"]);
    if (entries.length > FEDERATED_CREDENTIALS_PER_APP.max) {
        reader.report(key, `lists ${entries.length} entries; ${FEDERATED_CREDENTIALS_PER_APP.why}`, WORKLOAD_EXAMPLE);
    }
    const identities = entries.flatMap((entry, index): WorkloadIdentity[] => {
        const at = (field: string) => `${key}[${index}].${field}`;
        const problems: [string, string][] = [];
        const { name, issuer, subject, audiences } = entry;
        if (typeof name !== "string" || !FEDERATED_NAME.test(name)) {
            problems.push([at("name"), `${shown(name)} is not 3-120 letters, digits, hyphens or underscores starting with a letter or digit`]);
        }
        const issuerText = typeof issuer === "string" ? issuer : "";
        const issuerError = typeof issuer === "string" ? issuerProblem(issuer) : `${shown(issuer)} is not a URL`;
        if (issuerError) problems.push([at("issuer"), issuerError]);
        const subjectError = typeof subject === "string" ? subjectProblem(issuerText, subject) : `${shown(subject)} is not a string`;
        if (subjectError) problems.push([at("subject"), subjectError]);
        const audienceList = audiences === undefined ? [DEFAULT_FEDERATION_AUDIENCE] : audiences;
        // Entra ID accepts exactly one audience per federated credential.
        if (!Array.isArray(audienceList) || audienceList.length !== 1 || typeof audienceList[0] !== "string" || !/^\S{1,600}$/.test(audienceList[0])) {
            problems.push([at("audiences"), `${shown(audiences)} must be a list of exactly one audience (default ["${DEFAULT_FEDERATION_AUDIENCE}"])`]);
        }
        problems.forEach(([problemKey, problem]) => reader.report(problemKey, problem, WORKLOAD_EXAMPLE));
        return problems.length === 0
            ? [{ name: name as string, issuer: issuerText, subject: subject as string, audiences: audienceList as string[] }]
            : [];
    });
    const seenNames = new Set<string>();
    const seenPairs = new Set<string>();
    for (const identity of identities) {
        const pair = `${identity.issuer} ${identity.subject}`;
        if (seenNames.has(identity.name.toLowerCase())) {
            reader.report(key, `names ${shown(identity.name)} more than once; credential names are unique per app`, WORKLOAD_EXAMPLE);
        }
        if (seenPairs.has(pair)) {
            reader.report(key, `lists issuer ${shown(identity.issuer)} with subject ${shown(identity.subject)} more than once; Entra ID refuses the second`, WORKLOAD_EXAMPLE);
        }
        seenNames.add(identity.name.toLowerCase());
        seenPairs.add(pair);
    }
    return identities;
}

export const CLIENT_CREDENTIAL_KEY = defineKey({
    name: "clientCredential",
    type: "string",
    default: "secret",
    section: "general",
    description: "How clients sign in as the app: secret (a rotating client secret), certificate (a Key Vault certificate registered as a key credential) or none (federated credentials and managed identities only).",
    example: "certificate",
    reference: { meaning: "`secret`, `certificate` (Key Vault certificate as the app's key credential, no secret) or `none` (federated credentials and managed identities only). See [Which credential?](#which-credential) and [details](docs/client-credentials.md)." },
});

export const CLIENT_SECRET_KEY_VAULT_KEY = defineKey({
    name: "clientSecretKeyVault",
    type: "boolean",
    default: false,
    section: "general",
    description: "With clientCredential secret, also write each rotated secret to Key Vault as a version of one secret with its expiry; output clientSecretKeyVaultUrl.",
    example: "true",
    reference: { meaning: "With `secret`: each rotated secret also becomes a version of one Key Vault secret with its expiry; output `clientSecretKeyVaultUrl`." },
});

export const CLIENT_CREDENTIAL_READERS_KEY = defineKey({
    name: "clientCredentialReaders",
    type: "array",
    items: "object",
    default: [],
    section: "general",
    description: "{principalId, principalType: User\\|Group\\|ServicePrincipal} granted Key Vault Secrets User on the delivered secret (or certificate) only.",
    example: '[{"principalId": "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9", "principalType": "Group"}]',
    reference: { meaning: "`{principalId, principalType: User\\|Group\\|ServicePrincipal}` granted Key Vault Secrets User on the delivered secret (or certificate) only.", type: "list of objects" },
});

export const WORKLOAD_IDENTITIES_KEY = defineKey({
    name: "workloadIdentities",
    type: "array",
    items: "object",
    default: [],
    section: "general",
    description: "{name, issuer, subject, audiences?} federated identity credentials on the app (AKS, GitHub Actions, any https OIDC issuer); at most 20; audience defaults to api://AzureADTokenExchange.",
    example: '[{"name": "github-main", "issuer": "https://token.actions.githubusercontent.com", "subject": "repo:contoso/batch:ref:refs/heads/main"}]',
    reference: { meaning: "`{name, issuer, subject, audiences?}` federated identity credentials on the app (AKS, GitHub Actions, any https OIDC issuer); at most 20; audience defaults to `api://AzureADTokenExchange`.", type: "list of objects" },
});

export const EXPIRY_ALERT_EMAILS_KEY = defineKey({
    name: "expiryAlertEmails",
    type: "array",
    items: "string",
    default: [],
    section: "general",
    description: "Addresses an action group mails when a client secret or certificate in Key Vault nears expiry or expires (Event Grid on the vault).",
    example: "[\"batch-team@contoso.com\"]",
    reference: { meaning: "Addresses mailed (Event Grid on the vault, action group) when the secret or certificate in Key Vault nears expiry or expires.", type: "list of strings" },
});

/** This feature's configuration keys, in the README's order. Pulumi.yaml and the README's reference are generated from them (npm run generate:config). */
export const CLIENT_CREDENTIAL_KEYS = [CLIENT_CREDENTIAL_KEY, CLIENT_SECRET_KEY_VAULT_KEY, CLIENT_CREDENTIAL_READERS_KEY, WORKLOAD_IDENTITIES_KEY, EXPIRY_ALERT_EMAILS_KEY];
