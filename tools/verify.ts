import { readFileSync } from "fs";
import { BATCH_API_VERSION } from "./verify/batchRest";
import { SignInMode, StepResult, runChecks } from "./verify/checks";
import {
    InputError,
    VerifyInputs,
    environmentHasInputs,
    inputsFromEnvironment,
    inputsFromStackOutputs,
    nonEmpty,
    readStackOutputs,
} from "./verify/inputs";
import { secretExpiryWarning } from "./verify/secretExpiry";
import { callerCredential, readVaultCredential } from "./verify/keyVault";
import { parseCommandLine, runCli } from "./cli";

const USAGE = `Usage: npm run verify -- [--interactive | --certificate | --from-key-vault] [--stack <name>] [--require-pools] [--api-version <v>]

After \`pulumi up\`: proves that the app can get a Microsoft Entra ID token and call the Azure Batch account with it.
Service principal (default): client-credentials sign-in with the app's client ID and secret, tenant-specific
authority, scope <batch resource>/.default. --interactive: device-code sign-in as a user with the app's client
ID and the delegated user_impersonation scope. Then, with a token taken from the credential for every call:
list jobs, then list pools. Each step prints PASS or FAIL; a failure prints its cause and the fix.

Inputs, first from the environment (the Azure SDK's variable names), used when AZURE_TENANT_ID, AZURE_CLIENT_ID
or BATCH_ACCOUNT_URL is set and --stack is not given:
  AZURE_TENANT_ID        tenant (directory) ID                          stack output: tenantId
  AZURE_CLIENT_ID        the app's client ID                            stack output: clientId
  AZURE_CLIENT_SECRET    the app's secret (service principal only)      stack output: clientSecret (secret)
  AZURE_AUTHORITY_HOST   Entra ID host (default https://login.microsoftonline.com;
                         sovereign clouds and Azure Stack have their own) stack output: authorityHost
  BATCH_ACCOUNT_URL      https://<account>.<region>.batch.azure.com     stack output: batchAccountUrl
  BATCH_RESOURCE         Batch resource of the account's cloud (default https://batch.core.windows.net/);
                         the scopes are <resource>/.default and <resource>user_impersonation
                                                                        stack output: batchResourceUri
Otherwise from the stack outputs: \`pulumi stack output --json --show-secrets [--stack <name>]\` (needs the
Pulumi CLI on PATH, logged in). BATCH_ACCOUNT_URL and BATCH_RESOURCE, when set, fill in or override outputs.
Instance discovery is turned off for any authority host other than the public cloud's.

  --interactive          sign in as a user with a device code instead of the service principal
  --certificate          sign in with the app's certificate (ClientCertificateCredential) from the PEM file
                         AZURE_CLIENT_CERTIFICATE_PATH (private key and certificate) instead of a secret
  --from-key-vault       read the app's credential from Key Vault as yourself (\`az login\`), as a client
                         would, then sign in with it: a PEM certificate or a client secret, by content type.
                         URL: CLIENT_CREDENTIAL_KEY_VAULT_URL, else stack output clientCertificateKeyVaultUrl
                         or clientSecretKeyVaultUrl; you need Key Vault Secrets User on the secret
                         (batch-entra:clientCredentialReaders)
  --stack <name>         read the outputs of this stack (implies reading the stack, not the environment)
  --require-pools        a 403 on the pool list is a failure (default: reported as "not allowed by this
                         role", as for a job-submitter role)
  --api-version <v>      Batch REST API version (default ${BATCH_API_VERSION})
  --help                 show this text

The client secret and the certificate's private key are never printed.
Exit status: 0 when every step passed (a pool list refused by the role counts as passed unless
--require-pools), 1 when a step failed, 2 on a usage or input error (missing or malformed input, Pulumi CLI
failed).`;

interface VerifyArguments {
    mode: SignInMode;
    /** Where the service principal's credential comes from. */
    credential: "secret" | "certificate" | "key-vault";
    stack?: string;
    requirePools: boolean;
    apiVersion: string;
}

class UsageError extends Error {}

function parseArguments(argv: readonly string[]): VerifyArguments | "help" {
    const parsed: VerifyArguments = { mode: "service-principal", credential: "secret", requirePools: false, apiVersion: BATCH_API_VERSION };
    for (let i = 0; i < argv.length; i++) {
        const flag = argv[i];
        if (flag === "--help" || flag === "-h") return "help";
        if (flag === "--interactive") {
            parsed.mode = "interactive";
            continue;
        }
        if (flag === "--certificate" || flag === "--from-key-vault") {
            const credential = flag === "--certificate" ? "certificate" : "key-vault";
            if (parsed.credential !== "secret" && parsed.credential !== credential) {
                throw new UsageError("--certificate reads a PEM file, --from-key-vault reads Key Vault: give one of them");
            }
            parsed.credential = credential;
            continue;
        }
        if (flag === "--require-pools") {
            parsed.requirePools = true;
            continue;
        }
        if (flag !== "--stack" && flag !== "--api-version") {
            throw new UsageError(`unknown argument "${flag}"`);
        }
        const value = argv[i + 1];
        if (value === undefined || value.startsWith("--") || value.trim() === "") {
            throw new UsageError(`${flag} needs a value`);
        }
        if (flag === "--stack") parsed.stack = value;
        if (flag === "--api-version") parsed.apiVersion = value;
        i++;
    }
    if (parsed.mode === "interactive" && parsed.credential !== "secret") {
        throw new UsageError("--interactive signs in as a user; it takes no --certificate or --from-key-vault");
    }
    return parsed;
}

async function resolveInputs(args: VerifyArguments, env: NodeJS.ProcessEnv, now: Date): Promise<{ inputs: VerifyInputs; warning?: string }> {
    const needSecret = args.mode === "service-principal" && args.credential === "secret";
    if (args.stack === undefined && environmentHasInputs(env)) {
        return { inputs: await withCredential(args.credential, inputsFromEnvironment(env, needSecret), env) };
    }
    const outputs = await readStackOutputs(args.stack);
    const inputs = inputsFromStackOutputs(outputs, args.stack ? `stack "${args.stack}"` : "the current stack", env, needSecret);
    return { inputs: await withCredential(args.credential, inputs, env), warning: secretExpiryWarning(outputs, now) };
}

/** The certificate from its file, or the credential read from Key Vault, in place of the secret. */
async function withCredential(source: VerifyArguments["credential"], inputs: VerifyInputs, env: NodeJS.ProcessEnv): Promise<VerifyInputs> {
    if (source === "certificate") {
        const file = nonEmpty(env.AZURE_CLIENT_CERTIFICATE_PATH);
        if (file === undefined) {
            throw new InputError("--certificate needs AZURE_CLIENT_CERTIFICATE_PATH, a PEM file with the private key and the certificate");
        }
        let pem: string;
        try {
            pem = readFileSync(file, "utf8");
        } catch (error) {
            throw new InputError(`AZURE_CLIENT_CERTIFICATE_PATH "${file}" cannot be read: ${(error as Error).message}`);
        }
        return { ...inputs, clientSecret: undefined, clientCertificatePem: pem, source: `${inputs.source}, certificate ${file}` };
    }
    if (source === "key-vault") {
        if (inputs.keyVaultSecretUrl === undefined) {
            throw new InputError(
                "--from-key-vault needs the secret's URL: set CLIENT_CREDENTIAL_KEY_VAULT_URL, or deploy with clientSecretKeyVault: true " +
                    "or clientCredential: certificate so the stack outputs it",
            );
        }
        const credential = await readVaultCredential(inputs.keyVaultSecretUrl, callerCredential(inputs.tenantId));
        const source = `${inputs.source}, ${credential.kind} read from ${inputs.keyVaultSecretUrl}`;
        return credential.kind === "certificate"
            ? { ...inputs, clientSecret: undefined, clientCertificatePem: credential.pem, source }
            : { ...inputs, clientSecret: credential.value, source };
    }
    return inputs;
}

/** Writes a line with every occurrence of a secret masked: error texts from libraries are not ours to trust. */
function maskingPrinter(write: (line: string) => void, secrets: readonly (string | undefined)[]): (line: string) => void {
    const masked = secrets.filter((secret): secret is string => secret !== undefined && secret.length > 0);
    return (line) => write(masked.reduce((text, secret) => text.split(secret).join("***"), line));
}

export async function main(argv: readonly string[], env: NodeJS.ProcessEnv = process.env, now: Date = new Date()): Promise<number> {
    const args = parseCommandLine(argv, parseArguments, USAGE);
    if (typeof args === "number") {
        return args;
    }
    let inputs: VerifyInputs;
    let warning: string | undefined;
    try {
        ({ inputs, warning } = await resolveInputs(args, env, now));
    } catch (error) {
        if (error instanceof InputError) {
            console.error(`verify: ${maskingPrinter((line) => line, [env.AZURE_CLIENT_SECRET])(error.message)}`);
            return 2;
        }
        throw error;
    }
    const print = maskingPrinter((line) => console.log(line), [inputs.clientSecret]);
    print(`Verifying ${args.mode === "interactive" ? "integrated (device-code) sign-in" : "service-principal sign-in"} (inputs: ${inputs.source})`);
    print(`  authority  ${inputs.authorityHost}/${inputs.tenantId}`);
    print(`  client ID  ${inputs.clientId}`);
    print(`  account    ${inputs.batchAccountUrl}`);
    if (warning !== undefined) {
        print(warning);
    }
    print("");
    let results: StepResult[];
    try {
        results = await runChecks(inputs, { mode: args.mode, requirePools: args.requirePools, apiVersion: args.apiVersion }, print);
    } catch (error) {
        print(`verify stopped on an unexpected error: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
        return 1;
    }
    const passed = results.every((result) => result.status === "pass" || result.status === "not-allowed");
    print("");
    print(`${passed ? "Sign-in verified" : "Sign-in NOT verified"} (${summary(results)})`);
    return passed ? 0 : 1;
}

function summary(results: readonly StepResult[]): string {
    const count = (status: StepResult["status"]): number => results.filter((result) => result.status === status).length;
    const parts = [`steps passed ${count("pass")}`, `failed ${count("fail")}`];
    if (count("not-allowed") > 0) parts.push(`not allowed by the role ${count("not-allowed")}`);
    if (count("not-run") > 0) parts.push(`not run ${count("not-run")}`);
    return parts.join(", ");
}

if (require.main === module) {
    runCli(main);
}
