import { ClientAppSettings } from "../clientApp/config";
import { ACTION_GROUP_EMAILS, FEDERATED_CREDENTIALS_PER_APP } from "../../azure/limits";
import { shown } from "../../config/messages";
import { ConfigReader, EXAMPLE_GUID, isGuid } from "../../config/reader";
import { defineKey } from "../../config/keys";
import { PrincipalType } from "../rbac/batchRbac";
import type { ClientCredentialCertificate, ClientCredentialReader, ClientCredentialVaultArgs } from "./clientCredentialVault";
import type { WorkloadIdentitiesArgs, WorkloadIdentity } from "./workloadIdentities";

/**
 * How Batch clients prove they are the app, and where they get what they need: a secret (today's behaviour), a
 * certificate in Key Vault, or nothing at all (federated credentials and managed identities only). See
 * docs/client-credentials.md.
 */
export type ClientCredentialMode = "secret" | "certificate" | "none";

/**
 * What the stack's keys configure, in the components' own arg types: the vault's readers and alert addresses, the
 * workloads' federated credentials, and the certificate's lifetime; declareClientCredentials adds what only the
 * running program knows (the app, the vault's name and group, the secret's value).
 */
export interface ClientCredentialSettings extends Required<Pick<ClientCredentialVaultArgs, "readers" | "expiryAlertEmails">> {
    readonly mode: ClientCredentialMode;
    /** With `secret`: also write each secret to Key Vault as a version of one secret. */
    readonly secretInKeyVault: boolean;
    readonly workloadIdentities: WorkloadIdentitiesArgs["identities"];
    /** Certificate mode: validity of each version, and days before expiry Key Vault issues the next one. */
    readonly certificate: Pick<ClientCredentialCertificate, "validityMonths" | "renewDaysBeforeExpiry">;
}

/** The audience Entra ID expects in tokens exchanged for an app token (workload identity federation docs). */
export const DEFAULT_FEDERATION_AUDIENCE = "api://AzureADTokenExchange";

/** Whether the stack needs the client-credential vault at all. */
export function needsClientCredentialVault(settings: ClientCredentialSettings): boolean {
    return settings.mode === "certificate" || settings.secretInKeyVault || settings.expiryAlertEmails.length > 0;
}

export const READERS_EXAMPLE = `[{"principalId": "${EXAMPLE_GUID}", "principalType": "ServicePrincipal"}]`;
export const WORKLOAD_EXAMPLE =
    '[{"name": "aks-batch-submitter", "issuer": "https://westeurope.oic.prod-aks.azure.com/<tenant>/<cluster>/", ' +
    '"subject": "system:serviceaccount:jobs:batch-submitter"}]';
export const EMAILS_EXAMPLE = '["platform-team@contoso.com"]';
/** Federated credential names: 3-120 characters, letters, digits, hyphens and underscores, starting alphanumeric. */
const FEDERATED_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{2,119}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const SHORTEST_MONTH_DAYS = 27;
const PRINCIPAL_TYPES: readonly PrincipalType[] = Object.values(PrincipalType);

export function emailProblem(value: string): string | undefined {
    return EMAIL.test(value) ? undefined : `${shown(value)} is not an email address`;
}

/** A problem with a list entry's field (`at` is `[index].field`, and `index` is set) or with the list as a whole (`at` is ""). */
export interface EntryProblem {
    readonly at: string;
    readonly index?: number;
    readonly problem: string;
}

/** Key Vault renews a certificate only less than its shortest possible validity before it expires. */
export function certificateRenewalProblem(renewDaysBeforeExpiry: number, validityMonths: number): string | undefined {
    return renewDaysBeforeExpiry < validityMonths * SHORTEST_MONTH_DAYS
        ? undefined
        : `${renewDaysBeforeExpiry} days of overlap do not fit a ${validityMonths}-month certificate: Key Vault renews ` +
              `only less than ${validityMonths * SHORTEST_MONTH_DAYS} days before expiry`;
}

/** The readers' problems by `[index].field` (or "" for the list), for the reader and the vault component alike. */
export function credentialReaderProblems(readers: readonly Partial<Record<"principalId" | "principalType", unknown>>[]): EntryProblem[] {
    const problems = readers.flatMap(({ principalId, principalType }, index) => [
        ...(typeof principalId !== "string" || !isGuid(principalId) ? [{ at: `[${index}].principalId`, index, problem: `${shown(principalId)} is not an object ID (a GUID)` }] : []),
        ...(PRINCIPAL_TYPES.includes(principalType as PrincipalType)
            ? []
            : [
                  {
                      at: `[${index}].principalType`,
                      index,
                      problem: `${shown(principalType)} is not one of ${PRINCIPAL_TYPES.join(", ")} (ARM refuses an assignment whose type does not match)`,
                  },
              ]),
    ]);
    const ids = readers.filter((_, index) => !problems.some((problem) => problem.index === index)).map((entry) => (entry.principalId as string).toLowerCase());
    const repeated = ids.find((id, index) => ids.indexOf(id) !== index);
    return repeated ? [...problems, { at: "", problem: `lists ${repeated} more than once` }] : problems;
}

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
        item: emailProblem,
        normalize: (value) => value.toLowerCase(),
        limit: ACTION_GROUP_EMAILS,
    });
    if (expiryAlertEmails.length > 0 && mode === "none") {
        reader.report(EXPIRY_ALERT_EMAILS_KEY.name, 'lists addresses, but clientCredential is "none": nothing expires', "[]");
    }
    // Each version is valid about as long as a secret, and the next one is issued when a secret would rotate.
    const validityMonths = Math.max(1, Math.round(clientApp.clientSecret.lifetimeDays / 30));
    const renewDaysBeforeExpiry = clientApp.clientSecret.overlapDays;
    const renewal = mode === "certificate" ? certificateRenewalProblem(renewDaysBeforeExpiry, validityMonths) : undefined;
    if (renewal !== undefined) {
        reader.report("clientSecretOverlapDays", renewal, String(Math.max(1, Math.floor(clientApp.clientSecret.lifetimeDays / 6))));
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
    const entries = objectList(reader, key, READERS_EXAMPLE, ["principalId", "principalType"]);
    const problems = credentialReaderProblems(entries);
    problems.forEach(({ at, problem }) => reader.report(`${key}${at}`, problem, READERS_EXAMPLE));
    return entries
        .filter((_, index) => !problems.some((problem) => problem.index === index))
        .map((entry) => ({ principalId: (entry.principalId as string).toLowerCase(), principalType: entry.principalType as PrincipalType }));
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

/**
 * The workload identities' problems by `[index].field` (or "" for the list), for the reader and the WorkloadIdentities
 * component alike: the count, each entry's fields, then names and issuer-subject pairs listed twice among the rest.
 */
export function workloadIdentityProblems(entries: readonly Partial<Record<"name" | "issuer" | "subject" | "audiences", unknown>>[]): EntryProblem[] {
    const problems: EntryProblem[] = [];
    if (entries.length > FEDERATED_CREDENTIALS_PER_APP.max) {
        problems.push({ at: "", problem: `lists ${entries.length} entries; ${FEDERATED_CREDENTIALS_PER_APP.why}` });
    }
    const good = entries.filter((entry, index) => {
        const found = problems.length;
        const report = (field: string, problem: string) => problems.push({ at: `[${index}].${field}`, index, problem });
        const { name, issuer, subject, audiences } = entry;
        if (typeof name !== "string" || !FEDERATED_NAME.test(name)) {
            report("name", `${shown(name)} is not 3-120 letters, digits, hyphens or underscores starting with a letter or digit`);
        }
        const issuerError = typeof issuer === "string" ? issuerProblem(issuer) : `${shown(issuer)} is not a URL`;
        if (issuerError) report("issuer", issuerError);
        const subjectError = typeof subject === "string" ? subjectProblem(typeof issuer === "string" ? issuer : "", subject) : `${shown(subject)} is not a string`;
        if (subjectError) report("subject", subjectError);
        const audienceList = audiences === undefined ? [DEFAULT_FEDERATION_AUDIENCE] : audiences;
        // Entra ID accepts exactly one audience per federated credential.
        if (!Array.isArray(audienceList) || audienceList.length !== 1 || typeof audienceList[0] !== "string" || !/^\S{1,600}$/.test(audienceList[0])) {
            report("audiences", `${shown(audiences)} must be a list of exactly one audience (default ["${DEFAULT_FEDERATION_AUDIENCE}"])`);
        }
        return problems.length === found;
    });
    const seenNames = new Set<string>();
    const seenPairs = new Set<string>();
    for (const { name, issuer, subject } of good as { name: string; issuer: string; subject: string }[]) {
        const pair = `${issuer} ${subject}`;
        if (seenNames.has(name.toLowerCase())) {
            problems.push({ at: "", problem: `names ${shown(name)} more than once; credential names are unique per app` });
        }
        if (seenPairs.has(pair)) {
            problems.push({ at: "", problem: `lists issuer ${shown(issuer)} with subject ${shown(subject)} more than once; Entra ID refuses the second` });
        }
        seenNames.add(name.toLowerCase());
        seenPairs.add(pair);
    }
    return problems;
}

function readWorkloadIdentities(reader: ConfigReader): WorkloadIdentity[] {
    const key = WORKLOAD_IDENTITIES_KEY.name;
    const entries = objectList(reader, key, WORKLOAD_EXAMPLE, ["name", "issuer", "subject", "audiences"]);
    const problems = workloadIdentityProblems(entries);
    problems.forEach(({ at, problem }) => reader.report(`${key}${at}`, problem, WORKLOAD_EXAMPLE));
    return entries
        .filter((_, index) => !problems.some((problem) => problem.index === index))
        .map(({ name, issuer, subject, audiences }) => ({
            name: name as string,
            issuer: issuer as string,
            subject: subject as string,
            audiences: (audiences ?? [DEFAULT_FEDERATION_AUDIENCE]) as string[],
        }));
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
