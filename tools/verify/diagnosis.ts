import { ownEntry } from "../../config/lookup";

/**
 * Turns what Entra ID and the Batch service answer into a cause in plain words and the fix. The portal shows
 * neither: an AADSTS number or a bare 403 is all a user gets.
 */
export interface Diagnosis {
    /** What went wrong, in plain words. */
    readonly cause: string;
    /** What to do about it. */
    readonly fix: string;
    /** What the service said, for a support ticket or a web search (never contains a secret). */
    readonly evidence?: string;
}

/** An error body Entra ID returned on the token or device-code endpoint. */
export interface EntraErrorBody {
    readonly error?: string;
    readonly error_description?: string;
    readonly error_codes?: readonly number[];
}

interface EntraCodeAdvice {
    readonly cause: string;
    readonly fix: string;
}

const ENTRA_CODES: Readonly<Record<string, EntraCodeAdvice>> = {
    AADSTS7000215: {
        cause: "the client secret is wrong or has expired: Entra ID did not accept it for this app",
        fix:
            "use the secret the stack holds now (`pulumi stack output clientSecret --show-secrets`); copy the secret's " +
            "value, not its ID; an expired secret is replaced by `pulumi up`",
    },
    AADSTS7000222: {
        cause: "the client secret has expired",
        fix: "run `pulumi up` to issue a new secret, then use the new `clientSecret` output",
    },
    AADSTS700016: {
        cause: "no app with this client ID exists in this tenant: the client ID or the tenant ID is wrong, or the app was created moments ago",
        fix:
            "check AZURE_CLIENT_ID / AZURE_TENANT_ID against the stack outputs `clientId` and `tenantId`; " +
            "right after `pulumi up`, wait a minute for directory replication and retry",
    },
    AADSTS65001: {
        cause: "consent is missing: nobody has consented to this app using the Azure Batch API (user_impersonation)",
        fix:
            "grant admin consent (set `batch-entra:grantAdminConsent: true` and run `pulumi up`, or use " +
            "\"Grant admin consent\" on the app's API permissions page), or let the user consent when signing in",
    },
    AADSTS90002: {
        cause: "the tenant was not found at this authority host: the tenant ID is wrong, or it belongs to another cloud",
        fix:
            "check AZURE_TENANT_ID against the stack output `tenantId`, and AZURE_AUTHORITY_HOST against `authorityHost` " +
            "(sovereign clouds have their own host)",
    },
    AADSTS500011: {
        cause: "the Azure Batch service is unknown in this tenant or cloud: the scope names a resource the tenant does not have",
        fix:
            "use the Batch resource of the account's cloud (stack output `batchResourceUri`, or BATCH_RESOURCE); if it is " +
            "right, register the Microsoft.Batch resource provider in a subscription of this tenant",
    },
    AADSTS7000218: {
        cause: "the app does not allow public client flows, so device-code sign-in is refused",
        fix: "set `batch-entra:allowPublicClientFlows: true` and run `pulumi up`, then sign in again",
    },
};

/** Device-code outcomes Entra ID reports by error name rather than AADSTS number. */
const ENTRA_ERRORS: Readonly<Record<string, EntraCodeAdvice>> = {
    authorization_declined: {
        cause: "the user declined the sign-in",
        fix: "run the check again and accept the sign-in request",
    },
    expired_token: {
        cause: "the device code expired before the sign-in was completed",
        fix: "run the check again and complete the sign-in within the time the prompt gives",
    },
    bad_verification_code: {
        cause: "the device code was not recognised",
        fix: "run the check again and enter the code exactly as printed",
    },
};

/**
 * Diagnoses a failed token request from the credential's error and, when one was seen, the error body Entra ID
 * returned (device-code errors carry only the error name in the thrown error, the body has the AADSTS number).
 */
export function diagnoseTokenError(error: unknown, body: EntraErrorBody | undefined, authorityHost: string): Diagnosis {
    const texts = [body?.error_description ?? "", ...errorTexts(error)];
    const code =
        body?.error_codes?.length ? `AADSTS${body.error_codes[0]}` : texts.map((text) => /AADSTS\d+/.exec(text)?.[0]).find(Boolean);
    const evidence = firstLine(body?.error_description) ?? (code ? texts.map((text) => lineWith(text, code)).find(Boolean) : undefined);
    const byCode = code ? ownEntry(ENTRA_CODES, code) : undefined;
    if (byCode) {
        return { ...byCode, evidence };
    }
    const errorName = body?.error ?? texts.map((text) => Object.keys(ENTRA_ERRORS).find((name) => text.includes(name))).find(Boolean);
    const byName = errorName ? ownEntry(ENTRA_ERRORS, errorName) : undefined;
    if (byName) {
        return { ...byName, evidence: evidence ?? errorName };
    }
    if (code) {
        return {
            cause: `Entra ID refused the token request (${code})`,
            fix: `look the code up at ${authorityHost}/error?code=${code.slice("AADSTS".length)}`,
            evidence,
        };
    }
    const network = networkProblem(error);
    if (network) {
        return {
            cause: `Entra ID could not be reached at ${authorityHost} (${network})`,
            fix: "check AZURE_AUTHORITY_HOST / the `authorityHost` output, DNS, proxy settings (HTTPS_PROXY) and that outbound HTTPS is allowed",
        };
    }
    return {
        cause: "no token was issued",
        fix: "read the detail below; set AZURE_LOG_LEVEL=verbose for the library's log",
        evidence: firstLine(texts.find((text) => text.trim() !== "")),
    };
}

/** What the Batch service answered to a list call that did not succeed. */
export interface BatchFailure {
    readonly status?: number;
    /** The Batch error code (`AuthenticationFailed`, `AuthorizationFailure`, ...). */
    readonly code?: string;
    readonly message?: string;
    /** `values[].value` of the error body: Batch puts the real reason there (e.g. the audience it expected). */
    readonly details: readonly string[];
    readonly requestId?: string;
    /** Set when no HTTP answer came back at all. */
    readonly networkError?: unknown;
}

const SHARED_KEY_NOTE =
    "account keys are no answer: with shared-key authentication disabled on the account, only Entra ID tokens and roles work";

export function diagnoseBatchFailure(failure: BatchFailure, accountUrl: string, scope: string): Diagnosis {
    const said = [failure.code, firstLine(failure.message), ...failure.details].filter(Boolean).join(": ");
    const evidence = [failure.status ? `HTTP ${failure.status}` : undefined, said || undefined, failure.requestId && `request-id ${failure.requestId}`]
        .filter(Boolean)
        .join(", ");
    if (failure.status === undefined) {
        return {
            cause: `the Batch account could not be reached at ${accountUrl} (${networkProblem(failure.networkError) ?? "no answer"})`,
            fix:
                "check BATCH_ACCOUNT_URL / the `batchAccountUrl` output; an account with public network access disabled " +
                "answers only through its private endpoint",
        };
    }
    const allText = [failure.message ?? "", ...failure.details].join(" ").toLowerCase();
    if (failure.status === 401 && allText.includes("audience")) {
        return {
            cause: `Batch rejected the token's audience: it was issued for a resource other than this account's cloud (scope ${scope})`,
            fix:
                "request the Batch resource of the account's cloud: BATCH_RESOURCE (e.g. https://batch.core.usgovcloudapi.net/) " +
                "or the stack's `batchResourceUri`; the trailing slash is part of it",
            evidence,
        };
    }
    if (failure.status === 401) {
        return {
            cause: "Batch did not accept the token (authentication failed): wrong tenant, wrong audience, or no token at all",
            fix: `make sure the tenant is the one of the account's subscription and the scope is ${scope}; ${SHARED_KEY_NOTE}`,
            evidence,
        };
    }
    if (failure.status === 403) {
        return {
            cause:
                "the identity has no role on this Batch account that allows this call, or the role assignment is new " +
                "and still replicating",
            fix:
                "check the role assignment on the account (Azure Batch Data Contributor, Azure Batch Job Submitter or a custom " +
                `role); right after \`pulumi up\` wait up to 10 minutes and retry; ${SHARED_KEY_NOTE}`,
            evidence,
        };
    }
    if (failure.status === 404) {
        return {
            cause: `no Batch account answers at ${accountUrl}`,
            fix: "check BATCH_ACCOUNT_URL / the `batchAccountUrl` output: https://<account>.<region>.batch.azure.com",
            evidence,
        };
    }
    return {
        cause: `the Batch service answered HTTP ${failure.status}`,
        fix: failure.status >= 500 || failure.status === 429 ? "retry in a few minutes" : "read the service's answer below",
        evidence,
    };
}

/** Every message in an error and its causes, plus the error body identity keeps on AuthenticationError. */
function errorTexts(error: unknown, depth = 0): string[] {
    if (depth > 5 || error === null || typeof error !== "object") {
        return typeof error === "string" ? [error] : [];
    }
    const record = error as { message?: unknown; cause?: unknown; errorResponse?: { errorDescription?: unknown } };
    const own = [record.message, record.errorResponse?.errorDescription].filter((text): text is string => typeof text === "string");
    return [...own, ...errorTexts(record.cause, depth + 1)];
}

/** The socket or TLS error code under a failed request (fetch wraps it as the cause of "fetch failed"). */
function networkProblem(error: unknown): string | undefined {
    let innermostMessage: string | undefined;
    for (let current = error, depth = 0; current && typeof current === "object" && depth < 6; depth++) {
        const { code, message, cause } = current as { code?: unknown; message?: unknown; cause?: unknown };
        if (typeof code === "string" && /^(E[A-Z_]+|UNABLE_TO_|CERT_|DEPTH_ZERO|SELF_SIGNED)/.test(code)) {
            return code;
        }
        if (typeof message === "string") innermostMessage = message;
        current = cause;
    }
    return innermostMessage;
}

function firstLine(text: string | undefined): string | undefined {
    const line = text?.split(/\r?\n/).find((candidate) => candidate.trim() !== "");
    return line?.trim();
}

function lineWith(text: string, needle: string): string | undefined {
    return text
        .split(/\r?\n/)
        .find((line) => line.includes(needle))
        ?.trim();
}
