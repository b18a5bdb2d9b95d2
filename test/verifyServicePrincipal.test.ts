import * as net from "net";
import {
    CLIENT_ID,
    CLIENT_SECRET,
    FakeAnswer,
    FakeHttpsServer,
    RecordedRequest,
    TENANT_ID,
    TestCa,
    batchError,
    entraError,
    runVerify,
    runVerifyCommand,
    serveBatchLists,
    serveClientCredentials,
    useFakeServers,
} from "./verifyFakes";

/**
 * `npm run verify` against local HTTPS fakes of Entra ID and a Batch account: the real @azure/identity and MSAL
 * code talk to them through a CA that exists only for this run.
 */
let ca: TestCa;
let entra: FakeHttpsServer;
let batch: FakeHttpsServer;

useFakeServers((servers) => ({ ca, entra, batch } = servers));

const BATCH_RESOURCE = "https://batch.core.windows.net/";

function environment(overrides: Record<string, string> = {}): Record<string, string> {
    return {
        AZURE_TENANT_ID: TENANT_ID,
        AZURE_CLIENT_ID: CLIENT_ID,
        AZURE_CLIENT_SECRET: CLIENT_SECRET,
        AZURE_AUTHORITY_HOST: entra.url,
        BATCH_ACCOUNT_URL: batch.url,
        ...overrides,
    };
}

/** A loopback port nothing listens on: bound once by the OS, then released. */
async function unusedLoopbackPort(): Promise<number> {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as net.AddressInfo;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    return port;
}

function serveEntra(tokenAnswer?: (request: RecordedRequest) => FakeAnswer, expiresIn?: number): void {
    serveClientCredentials(entra, { tokenAnswer, expiresIn });
}

function serveBatch(pools?: FakeAnswer, jobs?: FakeAnswer): void {
    serveBatchLists(batch, { pools, jobs });
}

function tokenRequests(): RecordedRequest[] {
    return entra.requests.filter((request) => request.path.endsWith("/oauth2/v2.0/token"));
}

function expectSecretNeverPrinted(run: { stdout: string; stderr: string }): void {
    expect(run.stdout).not.toContain(CLIENT_SECRET);
    expect(run.stderr).not.toContain(CLIENT_SECRET);
}

// The one test that starts the command itself, as a user does; the others run its main in a kept process (runVerify).
test("a working service principal passes every step and exits 0", async () => {
    serveEntra();
    serveBatch();

    const run = await runVerifyCommand([], environment(), ca);

    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/\[PASS\] Sign in as the service principal \(client credentials\) for https:\/\/batch\.core\.windows\.net\/\/\.default/);
    expect(run.stdout).toMatch(/\[PASS\] List jobs .*: 2 jobs visible/);
    expect(run.stdout).toMatch(/\[PASS\] List pools .*: 1 pool visible/);
    expectSecretNeverPrinted(run);
});

test("the token request is a client-credentials grant for the Batch .default scope at the tenant's authority", async () => {
    serveEntra();
    serveBatch();

    await runVerify([], environment(), ca);

    const [request] = tokenRequests();
    expect(request.path).toBe(`/${TENANT_ID}/oauth2/v2.0/token`);
    expect(request.form.get("grant_type")).toBe("client_credentials");
    expect(request.form.get("client_id")).toBe(CLIENT_ID);
    expect(request.form.get("client_secret")).toBe(CLIENT_SECRET);
    expect(request.form.get("scope")).toBe("https://batch.core.windows.net//.default");
    // A non-public authority host: MSAL must not ask the public cloud's instance discovery about it.
    expect(entra.requests.some((recorded) => recorded.path.includes("discovery/instance"))).toBe(false);
});

test("each Batch call carries the bearer token and the REST API version", async () => {
    serveEntra();
    serveBatch();

    await runVerify([], environment(), ca);

    expect(batch.requests.map((request) => request.path)).toEqual(["/jobs", "/pools"]);
    for (const request of batch.requests) {
        expect(request.method).toBe("GET");
        expect(request.query.get("api-version")).toBe("2024-07-01.20.0");
        const authorization = String(request.headers.authorization);
        expect(authorization).toMatch(/^Bearer [\w-]+\.[\w-]+\.[\w-]+$/);
        const claims = JSON.parse(Buffer.from(authorization.split(".")[1], "base64url").toString("utf8"));
        expect(claims.aud).toBe(BATCH_RESOURCE);
    }
});

test("a token is taken from the credential for every call: a cached token is reused, an expiring one renewed", async () => {
    serveEntra();
    serveBatch();
    await runVerify([], environment(), ca);
    expect(tokenRequests()).toHaveLength(1);

    entra.reset();
    batch.reset();
    // A token that expires within MSAL's five-minute renewal window is renewed on the next getToken call.
    serveEntra(undefined, 120);
    serveBatch();
    await runVerify([], environment(), ca);
    expect(tokenRequests()).toHaveLength(3);
    const tokensUsed = batch.requests.map((request) => request.headers.authorization);
    expect(new Set(tokensUsed).size).toBe(2);
});

describe("each failure is mapped to its cause and fix, and exits non-zero", () => {
    test("AADSTS7000215: wrong or expired secret", async () => {
        serveEntra(() => entraError(401, "invalid_client", 7000215, "Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID."));

        const run = await runVerify([], environment(), ca);

        expect(run.code).toBe(1);
        expect(run.stdout).toMatch(/\[FAIL\] Sign in as the service principal/);
        expect(run.stdout).toContain("cause: the client secret is wrong or has expired");
        expect(run.stdout).toContain("pulumi stack output clientSecret --show-secrets");
        expect(run.stdout).toContain("said:  AADSTS7000215: Invalid client secret provided.");
        expect(run.stdout).toMatch(/\[NOT RUN\] List jobs/);
        expect(batch.requests).toHaveLength(0);
        expectSecretNeverPrinted(run);
    });

    test("AADSTS700016: the app is not in the tenant", async () => {
        serveEntra(() => entraError(400, "unauthorized_client", 700016, `Application with identifier '${CLIENT_ID}' was not found in the directory '${TENANT_ID}'.`));

        const run = await runVerify([], environment(), ca);

        expect(run.code).toBe(1);
        expect(run.stdout).toContain("cause: no app with this client ID exists in this tenant");
        expect(run.stdout).toContain("fix:   check AZURE_CLIENT_ID / AZURE_TENANT_ID");
        expectSecretNeverPrinted(run);
    });

    test("AADSTS90002: the tenant does not exist at this authority host", async () => {
        // Entra answers the unknown tenant's OpenID configuration with the error; no token request follows.
        entra.route = (request) =>
            request.path.endsWith("/.well-known/openid-configuration")
                ? entraError(400, "invalid_tenant", 90002, `Tenant '${TENANT_ID}' not found. Check to make sure you have the correct tenant ID.`)
                : undefined;

        const run = await runVerify([], environment(), ca);

        expect(run.code).toBe(1);
        expect(run.stdout).toContain("cause: the tenant was not found at this authority host");
        expect(run.stdout).toContain("said:  AADSTS90002: Tenant");
        expect(tokenRequests()).toHaveLength(0);
    });

    test("a secret echoed back by the server is masked, never printed", async () => {
        serveEntra(() => entraError(400, "invalid_request", 9999999, `Something about '${CLIENT_SECRET}' went wrong.`));

        const run = await runVerify([], environment(), ca);

        expect(run.code).toBe(1);
        expect(run.stdout).toContain("Something about '***' went wrong.");
        expectSecretNeverPrinted(run);
    });

    test("401 from Batch for the wrong audience names the cloud's Batch resource as the fix", async () => {
        serveEntra();
        serveBatch(undefined, batchError(401, "AuthenticationFailed", "Server failed to authenticate the request. Make sure the value of Authorization header is formed correctly.",
            "The access token has been obtained from wrong audience or resource 'https://batch.core.windows.net'. It should exactly match (including forward slash) with one of the allowed audiences 'https://batch.core.usgovcloudapi.net/'"));

        const run = await runVerify([], environment(), ca);

        expect(run.code).toBe(1);
        expect(run.stdout).toMatch(/\[FAIL\] List jobs/);
        expect(run.stdout).toContain("cause: Batch rejected the token's audience");
        expect(run.stdout).toContain("BATCH_RESOURCE");
        expect(run.stdout).toContain("request-id 5b3a1c2d-0000-4000-8000-000000000000");
    });

    test("403 from Batch on jobs: no role yet or still replicating; account keys are no way around it", async () => {
        serveEntra();
        const refused = batchError(403, "AuthorizationFailure", "This request is not authorized to perform this operation.");
        serveBatch(refused, refused);

        const run = await runVerify([], environment(), ca);

        expect(run.code).toBe(1);
        expect(run.stdout).toMatch(/\[FAIL\] List jobs/);
        // Pools refused as well: with no role at all that is no job-submitter's choice, so it fails too.
        expect(run.stdout).toMatch(/\[FAIL\] List pools/);
        expect(run.stdout).toContain("no role on this Batch account that allows this call, or the role assignment is new and still replicating");
        expect(run.stdout).toContain("wait up to 10 minutes and retry");
        expect(run.stdout).toContain("shared-key authentication disabled");
    });

    test("a Batch account that cannot be reached is reported as such", async () => {
        serveEntra();
        const closedPort = await unusedLoopbackPort();

        const run = await runVerify([], environment({ BATCH_ACCOUNT_URL: `https://127.0.0.1:${closedPort}` }), ca);

        expect(run.code).toBe(1);
        expect(run.stdout).toContain(`cause: the Batch account could not be reached at https://127.0.0.1:${closedPort} (ECONNREFUSED)`);
    });
});

describe("pools and the job-submitter role", () => {
    const poolsRefused = batchError(403, "AuthorizationFailure", "This request is not authorized to perform this operation.");

    test("a 403 on pools is 'not allowed by this role', not a failure", async () => {
        serveEntra();
        serveBatch(poolsRefused);

        const run = await runVerify([], environment(), ca);

        expect(run.code).toBe(0);
        expect(run.stdout).toMatch(/\[PASS\] List jobs/);
        expect(run.stdout).toMatch(/\[NOT ALLOWED\] List pools .*not allowed by this role \(HTTP 403\)/);
    });

    test("--require-pools turns the same 403 into a failure", async () => {
        serveEntra();
        serveBatch(poolsRefused);

        const run = await runVerify(["--require-pools"], environment(), ca);

        expect(run.code).toBe(1);
        expect(run.stdout).toMatch(/\[FAIL\] List pools/);
        expect(run.stdout).toContain("still replicating");
    });
});
