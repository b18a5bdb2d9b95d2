import { BATCH_API_VERSION } from "./verify/batchRest";
import { SignInMode, StepResult, runChecks } from "./verify/checks";
import {
    InputError,
    VerifyInputs,
    environmentHasInputs,
    inputsFromEnvironment,
    inputsFromStackOutputs,
    readStackOutputs,
} from "./verify/inputs";
import { secretExpiryWarning } from "./verify/secretExpiry";
import { parseCommandLine, runCli } from "./cli";

const USAGE = `Usage: npm run verify -- [--interactive] [--stack <name>] [--require-pools] [--api-version <v>]

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
  --stack <name>         read the outputs of this stack (implies reading the stack, not the environment)
  --require-pools        a 403 on the pool list is a failure (default: reported as "not allowed by this
                         role", as for a job-submitter role)
  --api-version <v>      Batch REST API version (default ${BATCH_API_VERSION})
  --help                 show this text

The client secret is never printed.
Exit status: 0 when every step passed (a pool list refused by the role counts as passed unless
--require-pools), 1 when a step failed, 2 on a usage or input error (missing or malformed input, Pulumi CLI
failed).`;

interface VerifyArguments {
    mode: SignInMode;
    stack?: string;
    requirePools: boolean;
    apiVersion: string;
}

class UsageError extends Error {}

function parseArguments(argv: readonly string[]): VerifyArguments | "help" {
    const parsed: VerifyArguments = { mode: "service-principal", requirePools: false, apiVersion: BATCH_API_VERSION };
    for (let i = 0; i < argv.length; i++) {
        const flag = argv[i];
        if (flag === "--help" || flag === "-h") return "help";
        if (flag === "--interactive") {
            parsed.mode = "interactive";
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
    return parsed;
}

async function resolveInputs(args: VerifyArguments, env: NodeJS.ProcessEnv, now: Date): Promise<{ inputs: VerifyInputs; warning?: string }> {
    const needSecret = args.mode === "service-principal";
    if (args.stack === undefined && environmentHasInputs(env)) {
        return { inputs: inputsFromEnvironment(env, needSecret) };
    }
    const outputs = await readStackOutputs(args.stack);
    const inputs = inputsFromStackOutputs(outputs, args.stack ? `stack "${args.stack}"` : "the current stack", env, needSecret);
    return { inputs, warning: secretExpiryWarning(outputs, now) };
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
