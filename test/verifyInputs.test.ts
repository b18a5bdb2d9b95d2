import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { InputError, inputsFromEnvironment, inputsFromStackOutputs, isPublicCloudAuthority } from "../tools/verify/inputs";
import {
    CLIENT_ID,
    CLIENT_SECRET,
    FakeHttpsServer,
    TENANT_ID,
    TestCa,
    runVerify,
    serveBatchLists,
    serveClientCredentials,
    useFakeServers,
} from "./verifyFakes";

/** Where `npm run verify` takes its inputs from: the environment first, else the stack outputs via the Pulumi CLI. */
let ca: TestCa;
let entra: FakeHttpsServer;
let batch: FakeHttpsServer;
let binDir: string;

useFakeServers((servers) => ({ ca, entra, batch } = servers));

beforeEach(() => {
    binDir = fs.mkdtempSync(path.join(os.tmpdir(), "batch-entra-verify-bin-"));
});

afterEach(() => fs.rmSync(binDir, { recursive: true, force: true }));

/**
 * Puts a `pulumi` on PATH that records its arguments and prints `stdout` (or fails with `stderr`). Shell builtins
 * only: PATH holds nothing but this directory.
 */
function fakePulumiCli(answer: { stdout?: string; stderr?: string; exitCode?: number }): string {
    const quoted = (text: string): string => `'${text.replace(/'/g, "'\\''")}'`;
    const argsFile = path.join(binDir, "args.txt");
    fs.writeFileSync(
        path.join(binDir, "pulumi"),
        [
            "#!/bin/sh",
            `echo "$@" > ${quoted(argsFile)}`,
            `printf '%s\\n' ${quoted(answer.stdout ?? "")}`,
            `printf '%s\\n' ${quoted(answer.stderr ?? "")} >&2`,
            `exit ${answer.exitCode ?? 0}`,
            "",
        ].join("\n"),
        { mode: 0o755 },
    );
    return argsFile;
}

function stackOutputs(overrides: Record<string, unknown> = {}): string {
    return JSON.stringify({
        cloud: "public",
        tenantId: TENANT_ID,
        authorityHost: entra.url,
        authorityUrl: `${entra.url}/${TENANT_ID}`,
        batchResourceUri: "https://batch.core.windows.net/",
        batchScope: "https://batch.core.windows.net//.default",
        batchUserImpersonationScope: "https://batch.core.windows.net/user_impersonation",
        clientId: CLIENT_ID,
        clientSecret: CLIENT_SECRET,
        batchAccountUrl: batch.url.replace("https://", ""),
        ...overrides,
    });
}

describe("the command line", () => {
    test("--help documents every input, flag and exit status", async () => {
        const run = await runVerify(["--help"], { PATH: binDir }, ca);

        expect(run.code).toBe(0);
        for (const documented of [
            "AZURE_TENANT_ID", "AZURE_CLIENT_ID", "AZURE_CLIENT_SECRET", "AZURE_AUTHORITY_HOST", "BATCH_ACCOUNT_URL", "BATCH_RESOURCE",
            "pulumi stack output --json --show-secrets", "--interactive", "--stack <name>", "--require-pools", "--api-version",
            "tenantId", "clientId", "clientSecret", "authorityHost", "batchAccountUrl", "batchResourceUri",
            "Exit status: 0", "1 when a step failed", "2 on a usage or input error",
        ]) {
            expect(run.stdout).toContain(documented);
        }
    });

    test("an unknown argument is a usage error (exit 2)", async () => {
        const run = await runVerify(["--interactiv"], { PATH: binDir }, ca);

        expect(run.code).toBe(2);
        expect(run.stderr).toContain('unknown argument "--interactiv"');
    });
});

describe("inputs from the environment", () => {
    test("a partial set names what is missing, with an example, and contacts nothing (exit 2)", async () => {
        const run = await runVerify([], { PATH: binDir, AZURE_TENANT_ID: TENANT_ID, AZURE_CLIENT_SECRET: CLIENT_SECRET }, ca);

        expect(run.code).toBe(2);
        expect(run.stderr).toContain("missing environment variables AZURE_CLIENT_ID, BATCH_ACCOUNT_URL");
        expect(run.stderr).toContain("BATCH_ACCOUNT_URL=https://myaccount.westeurope.batch.azure.com");
        expect(run.stderr + run.stdout).not.toContain(CLIENT_SECRET);
        expect(entra.requests).toHaveLength(0);
    });

    test("BATCH_RESOURCE gives a sovereign cloud's scopes; hosts and URLs are normalised", () => {
        const inputs = inputsFromEnvironment(
            {
                AZURE_TENANT_ID: TENANT_ID,
                AZURE_CLIENT_ID: CLIENT_ID,
                AZURE_CLIENT_SECRET: CLIENT_SECRET,
                AZURE_AUTHORITY_HOST: "https://login.microsoftonline.us/",
                BATCH_ACCOUNT_URL: "myaccount.usgovvirginia.batch.usgovcloudapi.net",
                BATCH_RESOURCE: "https://batch.core.usgovcloudapi.net",
            },
            true,
        );

        expect(inputs).toMatchObject({
            authorityHost: "https://login.microsoftonline.us",
            batchAccountUrl: "https://myaccount.usgovvirginia.batch.usgovcloudapi.net",
            batchScope: "https://batch.core.usgovcloudapi.net//.default",
            batchUserImpersonationScope: "https://batch.core.usgovcloudapi.net/user_impersonation",
        });
    });

    test("the public cloud is the default, and plain http is refused", () => {
        const base = { AZURE_TENANT_ID: TENANT_ID, AZURE_CLIENT_ID: CLIENT_ID, BATCH_ACCOUNT_URL: "https://a.westeurope.batch.azure.com" };

        expect(inputsFromEnvironment(base, false)).toMatchObject({
            authorityHost: "https://login.microsoftonline.com",
            batchScope: "https://batch.core.windows.net//.default",
        });
        expect(() => inputsFromEnvironment({ ...base, BATCH_ACCOUNT_URL: "http://a.westeurope.batch.azure.com" }, false)).toThrow(
            /BATCH_ACCOUNT_URL .* must use https/,
        );
        expect(() => inputsFromEnvironment(base, true)).toThrow(InputError);
    });

    test("instance discovery stays on only for the public cloud's authority hosts", () => {
        expect(isPublicCloudAuthority("https://login.microsoftonline.com")).toBe(true);
        expect(isPublicCloudAuthority("https://login.microsoftonline.us")).toBe(false);
        expect(isPublicCloudAuthority("https://login.chinacloudapi.cn")).toBe(false);
        expect(isPublicCloudAuthority("https://adfs.local.azurestack.external")).toBe(false);
    });
});

describe("inputs from the stack outputs", () => {
    test("without environment variables the Pulumi CLI's outputs drive a full check, secret unprinted", async () => {
        const argsFile = fakePulumiCli({ stdout: stackOutputs() });
        serveClientCredentials(entra);
        serveBatchLists(batch);

        const run = await runVerify(["--stack", "dev"], { PATH: binDir }, ca);

        expect(run.stderr).toBe("");
        expect(run.code).toBe(0);
        expect(fs.readFileSync(argsFile, "utf8").trim()).toBe("stack output --json --show-secrets --stack dev");
        expect(run.stdout).toContain('inputs: stack "dev"');
        expect(entra.requests.find((request) => request.path.endsWith("/token"))?.form.get("client_secret")).toBe(CLIENT_SECRET);
        expect(batch.requests).toHaveLength(2);
        expect(run.stdout).not.toContain(CLIENT_SECRET);
    });

    test("a failing Pulumi CLI is an input error that shows what it said (exit 2)", async () => {
        fakePulumiCli({ stderr: "error: no stack named 'prod' found", exitCode: 255 });

        const run = await runVerify(["--stack", "prod"], { PATH: binDir }, ca);

        expect(run.code).toBe(2);
        expect(run.stderr).toContain("error: no stack named 'prod' found");
    });

    test("no environment variables and no Pulumi CLI: says how to supply inputs (exit 2)", async () => {
        const run = await runVerify([], { PATH: binDir }, ca);

        expect(run.code).toBe(2);
        expect(run.stderr).toContain("install the Pulumi CLI");
        expect(run.stderr).toContain("AZURE_TENANT_ID");
    });

    test("a stack without batchAccountUrl asks for BATCH_ACCOUNT_URL, which then fills in", () => {
        const outputs = JSON.parse(stackOutputs({ batchAccountUrl: undefined }));

        expect(() => inputsFromStackOutputs(outputs, 'stack "dev"', {}, true)).toThrow(/publishes no batchAccountUrl: set BATCH_ACCOUNT_URL/);
        expect(inputsFromStackOutputs(outputs, 'stack "dev"', { BATCH_ACCOUNT_URL: "https://a.westeurope.batch.azure.com" }, true)).toMatchObject({
            batchAccountUrl: "https://a.westeurope.batch.azure.com",
            clientSecret: CLIENT_SECRET,
        });
    });

    test("a stack without a client secret cannot check the service principal", () => {
        const outputs = JSON.parse(stackOutputs({ clientSecret: undefined }));

        expect(() => inputsFromStackOutputs(outputs, 'stack "dev"', {}, true)).toThrow(/has no output clientSecret/);
        expect(inputsFromStackOutputs(outputs, 'stack "dev"', {}, false).clientSecret).toBeUndefined();
    });
});
