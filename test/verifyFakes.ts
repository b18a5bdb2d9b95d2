import { ChildProcess, execFileSync, spawn } from "child_process";
import * as fs from "fs";
import * as https from "https";
import { AddressInfo } from "net";
import * as os from "os";
import * as path from "path";
import { PROJECT_DIR, TYPESCRIPT_RUNNER } from "./helpers";

/** A certificate authority made for one test run, and a server certificate for 127.0.0.1 that it signed. */
export interface TestCa {
    readonly dir: string;
    /** PEM file to trust through NODE_EXTRA_CA_CERTS. */
    readonly caCertFile: string;
    readonly serverKey: string;
    readonly serverCert: string;
}

/**
 * Creates the CA with the openssl CLI (Debian's openssl package is on every machine of this kind). The CA signs only
 * this server certificate and is deleted with the directory after the tests.
 */
export function createTestCa(): TestCa {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "batch-entra-verify-ca-"));
    const file = (name: string): string => path.join(dir, name);
    const openssl = (...args: string[]): void => {
        execFileSync("openssl", args, { stdio: "pipe" });
    };
    const ecKey = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
    openssl("req", "-x509", ...ecKey, "-keyout", file("ca.key"), "-out", file("ca.crt"), "-days", "1", "-subj", "/CN=batch-entra verify test CA",
        "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
    openssl("req", ...ecKey, "-keyout", file("server.key"), "-out", file("server.csr"), "-subj", "/CN=127.0.0.1");
    fs.writeFileSync(
        file("server.ext"),
        "subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n",
    );
    openssl("x509", "-req", "-in", file("server.csr"), "-CA", file("ca.crt"), "-CAkey", file("ca.key"), "-CAcreateserial",
        "-out", file("server.crt"), "-days", "1", "-extfile", file("server.ext"));
    return {
        dir,
        caCertFile: file("ca.crt"),
        serverKey: fs.readFileSync(file("server.key"), "utf8"),
        serverCert: fs.readFileSync(file("server.crt"), "utf8"),
    };
}

export interface RecordedRequest {
    readonly method: string;
    /** Path without the query string. */
    readonly path: string;
    readonly query: URLSearchParams;
    readonly headers: Readonly<Record<string, string | string[] | undefined>>;
    /** Form fields of a form-encoded POST body. */
    readonly form: URLSearchParams;
}

export interface FakeAnswer {
    readonly status: number;
    readonly body: unknown;
    readonly headers?: Readonly<Record<string, string>>;
}

type Route = (request: RecordedRequest) => FakeAnswer | undefined;

/** An HTTPS server on 127.0.0.1 that records every request and answers through `route`. */
export class FakeHttpsServer {
    readonly requests: RecordedRequest[] = [];
    route: Route = () => undefined;
    private server?: https.Server;

    constructor(private readonly ca: TestCa) {}

    get url(): string {
        const address = this.server?.address() as AddressInfo | null;
        if (!address) throw new Error("server not started");
        return `https://127.0.0.1:${address.port}`;
    }

    async start(): Promise<void> {
        this.server = https.createServer({ key: this.ca.serverKey, cert: this.ca.serverCert }, (req, res) => {
            const chunks: Buffer[] = [];
            req.on("data", (chunk: Buffer) => chunks.push(chunk));
            req.on("end", () => {
                const url = new URL(req.url ?? "/", "https://127.0.0.1");
                const recorded: RecordedRequest = {
                    method: req.method ?? "GET",
                    path: url.pathname,
                    query: url.searchParams,
                    headers: req.headers,
                    form: new URLSearchParams(Buffer.concat(chunks).toString("utf8")),
                };
                this.requests.push(recorded);
                const answer = this.route(recorded) ?? { status: 404, body: { error: "not_found", path: url.pathname } };
                res.writeHead(answer.status, { "content-type": "application/json", ...answer.headers });
                res.end(JSON.stringify(answer.body));
            });
        });
        await new Promise<void>((resolve) => this.server?.listen(0, "127.0.0.1", resolve));
    }

    async close(): Promise<void> {
        const server = this.server;
        if (!server) return;
        server.closeAllConnections();
        await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
        this.server = undefined;
    }

    reset(): void {
        this.requests.length = 0;
        this.route = () => undefined;
    }
}

export const TENANT_ID = "11111111-2222-3333-4444-555555555555";
export const CLIENT_ID = "66666666-7777-8888-9999-000000000000";
export const CLIENT_SECRET = "Xy7~fakeSecretValue.ForTests_only-4f9a";

/** An access token shaped like Entra's (a JWT); the signature is a placeholder the fakes never check. */
export function fakeAccessToken(claims: Record<string, unknown>): string {
    const part = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString("base64url");
    return `${part({ alg: "none", typ: "JWT" })}.${part(claims)}.fake-signature`;
}

/** The OpenID configuration MSAL reads for an authority it has no built-in metadata for. */
export function openIdConfiguration(base: string, tenant: string): FakeAnswer {
    return {
        status: 200,
        body: {
            issuer: `${base}/${tenant}/v2.0`,
            authorization_endpoint: `${base}/${tenant}/oauth2/v2.0/authorize`,
            token_endpoint: `${base}/${tenant}/oauth2/v2.0/token`,
            device_authorization_endpoint: `${base}/${tenant}/oauth2/v2.0/devicecode`,
            end_session_endpoint: `${base}/${tenant}/oauth2/v2.0/logout`,
            jwks_uri: `${base}/${tenant}/discovery/v2.0/keys`,
            response_types_supported: ["code", "id_token", "code id_token", "id_token token"],
            tenant_region_scope: "EU",
        },
    };
}

/** An Entra ID error answer as the token endpoint sends it. */
export function entraError(status: number, error: string, code: number, description: string): FakeAnswer {
    return {
        status,
        body: {
            error,
            error_description: `AADSTS${code}: ${description} Trace ID: 0c1f0d8e-0000-4000-8000-000000000000 Correlation ID: 1d2e3f40-0000-4000-8000-000000000000 Timestamp: 2025-01-01 00:00:00Z`,
            error_codes: [code],
            timestamp: "2025-01-01 00:00:00Z",
            trace_id: "0c1f0d8e-0000-4000-8000-000000000000",
            correlation_id: "1d2e3f40-0000-4000-8000-000000000000",
        },
    };
}

/** A Batch service error body (OData), as the data plane sends it. */
export function batchError(status: number, code: string, message: string, detail?: string): FakeAnswer {
    return {
        status,
        headers: { "request-id": "5b3a1c2d-0000-4000-8000-000000000000" },
        body: {
            "odata.metadata": "https://account.region.batch.azure.com/$metadata#Microsoft.Azure.Batch.Protocol.Entities.Container.errors/@Element",
            code,
            message: { lang: "en-US", value: `${message}\nRequestId:5b3a1c2d-0000-4000-8000-000000000000\nTime:2025-01-01T00:00:00.0000000Z` },
            ...(detail ? { values: [{ key: "AuthenticationErrorDetail", value: detail }] } : {}),
        },
    };
}

/** Entra ID answering a correct client-credentials request; `tokenAnswer` replaces the token endpoint's answer. */
export function serveClientCredentials(
    entra: FakeHttpsServer,
    options: { tokenAnswer?: (request: RecordedRequest) => FakeAnswer; expiresIn?: number } = {},
): void {
    const expiresIn = options.expiresIn ?? 3599;
    let issuedTokens = 0;
    entra.route = (request) => {
        if (request.method === "GET" && request.path === `/${TENANT_ID}/v2.0/.well-known/openid-configuration`) {
            return openIdConfiguration(entra.url, TENANT_ID);
        }
        if (request.method === "POST" && request.path === `/${TENANT_ID}/oauth2/v2.0/token`) {
            if (options.tokenAnswer) return options.tokenAnswer(request);
            issuedTokens++;
            return {
                status: 200,
                body: {
                    token_type: "Bearer",
                    expires_in: expiresIn,
                    ext_expires_in: expiresIn,
                    access_token: fakeAccessToken({ aud: "https://batch.core.windows.net/", tid: TENANT_ID, appid: CLIENT_ID, n: issuedTokens }),
                },
            };
        }
        return undefined;
    };
}

/** A Batch account with two jobs and one pool, unless `jobs` or `pools` give another answer. */
export function serveBatchLists(batch: FakeHttpsServer, answers: { jobs?: FakeAnswer; pools?: FakeAnswer } = {}): void {
    batch.route = (request) => {
        if (request.path === "/jobs") return answers.jobs ?? { status: 200, body: { value: [{ id: "job-1" }, { id: "job-2" }] } };
        if (request.path === "/pools") return answers.pools ?? { status: 200, body: { value: [{ id: "pool-1" }] } };
        return undefined;
    };
}

/** What `npm run verify` printed and its exit status. */
export interface VerifyRun {
    readonly code: number | null;
    readonly stdout: string;
    readonly stderr: string;
}

/** The environment every verify process starts with: nothing from the machine, and no proxy for loopback traffic. */
function baseEnvironment(ca: TestCa): Record<string, string> {
    return { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: ca.dir, NODE_EXTRA_CA_CERTS: ca.caCertFile, NO_PROXY: "127.0.0.1,localhost" };
}

/**
 * Runs `npm run verify`'s command itself in a child process, with only the given environment (plus PATH and the CA):
 * the whole command as a user starts it, exit status included. Each start costs ~0.5 s CPU (node, sucrase,
 * @azure/identity), so most tests use runVerify.
 */
export function runVerifyCommand(args: readonly string[], env: Record<string, string>, ca: TestCa, timeoutMs = 60_000): Promise<VerifyRun> {
    return new Promise((resolve, reject) => {
        const child = spawn(process.execPath, [...TYPESCRIPT_RUNNER, "tools/verify.ts", ...args], {
            cwd: PROJECT_DIR,
            env: { ...baseEnvironment(ca), ...env },
            stdio: ["ignore", "pipe", "pipe"],
        });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
        child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
        const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
        child.on("error", (error) => {
            clearTimeout(timer);
            reject(error);
        });
        child.on("close", (code) => {
            clearTimeout(timer);
            resolve({ code, stdout, stderr });
        });
    });
}

/** One test/verifyRunner.ts process per test CA, started on the first run and stopped with the fake servers. */
const runners = new Map<TestCa, VerifyRunner>();

class VerifyRunner {
    private readonly child: ChildProcess;
    private output = "";
    private pending?: { resolve(run: VerifyRun): void; reject(error: Error): void };
    /** Set once the process has ended: a run that timed out kills it, and the next run starts another. */
    exited = false;

    constructor(ca: TestCa) {
        this.child = spawn(process.execPath, [...TYPESCRIPT_RUNNER, "test/verifyRunner.ts"], {
            cwd: PROJECT_DIR,
            env: baseEnvironment(ca),
            stdio: ["ignore", "pipe", "pipe", "ipc"],
        });
        // Anything printed outside a run (a load error) is kept for the failure message.
        this.child.stdout?.on("data", (chunk: Buffer) => (this.output += chunk.toString("utf8")));
        this.child.stderr?.on("data", (chunk: Buffer) => (this.output += chunk.toString("utf8")));
        this.child.on("message", (run: VerifyRun) => this.settle((pending) => pending.resolve(run)));
        this.child.on("error", (error) => this.settle((pending) => pending.reject(error)));
        this.child.on("exit", (code, signal) => {
            this.exited = true;
            this.settle((pending) => pending.reject(new Error(`test/verifyRunner.ts ended (${signal ?? code}) during a run:\n${this.output}`)));
        });
    }

    private settle(settleOne: (pending: NonNullable<VerifyRunner["pending"]>) => void): void {
        const pending = this.pending;
        this.pending = undefined;
        if (pending) settleOne(pending);
    }

    run(args: readonly string[], env: Record<string, string>, timeoutMs: number): Promise<VerifyRun> {
        if (this.pending) throw new Error("runVerify: one run at a time (await the previous one)");
        return new Promise<VerifyRun>((resolve, reject) => {
            const timer = setTimeout(() => this.child.kill("SIGKILL"), timeoutMs);
            const clearing = <T>(done: (value: T) => void) => (value: T) => {
                clearTimeout(timer);
                done(value);
            };
            this.pending = { resolve: clearing(resolve), reject: clearing(reject) };
            this.child.send({ args, env }, (error) => error && this.settle((pending) => pending.reject(error)));
        });
    }

    stop(): void {
        this.child.kill();
    }
}

/**
 * Runs `npm run verify`'s `main` with these arguments and only the given environment (plus PATH and the CA), in a
 * process kept for the file's runs (test/verifyRunner.ts): the same code, fakes and TLS trust as the command, without
 * starting node and loading @azure/identity for every run. runVerifyCommand runs the command itself.
 */
export function runVerify(args: readonly string[], env: Record<string, string>, ca: TestCa, timeoutMs = 60_000): Promise<VerifyRun> {
    let runner = runners.get(ca);
    if (!runner || runner.exited) {
        runner = new VerifyRunner(ca);
        runners.set(ca, runner);
    }
    return runner.run(args, env, timeoutMs);
}

function stopVerifyRunner(ca: TestCa): void {
    runners.get(ca)?.stop();
    runners.delete(ca);
}

export interface FakeServers {
    readonly ca: TestCa;
    readonly entra: FakeHttpsServer;
    readonly batch: FakeHttpsServer;
    readonly keyVault: FakeHttpsServer;
}

/**
 * Registers the hooks every verify suite needs: one throwaway CA and fake Entra ID and Batch servers for the file,
 * their recordings cleared before each test, and everything closed and deleted after the last. `onStart` receives
 * the started servers.
 */
export function useFakeServers(onStart: (servers: FakeServers) => void): void {
    let servers: FakeServers | undefined;
    beforeAll(async () => {
        const ca = createTestCa();
        servers = { ca, entra: new FakeHttpsServer(ca), batch: new FakeHttpsServer(ca), keyVault: new FakeHttpsServer(ca) };
        await Promise.all([servers.entra.start(), servers.batch.start(), servers.keyVault.start()]);
        onStart(servers);
    });
    afterAll(async () => {
        if (servers) stopVerifyRunner(servers.ca);
        await Promise.all([servers?.entra.close(), servers?.batch.close(), servers?.keyVault.close()]);
        if (servers) fs.rmSync(servers.ca.dir, { recursive: true, force: true });
    });
    beforeEach(() => {
        servers?.entra.reset();
        servers?.batch.reset();
        servers?.keyVault.reset();
    });
}

/** The token the fake `az` hands out for Key Vault, standing in for the caller's own identity. */
export const CALLER_KEY_VAULT_TOKEN = fakeAccessToken({ aud: "https://vault.azure.net", oid: "caller" });

/**
 * A directory with an `az` that answers `az account get-access-token` as the Azure CLI does (the caller signed in
 * with `az login`), and records its arguments in az-args.txt beside it. Put it first on PATH.
 */
export function fakeAzureCli(ca: TestCa): string {
    const dir = fs.mkdtempSync(path.join(ca.dir, "az-"));
    const answer = JSON.stringify({ accessToken: CALLER_KEY_VAULT_TOKEN, expiresOn: "2099-01-01 00:00:00.000000", expires_on: 4070908800, tokenType: "Bearer" });
    fs.writeFileSync(path.join(dir, "az"), `#!/bin/sh\necho "$@" >> "${path.join(dir, "az-args.txt")}"\necho '${answer}'\n`, { mode: 0o755 });
    return dir;
}

/**
 * Key Vault's data plane for one secret: `GET /secrets/<name>?api-version=...` answers its current version when the
 * caller's bearer token is presented, 401 without a token and 403 with another one (`forbid`).
 */
export function serveKeyVaultSecret(keyVault: FakeHttpsServer, secret: { name: string; value: string; contentType: string; forbid?: boolean }): string {
    keyVault.route = (request) => {
        if (request.method !== "GET" || request.path !== `/secrets/${secret.name}`) return undefined;
        if (request.headers.authorization !== `Bearer ${CALLER_KEY_VAULT_TOKEN}`) {
            return { status: 401, body: { error: { code: "Unauthorized", message: "AKV10000: Request is missing a Bearer or PoP token." } } };
        }
        if (secret.forbid) {
            return { status: 403, body: { error: { code: "Forbidden", message: "Caller is not authorized to perform action on resource.", innererror: { code: "ForbiddenByRbac" } } } };
        }
        return {
            status: 200,
            body: {
                value: secret.value,
                contentType: secret.contentType,
                id: `${keyVault.url}/secrets/${secret.name}/0123456789abcdef0123456789abcdef`,
                attributes: { enabled: true, exp: 1782777600, recoveryLevel: "Recoverable" },
            },
        };
    };
    return `${keyVault.url}/secrets/${secret.name}`;
}

/** An RSA key and a self-signed client certificate, as Key Vault's PEM secret holds them (key first, then certificate). */
export function createClientCertificate(ca: TestCa): { pem: string; file: string; certificate: string } {
    const key = path.join(ca.dir, "client.key");
    const cert = path.join(ca.dir, "client.crt");
    execFileSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "1", "-subj", "/CN=batch-entra-dev-batch-client"], { stdio: "pipe" });
    const certificate = fs.readFileSync(cert, "utf8");
    const pem = `${fs.readFileSync(key, "utf8")}${certificate}`;
    const file = path.join(ca.dir, "client.pem");
    fs.writeFileSync(file, pem);
    return { pem, file, certificate };
}
