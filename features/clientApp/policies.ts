import type { PolicyConfigSchema, ResourceValidationPolicy } from "@pulumi/policy";
import { asArray, asObject, configWithDefaults, equalsIgnoreCase, forResources, isSet } from "../../policies/common";

const DAY_MS = 24 * 60 * 60 * 1000;

const SECRET_TYPES = [
    "azuread:index/applicationPassword:ApplicationPassword",
    "azuread:index/servicePrincipalPassword:ServicePrincipalPassword",
];

const secretLifetimeConfig: PolicyConfigSchema = {
    properties: {
        maxSecretLifetimeDays: {
            type: "integer",
            minimum: 1,
            default: 730,
            description: "Longest lifetime a client secret may have, in days (Entra ID's portal offers at most two years).",
        },
        referenceDate: {
            type: "string",
            format: "date-time",
            description:
                "RFC 3339 time a secret without startDate is measured from. Unset: the time the policy runs, which is when " +
                "Entra ID would start the secret.",
        },
    },
};

interface SecretLifetimeConfig {
    maxSecretLifetimeDays: number;
    referenceDate?: string;
}

/** Days in a Go-style duration as `endDateRelative` takes it ("17520h", "240h30m"); undefined when unreadable. */
export function relativeDurationDays(duration: string): number | undefined {
    const match = /^(?:(\d+(?:\.\d+)?)h)?(?:(\d+(?:\.\d+)?)m)?(?:(\d+(?:\.\d+)?)s)?$/.exec(duration.trim());
    if (!match || duration.trim() === "") {
        return undefined;
    }
    const [hours, minutes, seconds] = match.slice(1).map((part) => Number(part ?? 0));
    return (hours * 3600 + minutes * 60 + seconds) / 86400;
}

export const clientSecretExpiry: ResourceValidationPolicy = {
    name: "client-secret-expiry",
    description:
        "Client secrets (azuread ApplicationPassword, ServicePrincipalPassword) have an end date, and their lifetime is " +
        "at most maxSecretLifetimeDays (default 730). The lifetime is measured from startDate when it is set, else " +
        "from referenceDate in the policy config, else from the time the policy runs.",
    enforcementLevel: "mandatory",
    severity: "high",
    configSchema: secretLifetimeConfig,
    remediationSteps:
        "Give the secret an endDate at most maxSecretLifetimeDays after it starts (batch-entra derives it from " +
        "clientSecretLifetimeDays, 1 to 730) and rotate it before then; prefer certificates or workload identity " +
        "federation where the client supports them.",
    url: "https://learn.microsoft.com/entra/identity-platform/how-to-add-credentials?tabs=client-secret",
    validateResource: forResources((type) => SECRET_TYPES.includes(type), (props, args, reportViolation) => {
        const config = configWithDefaults<SecretLifetimeConfig>(secretLifetimeConfig, args);
        const limit = config.maxSecretLifetimeDays;
        if (!isSet(props, "endDate")) {
            if (!isSet(props, "endDateRelative")) {
                reportViolation("has no endDate, so the secret never expires (or expires when the provider decides); set an end date.");
                return;
            }
            const days = relativeDurationDays(String(props.endDateRelative));
            if (days === undefined) {
                reportViolation(`endDateRelative "${props.endDateRelative}" is not a duration such as "4380h"; set endDate instead.`);
            } else if (days > limit) {
                reportViolation(`endDateRelative ${props.endDateRelative} is ${Math.round(days)} days, longer than the ${limit}-day limit.`);
            }
            return;
        }
        const end = Date.parse(String(props.endDate));
        if (Number.isNaN(end)) {
            reportViolation(`endDate "${props.endDate}" is not an RFC 3339 time such as 2026-06-30T00:00:00Z.`);
            return;
        }
        const { start, from } = lifetimeStart(props, config);
        if (Number.isNaN(start)) {
            reportViolation(`cannot measure the lifetime: ${from} is not an RFC 3339 time.`);
            return;
        }
        const days = (end - start) / DAY_MS;
        if (days > limit) {
            reportViolation(`lives ${Math.ceil(days)} days (endDate ${props.endDate}, measured from ${from}), longer than the ${limit}-day limit.`);
        } else if (isSet(props, "startDate") && days <= 0) {
            reportViolation(`endDate ${props.endDate} is not after startDate ${props.startDate}.`);
        }
    }),
};

function lifetimeStart(props: Record<string, any>, config: SecretLifetimeConfig): { start: number; from: string } {
    if (isSet(props, "startDate")) {
        return { start: Date.parse(String(props.startDate)), from: `startDate ${props.startDate}` };
    }
    if (config.referenceDate !== undefined) {
        return { start: Date.parse(config.referenceDate), from: `referenceDate ${config.referenceDate}` };
    }
    // A secret without startDate starts when Entra ID creates it, so at update time "now" is its real start.
    const now = Date.now();
    return { start: now, from: `now (${new Date(now).toISOString()})` };
}

export const adminConsentGranted: ResourceValidationPolicy = {
    name: "admin-consent-granted",
    description:
        "The program does not grant tenant-wide admin consent (a ServicePrincipalDelegatedPermissionGrant for all users) " +
        "unless someone chose to: an administrator usually reviews and grants consent in the portal.",
    enforcementLevel: "advisory",
    severity: "low",
    remediationSteps:
        "Leave grantAdminConsent false and let an administrator grant consent (Enterprise applications > Permissions > " +
        "Grant admin consent), or keep it and accept that deploying needs a role that may consent for the whole tenant.",
    url: "https://learn.microsoft.com/entra/identity/enterprise-apps/grant-admin-consent",
    validateResource: forResources(
        (type) => type === "azuread:index/servicePrincipalDelegatedPermissionGrant:ServicePrincipalDelegatedPermissionGrant",
        (props, _args, reportViolation) => {
            if (isSet(props, "userObjectId")) {
                return;
            }
            const claims = asArray<string>(props.claimValues);
            reportViolation(`grants tenant-wide admin consent for [${claims.join(", ")}] on behalf of every user in the tenant.`);
        },
    ),
};

const APPLICATION = "azuread:index/application:Application";
/** The split-up app registration resources: the same settings, spread over resources of their own. */
const APPLICATION_REGISTRATION = "azuread:index/applicationRegistration:ApplicationRegistration";
const APPLICATION_FALLBACK_PUBLIC_CLIENT = "azuread:index/applicationFallbackPublicClient:ApplicationFallbackPublicClient";

/** The provider's default sign-in audience: accounts of the app's own tenant only. */
const SINGLE_TENANT_AUDIENCE = "AzureADMyOrg";

export const appRegistrationMultiTenant: ResourceValidationPolicy = {
    name: "app-registration-multi-tenant",
    description:
        `App registrations sign in accounts of their own tenant only: signInAudience is unset or ${SINGLE_TENANT_AUDIENCE}. ` +
        "Any other audience lets accounts of other tenants (or personal Microsoft accounts) sign in and request tokens.",
    enforcementLevel: "advisory",
    severity: "medium",
    remediationSteps:
        `Set signInAudience to "${SINGLE_TENANT_AUDIENCE}" (batch-entra's default); a Batch client serves one tenant's ` +
        "users and service principals. Keep a multi-tenant audience only for an app other tenants really consent to, and " +
        "then check the tenant ID claim in every token.",
    url: "https://learn.microsoft.com/entra/identity-platform/single-and-multi-tenant-apps",
    validateResource: forResources(
        (type) => type === APPLICATION || type === APPLICATION_REGISTRATION,
        (props, _args, reportViolation) => {
            if (isSet(props, "signInAudience") && !equalsIgnoreCase(props.signInAudience, SINGLE_TENANT_AUDIENCE)) {
                reportViolation(
                    `signInAudience is ${props.signInAudience}, so accounts outside this tenant can sign in to the app ` +
                        `(${SINGLE_TENANT_AUDIENCE} limits it to this tenant).`,
                );
            }
        },
    ),
};

export const appRegistrationPublicClientFlows: ResourceValidationPolicy = {
    name: "app-registration-public-client-flows",
    description:
        "App registrations do not allow public client flows (fallbackPublicClientEnabled, the portal's \"Allow public " +
        "client flows\"): device code, username/password (ROPC) and integrated Windows authentication, flows in which " +
        "no redirect URI proves which client asked for the token.",
    enforcementLevel: "advisory",
    severity: "low",
    remediationSteps:
        "Leave allowPublicClientFlows false in the stack (fallbackPublicClientEnabled false) unless a command-line or " +
        "headless client needs the device code flow (npm run verify -- --interactive does); desktop and mobile clients sign in with the authorization code " +
        "flow and PKCE through publicClientRedirectUris, which does not need it.",
    url: "https://learn.microsoft.com/entra/msal/msal-authentication-flows",
    validateResource: [
        forResources(
            (type) => type === APPLICATION,
            (props, _args, reportViolation) => {
                if (props.fallbackPublicClientEnabled === true) {
                    reportViolation("fallbackPublicClientEnabled is true, so the app accepts device code, username/password and integrated Windows sign-ins.");
                }
            },
        ),
        forResources(
            (type) => type === APPLICATION_FALLBACK_PUBLIC_CLIENT,
            (props, _args, reportViolation) => {
                if (props.enabled === true) {
                    reportViolation("enabled is true, so the app accepts device code, username/password and integrated Windows sign-ins.");
                }
            },
        ),
    ],
};

export const appRegistrationImplicitGrant: ResourceValidationPolicy = {
    name: "app-registration-implicit-grant",
    description:
        "App registrations do not issue access or ID tokens through the OAuth implicit grant (web.implicitGrant), which " +
        "returns tokens in the redirect URL, where browser history, logs and referrers can leak them.",
    enforcementLevel: "advisory",
    severity: "medium",
    remediationSteps:
        "Set web.implicitGrant.accessTokenIssuanceEnabled and idTokenIssuanceEnabled to false (batch-entra's client app " +
        "does) and sign in with the authorization code flow and PKCE; MSAL.js 2 and later use that flow for single-page apps.",
    url: "https://learn.microsoft.com/entra/identity-platform/v2-oauth2-implicit-grant-flow",
    validateResource: forResources(
        (type) => type === APPLICATION || type === APPLICATION_REGISTRATION,
        (props, args, reportViolation) => {
            const issued =
                args.type === APPLICATION
                    ? implicitTokens(asObject(asObject(props.web)?.implicitGrant), "accessTokenIssuanceEnabled", "idTokenIssuanceEnabled")
                    : implicitTokens(props, "implicitAccessTokenIssuanceEnabled", "implicitIdTokenIssuanceEnabled");
            if (issued.length > 0) {
                reportViolation(`the implicit grant issues ${issued.join(" and ")}, which travel in the redirect URL.`);
            }
        },
    ),
};

function implicitTokens(settings: Record<string, any> | undefined, accessTokenKey: string, idTokenKey: string): string[] {
    const issued: string[] = [];
    if (settings?.[accessTokenKey] === true) {
        issued.push(`access tokens (${accessTokenKey})`);
    }
    if (settings?.[idTokenKey] === true) {
        issued.push(`ID tokens (${idTokenKey})`);
    }
    return issued;
}
