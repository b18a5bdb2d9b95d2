import {
    AccessToken,
    ClientCertificateCredential,
    ClientSecretCredential,
    ClientSecretCredentialOptions,
    DeviceCodeCredential,
    DeviceCodeInfo,
    TokenCredential,
} from "@azure/identity";
import { BatchListResult, listBatchCollection } from "./batchRest";
import { Diagnosis, EntraErrorBody, diagnoseBatchFailure, diagnoseTokenError } from "./diagnosis";
import { VerifyInputs, isPublicCloudAuthority } from "./inputs";

/** The HTTP pipeline policy type of the credential's own client (core-rest-pipeline), without depending on it. */
type PipelinePolicy = NonNullable<ClientSecretCredentialOptions["additionalPolicies"]>[number]["policy"];

export type SignInMode = "service-principal" | "interactive";

export interface VerifyOptions {
    readonly mode: SignInMode;
    /** Treat a 403 on the pool list as a failure (the identity is expected to manage pools). */
    readonly requirePools: boolean;
    readonly apiVersion: string;
}

/** `not-allowed`: refused by the role, which the role is meant to do; `not-run`: an earlier step failed. */
export type StepStatus = "pass" | "fail" | "not-allowed" | "not-run";

export interface StepResult {
    readonly title: string;
    readonly status: StepStatus;
    readonly detail?: string;
    readonly diagnosis?: Diagnosis;
}

/** Prints one line as it happens; the CLI passes a writer that also keeps the client secret out of the output. */
export type Print = (line: string) => void;

/**
 * Signs in the way a client of the stack would, then calls the Batch service with the token. Every Batch call asks
 * the credential for a token first: tokens last about an hour and the credential caches and renews them.
 */
export async function runChecks(inputs: VerifyInputs, options: VerifyOptions, print: Print): Promise<StepResult[]> {
    const entraErrors = new EntraErrorRecorder();
    const scope = options.mode === "interactive" ? inputs.batchUserImpersonationScope : inputs.batchScope;
    const credential = createCredential(inputs, options.mode, entraErrors, print);
    const results: StepResult[] = [];
    const record = (result: StepResult): void => {
        results.push(result);
        printStep(result, print);
    };

    const signInTitle =
        options.mode === "interactive"
            ? `Sign in as a user (device code) for ${scope}`
            : `Sign in as the service principal (${inputs.clientCertificatePem ? "client certificate" : "client credentials"}) for ${scope}`;
    const firstToken = await getToken(credential, scope, entraErrors);
    if (!firstToken.ok) {
        record({ title: signInTitle, status: "fail", diagnosis: diagnoseTokenError(firstToken.error, entraErrors.last, inputs.authorityHost) });
        for (const title of listTitles(inputs)) record({ title, status: "not-run", detail: "needs a token" });
        return results;
    }
    record({ title: signInTitle, status: "pass", detail: describeToken(firstToken.token) });

    const jobs = jobsStep(await listWithFreshToken(credential, scope, entraErrors, inputs, "jobs", options.apiVersion), inputs, scope);
    record(jobs);

    // A 403 on pools is the role's choice only when the same identity could list jobs; otherwise it has no role yet.
    const poolsMayBeRefused = !options.requirePools && jobs.status === "pass";
    const pools = await listWithFreshToken(credential, scope, entraErrors, inputs, "pools", options.apiVersion);
    record(poolsStep(pools, inputs, scope, poolsMayBeRefused));
    return results;
}

function listTitles(inputs: VerifyInputs): string[] {
    return [`List jobs (GET ${inputs.batchAccountUrl}/jobs)`, `List pools (GET ${inputs.batchAccountUrl}/pools)`];
}

type ListOutcome = { readonly kind: "token-error"; readonly diagnosis: Diagnosis } | { readonly kind: "answer"; readonly result: BatchListResult };

async function listWithFreshToken(
    credential: TokenCredential,
    scope: string,
    entraErrors: EntraErrorRecorder,
    inputs: VerifyInputs,
    collection: "jobs" | "pools",
    apiVersion: string,
): Promise<ListOutcome> {
    const token = await getToken(credential, scope, entraErrors);
    if (!token.ok) {
        return { kind: "token-error", diagnosis: diagnoseTokenError(token.error, entraErrors.last, inputs.authorityHost) };
    }
    return { kind: "answer", result: await listBatchCollection(inputs.batchAccountUrl, collection, token.token.token, apiVersion) };
}

function jobsStep(outcome: ListOutcome, inputs: VerifyInputs, scope: string): StepResult {
    const title = listTitles(inputs)[0];
    if (outcome.kind === "token-error") return { title, status: "fail", diagnosis: outcome.diagnosis };
    const { result } = outcome;
    if (result.ok) return { title, status: "pass", detail: countText(result.count, result.more, "job") };
    return { title, status: "fail", diagnosis: diagnoseBatchFailure(result, inputs.batchAccountUrl, scope) };
}

function poolsStep(outcome: ListOutcome, inputs: VerifyInputs, scope: string, mayBeRefused: boolean): StepResult {
    const title = listTitles(inputs)[1];
    if (outcome.kind === "token-error") return { title, status: "fail", diagnosis: outcome.diagnosis };
    const { result } = outcome;
    if (result.ok) return { title, status: "pass", detail: countText(result.count, result.more, "pool") };
    if (result.status === 403 && mayBeRefused) {
        return {
            title,
            status: "not-allowed",
            detail:
                "not allowed by this role (HTTP 403): expected for a job-submitter role without pool rights; " +
                "pass --require-pools when this identity should see pools",
        };
    }
    return { title, status: "fail", diagnosis: diagnoseBatchFailure(result, inputs.batchAccountUrl, scope) };
}

function countText(count: number, more: boolean, noun: string): string {
    return `${more ? "more than " : ""}${count} ${noun}${count === 1 && !more ? "" : "s"} visible`;
}

type TokenOutcome = { readonly ok: true; readonly token: AccessToken } | { readonly ok: false; readonly error: unknown };

async function getToken(credential: TokenCredential, scope: string, entraErrors: EntraErrorRecorder): Promise<TokenOutcome> {
    entraErrors.clear();
    try {
        const token = await credential.getToken(scope);
        return token ? { ok: true, token } : { ok: false, error: new Error("the credential returned no token") };
    } catch (error) {
        return { ok: false, error };
    }
}

function createCredential(inputs: VerifyInputs, mode: SignInMode, entraErrors: EntraErrorRecorder, print: Print): TokenCredential {
    const common = {
        authorityHost: inputs.authorityHost,
        // Instance discovery asks the public cloud about the host; sovereign clouds and Azure Stack are not in it.
        disableInstanceDiscovery: !isPublicCloudAuthority(inputs.authorityHost),
        additionalPolicies: [{ policy: entraErrors.policy, position: "perCall" as const }],
    };
    if (mode === "interactive") {
        return new DeviceCodeCredential({
            ...common,
            tenantId: inputs.tenantId,
            clientId: inputs.clientId,
            userPromptCallback: (info: DeviceCodeInfo) => print(`\n${info.message}\n`),
        });
    }
    if (inputs.clientCertificatePem) {
        return new ClientCertificateCredential(inputs.tenantId, inputs.clientId, { certificate: inputs.clientCertificatePem }, common);
    }
    return new ClientSecretCredential(inputs.tenantId, inputs.clientId, inputs.clientSecret ?? "", common);
}

/**
 * Keeps the last error body Entra ID sent. The device-code flow throws only the OAuth error name; the AADSTS number
 * that says what to fix is in the body.
 */
class EntraErrorRecorder {
    last: EntraErrorBody | undefined;

    readonly policy: PipelinePolicy = {
        name: "batchEntraVerifyErrorRecorder",
        sendRequest: async (request, next) => {
            const response = await next(request);
            if (response.status >= 400 && response.bodyAsText) {
                const body = parseEntraError(response.bodyAsText);
                if (body && body.error !== "authorization_pending") this.last = body;
            }
            return response;
        },
    };

    clear(): void {
        this.last = undefined;
    }
}

function parseEntraError(text: string): EntraErrorBody | undefined {
    try {
        const parsed: unknown = JSON.parse(text);
        if (parsed === null || typeof parsed !== "object") return undefined;
        const { error, error_description, error_codes } = parsed as Record<string, unknown>;
        return {
            error: typeof error === "string" ? error : undefined,
            error_description: typeof error_description === "string" ? error_description : undefined,
            error_codes: Array.isArray(error_codes) ? error_codes.filter((code): code is number => typeof code === "number") : undefined,
        };
    } catch {
        return undefined;
    }
}

/** Audience and expiry from the token's claims (read, not validated: Batch validates it); never the token itself. */
function describeToken(token: AccessToken): string {
    const minutes = Math.round((token.expiresOnTimestamp - Date.now()) / 60_000);
    const claims = decodeClaims(token.token);
    const audience = typeof claims?.aud === "string" ? `audience ${claims.aud}, ` : "";
    return `${audience}valid for ${minutes} min`;
}

function decodeClaims(jwt: string): Record<string, unknown> | undefined {
    const payload = jwt.split(".")[1];
    if (!payload) return undefined;
    try {
        const parsed: unknown = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
        return parsed !== null && typeof parsed === "object" ? (parsed as Record<string, unknown>) : undefined;
    } catch {
        return undefined;
    }
}

const STATUS_LABEL: Readonly<Record<StepStatus, string>> = {
    pass: "PASS",
    fail: "FAIL",
    "not-allowed": "NOT ALLOWED",
    "not-run": "NOT RUN",
};

function printStep(result: StepResult, print: Print): void {
    print(`[${STATUS_LABEL[result.status]}] ${result.title}${result.detail ? `: ${result.detail}` : ""}`);
    if (result.diagnosis) {
        print(`    cause: ${result.diagnosis.cause}`);
        print(`    fix:   ${result.diagnosis.fix}`);
        if (result.diagnosis.evidence) print(`    said:  ${result.diagnosis.evidence}`);
    }
}
