import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import {
    CALLER_KEY_VAULT_TOKEN,
    CLIENT_ID,
    CLIENT_SECRET,
    FakeAnswer,
    FakeHttpsServer,
    RecordedRequest,
    TENANT_ID,
    TestCa,
    createClientCertificate,
    entraError,
    fakeAzureCli,
    runVerify,
    serveBatchLists,
    serveClientCredentials,
    serveKeyVaultSecret,
    useFakeServers,
} from "./verifyFakes";

/**
 * `npm run verify -- --certificate` and `--from-key-vault` against local HTTPS fakes of Entra ID, Key Vault's data
 * plane, the Azure CLI and a Batch account; @azure/identity and MSAL sign the client assertion for real.
 */
let ca: TestCa;
let entra: FakeHttpsServer;
let batch: FakeHttpsServer;
let keyVault: FakeHttpsServer;
let azDir: string;
let client: { pem: string; file: string; certificate: string };

useFakeServers((servers) => {
    ({ ca, entra, batch, keyVault } = servers);
    azDir = fakeAzureCli(ca);
    client = createClientCertificate(ca);
});

function environment(overrides: Record<string, string> = {}): Record<string, string> {
    return {
        PATH: `${azDir}:${process.env.PATH ?? "/usr/bin:/bin"}`,
        AZURE_TENANT_ID: TENANT_ID,
        AZURE_CLIENT_ID: CLIENT_ID,
        AZURE_AUTHORITY_HOST: entra.url,
        BATCH_ACCOUNT_URL: batch.url,
        ...overrides,
    };
}

/** Checks the JWT client assertion as Entra ID does: signed by the registered certificate, for this app and endpoint. */
function assertionProblem(request: RecordedRequest, certificatePem: string): string | undefined {
    if (request.form.get("client_assertion_type") !== "urn:ietf:params:oauth:client-assertion-type:jwt-bearer") return "no client assertion";
    if (request.form.has("client_secret")) return "a secret was sent too";
    const [header, payload, signature] = (request.form.get("client_assertion") ?? "").split(".");
    const headerJson = JSON.parse(Buffer.from(header, "base64url").toString("utf8"));
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
    const publicKey = new crypto.X509Certificate(certificatePem).publicKey;
    const signed = Buffer.from(`${header}.${payload}`);
    const options = headerJson.alg === "PS256" ? { key: publicKey, padding: crypto.constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 } : publicKey;
    if (!crypto.verify("sha256", signed, options, Buffer.from(signature, "base64url"))) return `bad ${headerJson.alg} signature`;
    if (claims.iss !== CLIENT_ID || claims.sub !== CLIENT_ID) return "assertion not issued by the app";
    return undefined;
}

function serveEntraExpectingCertificate(certificatePem: string): void {
    serveClientCredentials(entra, {
        tokenAnswer: (request): FakeAnswer => {
            const problem = assertionProblem(request, certificatePem);
            if (problem) return entraError(401, "invalid_client", 700027, `Client assertion failed signature validation (${problem}).`);
            return { status: 200, body: { token_type: "Bearer", expires_in: 3599, ext_expires_in: 3599, access_token: "header.eyJhdWQiOiJodHRwczovL2JhdGNoLmNvcmUud2luZG93cy5uZXQvIn0.sig" } };
        },
    });
}

test("--certificate signs in with ClientCertificateCredential from the PEM file, and calls Batch", async () => {
    serveEntraExpectingCertificate(client.certificate);
    serveBatchLists(batch);

    const run = await runVerify(["--certificate"], environment({ AZURE_CLIENT_CERTIFICATE_PATH: client.file }), ca);

    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/\[PASS\] Sign in as the service principal \(client certificate\)/);
    expect(run.stdout).toMatch(/\[PASS\] List jobs .*: 2 jobs visible/);
    expect(run.stdout).not.toContain("PRIVATE KEY");
});

test("--certificate with a certificate Entra ID does not know fails the sign-in step (exit 1)", async () => {
    const other = createClientCertificate(ca);
    serveEntraExpectingCertificate(client.certificate);
    serveBatchLists(batch);

    const run = await runVerify(["--certificate"], environment({ AZURE_CLIENT_CERTIFICATE_PATH: other.file }), ca);

    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/\[FAIL\] Sign in as the service principal \(client certificate\)/);
    expect(run.stdout).toMatch(/\[NOT RUN\] List jobs/);
});

test("--certificate without AZURE_CLIENT_CERTIFICATE_PATH is an input error that contacts nothing (exit 2)", async () => {
    const run = await runVerify(["--certificate"], environment(), ca);

    expect(run.code).toBe(2);
    expect(run.stderr).toContain("AZURE_CLIENT_CERTIFICATE_PATH");
    expect(entra.requests).toHaveLength(0);
});

test("--from-key-vault reads the certificate's PEM as the caller, then signs in with it", async () => {
    const url = serveKeyVaultSecret(keyVault, { name: "batch-client-certificate", value: client.pem, contentType: "application/x-pem-file" });
    serveEntraExpectingCertificate(client.certificate);
    serveBatchLists(batch);

    const run = await runVerify(["--from-key-vault"], environment({ CLIENT_CREDENTIAL_KEY_VAULT_URL: url }), ca);

    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`certificate read from ${url}`);
    expect(run.stdout).toMatch(/\[PASS\] Sign in as the service principal \(client certificate\)/);
    const [read] = keyVault.requests;
    expect(read.query.get("api-version")).toBe("7.4");
    expect(read.headers.authorization).toBe(`Bearer ${CALLER_KEY_VAULT_TOKEN}`);
    // The caller's own token, for Key Vault's resource, in the app's tenant; never the app's credential.
    expect(fs.readFileSync(path.join(azDir, "az-args.txt"), "utf8")).toMatch(new RegExp(`--resource https://vault.azure.net --tenant ${TENANT_ID}`));
    expect(run.stdout).not.toContain("PRIVATE KEY");
});

test("--from-key-vault reads a client secret the same way and signs in with it, never printing it", async () => {
    const url = serveKeyVaultSecret(keyVault, { name: "batch-client-secret", value: CLIENT_SECRET, contentType: "text/plain" });
    serveClientCredentials(entra, {
        tokenAnswer: (request) =>
            request.form.get("client_secret") === CLIENT_SECRET
                ? { status: 200, body: { token_type: "Bearer", expires_in: 3599, ext_expires_in: 3599, access_token: "a.eyJ9.b" } }
                : entraError(401, "invalid_client", 7000215, "Invalid client secret provided."),
    });
    serveBatchLists(batch);

    const run = await runVerify(["--from-key-vault"], environment({ CLIENT_CREDENTIAL_KEY_VAULT_URL: url }), ca);

    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/\[PASS\] Sign in as the service principal \(client credentials\)/);
    expect(run.stdout + run.stderr).not.toContain(CLIENT_SECRET);
});

test("--from-key-vault refused by Key Vault says which grant is missing and signs in nowhere (exit 2)", async () => {
    const url = serveKeyVaultSecret(keyVault, { name: "batch-client-secret", value: CLIENT_SECRET, contentType: "text/plain", forbid: true });

    const run = await runVerify(["--from-key-vault"], environment({ CLIENT_CREDENTIAL_KEY_VAULT_URL: url }), ca);

    expect(run.code).toBe(2);
    expect(run.stderr).toContain("HTTP 403");
    expect(run.stderr).toContain("clientCredentialReaders");
    expect(entra.requests.filter((request) => request.path.endsWith("/token"))).toHaveLength(0);
    expect(run.stdout + run.stderr).not.toContain(CLIENT_SECRET);
});

test("--from-key-vault without a URL, and --interactive with it, are refused (exit 2)", async () => {
    expect((await runVerify(["--from-key-vault"], environment(), ca)).stderr).toContain("CLIENT_CREDENTIAL_KEY_VAULT_URL");
    const both = await runVerify(["--interactive", "--from-key-vault"], environment(), ca);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain("--interactive signs in as a user");
    const twoSources = await runVerify(["--certificate", "--from-key-vault"], environment(), ca);
    expect(twoSources.code).toBe(2);
    expect(twoSources.stderr).toContain("give one of them");
});
