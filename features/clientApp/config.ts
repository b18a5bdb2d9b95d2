import {
    APP_OWNERS,
    REDIRECT_URIS_PER_APP,
    REDIRECT_URI_FORBIDDEN_CHARACTERS,
    REDIRECT_URI_MAX_LENGTH,
    REDIRECT_URI_REFUSED_SCHEMES,
} from "../../azure/limits";
import { shown } from "../../config/messages";
import { ConfigReader } from "../../config/reader";
import { TextRule } from "../argRules";
import { defineKey } from "../../config/keys";
import type { BatchClientAppArgs, ClientSecretArgs, RedirectUris, SignInAudience } from "./batchClientApp";

/**
 * The BatchClientApp args the stack's keys configure, as the component takes them: a new client-app setting is an arg
 * read here, with nothing to copy in index.ts. index.ts adds what only the running program knows (the pipeline's
 * deploy identity among the owners, and the secret only when clientCredential is `secret`).
 */
export interface ClientAppSettings extends Omit<BatchClientAppArgs, "addDeployerAsOwner" | "ownerChangesNeedAdministratorFor" | "batchApiAppId"> {
    readonly signInAudience: SignInAudience;
    /**
     * Owners by object ID: users or service principals (Graph accepts no groups as application owners). Fixed, so
     * the app's owners are the same whoever runs `pulumi up`; people who deploy the stack belong here.
     */
    readonly owners: string[];
    readonly redirectUris: Required<RedirectUris>;
    readonly allowPublicClientFlows: boolean;
    readonly grantAdminConsent: boolean;
    /** Always read: the client certificate's validity and renewal follow the same two numbers (clientCredentials). */
    readonly clientSecret: ClientSecretArgs;
}

export const DISPLAY_NAME_RULE: TextRule = { pattern: /^.{1,120}$/, rule: "a display name is 1 to 120 characters", example: "batch-entra-prod" };
export const WEB_REDIRECT_URIS_EXAMPLE = '["https://batch-portal.contoso.com/signin-oidc"]';
export const PUBLIC_CLIENT_REDIRECT_URIS_EXAMPLE = '["http://localhost"]';
const LIFETIME_RULE = "at most 24 months, as the portal allows";

/**
 * The client secret's rules that hold between the two numbers, named by their arg (`lifetimeDays`) or key
 * (`clientSecretLifetimeDays`) by the caller.
 */
export function clientSecretProblems(lifetimeDays: number, overlapDays: number): { lifetime?: string; overlap?: string } {
    const outside = (value: number, min: number, max: number) => !Number.isInteger(value) || value < min || value > max;
    if (outside(lifetimeDays, 1, MAX_SECRET_LIFETIME_DAYS)) {
        return { lifetime: `${shown(lifetimeDays)} is not a whole number from 1 to ${MAX_SECRET_LIFETIME_DAYS}: ${LIFETIME_RULE}` };
    }
    if (outside(overlapDays, MIN_OVERLAP_DAYS, MAX_SECRET_LIFETIME_DAYS - 1)) {
        return { overlap: `${shown(overlapDays)} is not a whole number from ${MIN_OVERLAP_DAYS} to ${MAX_SECRET_LIFETIME_DAYS - 1}: ${OVERLAP_RULE}` };
    }
    if (overlapDays >= lifetimeDays) {
        return {
            overlap:
                `${overlapDays} days of overlap leave no time between rotations of a secret that lives ${lifetimeDays} days; ` +
                "the overlap must be shorter than the lifetime",
        };
    }
    return {};
}

/** The portal's and the docs' ceiling for a client secret's lifetime: 24 months. */
export const MAX_SECRET_LIFETIME_DAYS = 730;

/**
 * The shortest overlap a daily scheduled deployment covers: the run after the rotation date may come a day later,
 * GitHub delays or drops scheduled runs under load, and one failed run needs the next day's to succeed. Clients
 * then still have a day to pick up the new secret before the old one expires.
 */
export const MIN_OVERLAP_DAYS = 3;
const OVERLAP_RULE =
    `at least ${MIN_OVERLAP_DAYS} days, so the daily scheduled deployment (.github/workflows/deploy.yml) issues the ` +
    "successor before the outgoing secret expires even after a missed or failed run";

/** Entra's redirect URI rules for web and SPA platforms: https, except plain http on the loopback host. */
export function webRedirectUriProblem(value: string): string | undefined {
    const parsed = parseUri(value);
    if (parsed === undefined) {
        return `${shown(value)} is not an absolute URI`;
    }
    const loopback = ["localhost", "127.0.0.1", "[::1]"].includes(parsed.hostname);
    if (parsed.protocol !== "https:" && !(parsed.protocol === "http:" && loopback)) {
        return `${shown(value)} must use https (plain http is allowed only for localhost)`;
    }
    // The azuread provider refuses web and SPA URIs with an empty path ("must have a trailing slash when there is no
    // path segment"), which would surface only at `pulumi preview`.
    if (/^[a-z][a-z0-9+.-]*:\/\/[^/?#]+$/i.test(value)) {
        return `${shown(value)} has no path; add a trailing slash (${shown(`${value}/`)}) or a path, as the azuread provider requires`;
    }
    return commonRedirectUriProblem(value);
}

/** Public clients (desktop, mobile, CLI) may also use custom schemes such as msal<client-id>://auth. */
export function publicClientRedirectUriProblem(value: string): string | undefined {
    const parsed = parseUri(value);
    if (parsed === undefined) {
        return `${shown(value)} is not an absolute URI`;
    }
    if ((REDIRECT_URI_REFUSED_SCHEMES as readonly string[]).includes(parsed.protocol)) {
        return `${shown(value)} uses the ${parsed.protocol} scheme, which never delivers a sign-in response to an app; use https, a custom scheme such as msal<client-id>://auth, or http://localhost`;
    }
    if (parsed.protocol === "http:" && !["localhost", "127.0.0.1", "[::1]"].includes(parsed.hostname)) {
        return `${shown(value)} must use https, a custom scheme, or http://localhost`;
    }
    return commonRedirectUriProblem(value);
}

/** Rules of every platform; limits and their source in azure/limits.ts. */
function commonRedirectUriProblem(value: string): string | undefined {
    if (value.includes("*")) {
        return `${shown(value)} contains a wildcard, which Entra ID refuses for redirect URIs`;
    }
    if (value.includes("#")) {
        return `${shown(value)} contains a fragment (#), which Entra ID refuses for redirect URIs`;
    }
    const forbidden = REDIRECT_URI_FORBIDDEN_CHARACTERS.filter((character) => value.includes(character));
    if (forbidden.length > 0) {
        return `${shown(value)} contains ${forbidden.join(" ")}; Entra ID refuses the characters ${REDIRECT_URI_FORBIDDEN_CHARACTERS.join(" ")} in redirect URIs`;
    }
    if (/[\s\u0000-\u001f\u007f]/.test(value)) {
        return `${shown(value)} contains white space or control characters, which a URI cannot hold`;
    }
    if (value.length > REDIRECT_URI_MAX_LENGTH) {
        return `${shown(value)} is longer than ${REDIRECT_URI_MAX_LENGTH} characters, the most Entra ID takes for a redirect URI`;
    }
    return undefined;
}

function parseUri(value: string): URL | undefined {
    try {
        return new URL(value);
    } catch {
        return undefined;
    }
}

export function readClientAppSettings(reader: ConfigReader, defaultName: string): ClientAppSettings {
    const displayName = reader.string(APP_DISPLAY_NAME_KEY.name, defaultName, DISPLAY_NAME_RULE);
    const signInAudience = reader.oneOf<SignInAudience>(SIGN_IN_AUDIENCE_KEY.name, ["AzureADMyOrg", "AzureADMultipleOrgs"], SIGN_IN_AUDIENCE_KEY.default);
    const owners = reader.guidList(APP_OWNERS_KEY.name, APP_OWNERS);
    if (owners.length === 0) {
        reader.report(
            "appOwners",
            "must name at least one owner of the app registration: the object ID of a user or a service principal (Graph " +
                "accepts no groups as application owners). The app's owners are this list whoever runs pulumi up, so list the " +
                "people who deploy the stack (az ad signed-in-user show --query id -o tsv prints yours)",
            '["00000000-1111-2222-3333-444444444444"]',
        );
    }
    const web = reader.stringList(WEB_REDIRECT_URIS_KEY.name, { example: WEB_REDIRECT_URIS_EXAMPLE, item: webRedirectUriProblem });
    const spa = reader.stringList(SPA_REDIRECT_URIS_KEY.name, { example: '["https://batch-portal.contoso.com/"]', item: webRedirectUriProblem });
    const publicClient = reader.stringList(PUBLIC_CLIENT_REDIRECT_URIS_KEY.name, {
        example: PUBLIC_CLIENT_REDIRECT_URIS_EXAMPLE,
        item: publicClientRedirectUriProblem,
    });
    const redirectUriCount = web.length + spa.length + publicClient.length;
    if (redirectUriCount > REDIRECT_URIS_PER_APP.max) {
        reader.report(WEB_REDIRECT_URIS_KEY.name, `with spaRedirectUris and publicClientRedirectUris lists ${redirectUriCount} redirect URIs; ${REDIRECT_URIS_PER_APP.why}`, "[]");
    }
    const allowPublicClientFlows = reader.boolean(ALLOW_PUBLIC_CLIENT_FLOWS_KEY.name, ALLOW_PUBLIC_CLIENT_FLOWS_KEY.default);
    const grantAdminConsent = reader.boolean(GRANT_ADMIN_CONSENT_KEY.name, GRANT_ADMIN_CONSENT_KEY.default);

    const lifetimeDays = readSecretLifetime(reader);
    const overlapDays = reader.integer(CLIENT_SECRET_OVERLAP_DAYS_KEY.name, CLIENT_SECRET_OVERLAP_DAYS_KEY.default, {
        min: MIN_OVERLAP_DAYS,
        max: MAX_SECRET_LIFETIME_DAYS - 1,
        why: OVERLAP_RULE,
    });
    const { overlap } = clientSecretProblems(lifetimeDays, overlapDays);
    if (overlap !== undefined && overlapDays >= lifetimeDays) {
        reader.report(CLIENT_SECRET_OVERLAP_DAYS_KEY.name, overlap, String(Math.max(1, Math.floor(lifetimeDays / 6))));
    }

    return {
        displayName,
        signInAudience,
        owners,
        redirectUris: { web, spa, publicClient },
        allowPublicClientFlows,
        grantAdminConsent,
        clientSecret: { lifetimeDays, overlapDays },
    };
}

function readSecretLifetime(reader: ConfigReader): number {
    const key = CLIENT_SECRET_LIFETIME_DAYS_KEY.name;
    const raw = reader.optionalString(key, { example: "180" });
    if (raw !== undefined && /^(never|infinite|unlimited|0|-\d+)$/i.test(raw)) {
        reader.report(
            key,
            `${shown(raw)}: client secrets must expire (a leaked secret that never expires is valid forever); ` +
                `choose 1 to ${MAX_SECRET_LIFETIME_DAYS} days and let the program rotate it`,
            "180",
        );
        return 180;
    }
    return reader.integer(key, CLIENT_SECRET_LIFETIME_DAYS_KEY.default, { min: 1, max: MAX_SECRET_LIFETIME_DAYS, why: LIFETIME_RULE });
}

export const APP_DISPLAY_NAME_KEY = defineKey({
    name: "appDisplayName",
    type: "string",
    default: "",
    section: "general",
    description: "Display name of the Batch client app registration. Default (empty) is <project>-<stack>.",
    example: "batch-client-prod",
    reference: { meaning: "Display name of the app registration (1–120 characters; text, not a list).", default: "`<project>-<stack>`" },
});

export const SIGN_IN_AUDIENCE_KEY = defineKey({
    name: "signInAudience",
    type: "string",
    default: "AzureADMyOrg",
    section: "general",
    description: "Who can sign in to the app: AzureADMyOrg (single tenant) or AzureADMultipleOrgs.",
    example: "AzureADMultipleOrgs",
    reference: { meaning: "`AzureADMyOrg` (single tenant) or `AzureADMultipleOrgs`." },
});

export const APP_OWNERS_KEY = defineKey({
    name: "appOwners",
    type: "array",
    items: "string",
    default: [],
    section: "general",
    description: "Object IDs of the app registration's owners: users or service principals (Graph accepts no groups). Required; list the people who deploy the stack.",
    example: "[\"0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9\"]",
    reference: { meaning: "Owners of the app registration: users or service principals (Graph accepts no groups), compared without case, at most 99 (Entra ID allows 100 owners per app). The same whoever deploys; with `pipelineIdentity` the deploy identity is added, and changing the list needs the bootstrap administrator.", type: "list of GUIDs", default: "required" },
});

export const WEB_REDIRECT_URIS_KEY = defineKey({
    name: "webRedirectUris",
    type: "array",
    items: "string",
    default: [],
    section: "general",
    description: "Redirect URIs of the web platform (authorization code flow, as in the docs' .NET example). https, or http://localhost.",
    example: "[\"https://app.contoso.com/signin-oidc\"]",
    reference: { meaning: "Web platform (authorization code flow). https, or http on localhost; a path or trailing slash; no wildcards, fragments or `! $ ' ( ) , ;`; at most 256 characters each and 256 URIs across the three platforms.", type: "list of URIs" },
});

export const SPA_REDIRECT_URIS_KEY = defineKey({
    name: "spaRedirectUris",
    type: "array",
    items: "string",
    default: [],
    section: "general",
    description: "Redirect URIs of the single-page application platform. https, or http://localhost.",
    example: "[\"https://spa.contoso.com/\"]",
    reference: { meaning: "Single-page application platform. Same rules.", type: "list of URIs" },
});

export const PUBLIC_CLIENT_REDIRECT_URIS_KEY = defineKey({
    name: "publicClientRedirectUris",
    type: "array",
    items: "string",
    default: [],
    section: "general",
    description: "Redirect URIs of the mobile and desktop platform (e.g. http://localhost, msal<client-id>://auth).",
    example: "[\"http://localhost\"]",
    reference: { meaning: "Mobile and desktop platform: https, a custom scheme such as `msal<client-id>://auth`, or `http://localhost`; never `javascript:`, `file:`, `data:` and the like. Same limits.", type: "list of URIs" },
});

export const ALLOW_PUBLIC_CLIENT_FLOWS_KEY = defineKey({
    name: "allowPublicClientFlows",
    type: "boolean",
    default: false,
    section: "general",
    description: "Allow public-client flows such as device code sign-in (npm run verify -- --interactive needs it).",
    example: "true",
    reference: { meaning: "Allow device-code and other public-client flows." },
});

export const GRANT_ADMIN_CONSENT_KEY = defineKey({
    name: "grantAdminConsent",
    type: "boolean",
    default: false,
    section: "general",
    description: "Grant tenant-wide admin consent for user_impersonation on Azure Batch from the program (the deploying identity needs a role that may consent).",
    example: "true",
    reference: { meaning: "Grant tenant-wide consent for `user_impersonation` from the program." },
});

export const CLIENT_SECRET_LIFETIME_DAYS_KEY = defineKey({
    name: "clientSecretLifetimeDays",
    type: "integer",
    default: 180,
    section: "general",
    description: "Days each client secret is valid, 1 to 730. Secrets always expire.",
    example: "90",
    reference: { meaning: "Days each secret is valid, 1–730. `never` is refused." },
});

export const CLIENT_SECRET_OVERLAP_DAYS_KEY = defineKey({
    name: "clientSecretOverlapDays",
    type: "integer",
    default: 30,
    section: "general",
    description: "Days the outgoing secret stays valid after a rotation issues its successor; at least 3 (the deploy workflow runs daily) and less than the lifetime.",
    example: "14",
    reference: { meaning: "Days the outgoing secret stays valid after rotation. At least 3 (the deploy workflow runs daily), less than the lifetime." },
});

/** This feature's configuration keys, in the README's order. Pulumi.yaml and the README's reference are generated from them (npm run generate:config). */
export const CLIENT_APP_KEYS = [APP_DISPLAY_NAME_KEY, SIGN_IN_AUDIENCE_KEY, APP_OWNERS_KEY, WEB_REDIRECT_URIS_KEY, SPA_REDIRECT_URIS_KEY, PUBLIC_CLIENT_REDIRECT_URIS_KEY, ALLOW_PUBLIC_CLIENT_FLOWS_KEY, GRANT_ADMIN_CONSENT_KEY, CLIENT_SECRET_LIFETIME_DAYS_KEY, CLIENT_SECRET_OVERLAP_DAYS_KEY];
