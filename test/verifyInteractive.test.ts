import {
    CLIENT_ID,
    FakeAnswer,
    FakeHttpsServer,
    RecordedRequest,
    TENANT_ID,
    TestCa,
    entraError,
    fakeAccessToken,
    openIdConfiguration,
    runVerify,
    useFakeServers,
} from "./verifyFakes";

/** `npm run verify -- --interactive`: device-code sign-in as a user, against local HTTPS fakes. */
let ca: TestCa;
let entra: FakeHttpsServer;
let batch: FakeHttpsServer;

useFakeServers((servers) => ({ ca, entra, batch } = servers));

const USER_OBJECT_ID = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee";
const USER_CODE = "FKE9XQ2LM";
const DEVICE_CODE = "DAQABAAEAAAD-fake-device-code";
const USER_IMPERSONATION = "https://batch.core.windows.net/user_impersonation";

function environment(): Record<string, string> {
    return {
        AZURE_TENANT_ID: TENANT_ID,
        AZURE_CLIENT_ID: CLIENT_ID,
        AZURE_AUTHORITY_HOST: entra.url,
        BATCH_ACCOUNT_URL: batch.url,
    };
}

/** The tokens Entra ID returns once the user has signed in: access, refresh and ID token, and client_info. */
function signedInUser(): FakeAnswer {
    const base64url = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString("base64url");
    const now = 1_700_000_000;
    return {
        status: 200,
        body: {
            token_type: "Bearer",
            scope: USER_IMPERSONATION,
            expires_in: 3599,
            ext_expires_in: 3599,
            access_token: fakeAccessToken({ aud: "https://batch.core.windows.net/", tid: TENANT_ID, oid: USER_OBJECT_ID, scp: "user_impersonation" }),
            refresh_token: "fake-refresh-token",
            id_token: fakeAccessToken({
                aud: CLIENT_ID,
                iss: `${entra.url}/${TENANT_ID}/v2.0`,
                tid: TENANT_ID,
                oid: USER_OBJECT_ID,
                sub: "fake-subject",
                preferred_username: "user@contoso.example",
                name: "Test User",
                ver: "2.0",
                iat: now,
                nbf: now,
                exp: now + 3600,
            }),
            client_info: base64url({ uid: USER_OBJECT_ID, utid: TENANT_ID }),
        },
    };
}

/**
 * Entra ID's device-code flow: the code, one "authorization pending" poll, then `afterSignIn`. Entra asks clients to
 * poll every 5 s; this fake asks for 0, so MSAL polls again at once instead of the test waiting a second per run.
 */
function serveDeviceCodeFlow(afterSignIn: () => FakeAnswer = signedInUser): void {
    let polls = 0;
    entra.route = (request) => {
        if (request.method === "GET" && request.path === `/${TENANT_ID}/v2.0/.well-known/openid-configuration`) {
            return openIdConfiguration(entra.url, TENANT_ID);
        }
        if (request.method === "POST" && request.path === `/${TENANT_ID}/oauth2/v2.0/devicecode`) {
            return {
                status: 200,
                body: {
                    user_code: USER_CODE,
                    device_code: DEVICE_CODE,
                    verification_uri: "https://microsoft.com/devicelogin",
                    expires_in: 900,
                    interval: 0,
                    message: `To sign in, use a web browser to open the page https://microsoft.com/devicelogin and enter the code ${USER_CODE} to authenticate.`,
                },
            };
        }
        if (request.method === "POST" && request.path === `/${TENANT_ID}/oauth2/v2.0/token`) {
            polls++;
            if (polls === 1) {
                return { status: 400, body: { error: "authorization_pending", error_description: "AADSTS70016: OAuth 2.0 device flow error. Authorization is pending.", error_codes: [70016] } };
            }
            return afterSignIn();
        }
        return undefined;
    };
    batch.route = (request) => (["/jobs", "/pools"].includes(request.path) ? { status: 200, body: { value: [] } } : undefined);
}

function entraRequests(suffix: string): RecordedRequest[] {
    return entra.requests.filter((request) => request.path.endsWith(suffix));
}

test("device-code sign-in prints the prompt, polls for the user's token and calls Batch with it", async () => {
    serveDeviceCodeFlow();

    const run = await runVerify(["--interactive"], environment(), ca);

    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`enter the code ${USER_CODE} to authenticate`);
    expect(run.stdout).toContain(`[PASS] Sign in as a user (device code) for ${USER_IMPERSONATION}`);
    expect(run.stdout).toMatch(/\[PASS\] List jobs .*: 0 jobs visible/);

    const [deviceCodeRequest] = entraRequests("/oauth2/v2.0/devicecode");
    expect(deviceCodeRequest.form.get("client_id")).toBe(CLIENT_ID);
    expect(deviceCodeRequest.form.get("scope")?.split(" ")).toContain(USER_IMPERSONATION);

    const polls = entraRequests("/oauth2/v2.0/token");
    expect(polls).toHaveLength(2);
    for (const poll of polls) {
        // MSAL sends Entra ID's short grant name, not RFC 8628's URN.
        expect(poll.form.get("grant_type")).toBe("device_code");
        expect(poll.form.get("client_id")).toBe(CLIENT_ID);
        expect(poll.form.get("device_code")).toBe(DEVICE_CODE);
        expect(poll.form.has("client_secret")).toBe(false);
    }

    const authorization = String(batch.requests[0].headers.authorization);
    const claims = JSON.parse(Buffer.from(authorization.split(".")[1], "base64url").toString("utf8"));
    expect(claims).toMatchObject({ oid: USER_OBJECT_ID, scp: "user_impersonation" });
    expect(entra.requests.some((request) => request.path.includes("discovery/instance"))).toBe(false);
});

test("AADSTS65001: consent is missing, and the fix says how to grant it", async () => {
    serveDeviceCodeFlow(() =>
        entraError(400, "invalid_grant", 65001, `The user or administrator has not consented to use the application with ID '${CLIENT_ID}' named 'batch-entra-dev'.`),
    );

    const run = await runVerify(["--interactive"], environment(), ca);

    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/\[FAIL\] Sign in as a user \(device code\)/);
    expect(run.stdout).toContain("cause: consent is missing");
    expect(run.stdout).toContain("batch-entra:grantAdminConsent: true");
    expect(run.stdout).toContain("said:  AADSTS65001:");
    expect(batch.requests).toHaveLength(0);
});

test("AADSTS7000218: an app without public client flows cannot sign users in with a device code", async () => {
    serveDeviceCodeFlow(() =>
        entraError(401, "invalid_client", 7000218, "The request body must contain the following parameter: 'client_assertion' or 'client_secret'."),
    );

    const run = await runVerify(["--interactive"], environment(), ca);

    expect(run.code).toBe(1);
    expect(run.stdout).toContain("cause: the app does not allow public client flows");
    expect(run.stdout).toContain("batch-entra:allowPublicClientFlows: true");
});
