import { ChildProcess, spawn } from "child_process";
import * as path from "path";
import { policies } from "../policies/policies";
import { PROJECT_DIR } from "./helpers";
import { UNKNOWN } from "./policyHelpers";

/*
 * Starts the pack the way the Pulumi CLI does for `--policy-pack policies` (the pulumi-analyzer-policy plugin
 * resolves @pulumi/pulumi/cmd/run-policy-pack from the pack directory and runs it there, which compiles index.ts
 * with ts-node and type checking), then talks to it over the analyzer gRPC protocol the engine uses. This proves
 * the pack loads and answers from inside this repository with no `npm install` in policies/.
 */

const PACK_DIR = path.join(PROJECT_DIR, "policies");
const protoDir = path.dirname(require.resolve("@pulumi/pulumi/proto/analyzer_pb"));
const analyzerPb = require(path.join(protoDir, "analyzer_pb"));
const analyzerGrpc = require(path.join(protoDir, "analyzer_grpc_pb"));
const grpc = require(require.resolve("@grpc/grpc-js", { paths: [protoDir] }));
const { Struct } = require(require.resolve("google-protobuf/google/protobuf/struct_pb", { paths: [protoDir] }));
const { Empty } = require(require.resolve("google-protobuf/google/protobuf/empty_pb", { paths: [protoDir] }));

const ENFORCEMENT = ["advisory", "mandatory", "disabled", "remediate"];

let pack: ChildProcess;
let client: any;

beforeAll(async () => {
    const runner = require.resolve("@pulumi/pulumi/cmd/run-policy-pack", { paths: [PACK_DIR] });
    pack = spawn(process.execPath, [runner, "127.0.0.1:0", "."], { cwd: PACK_DIR, stdio: ["ignore", "pipe", "pipe"] });
    const port = await new Promise<number>((resolve, reject) => {
        let stdout = "";
        let stderr = "";
        pack.stdout?.on("data", (chunk) => {
            stdout += chunk;
            const match = /^(\d+)\s*$/m.exec(stdout);
            if (match) {
                resolve(Number(match[1]));
            }
        });
        pack.stderr?.on("data", (chunk) => (stderr += chunk));
        pack.on("exit", (code) => reject(new Error(`the policy pack exited with ${code}:\n${stderr}${stdout}`)));
    });
    client = new analyzerGrpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
}, 60_000);

afterAll(() => {
    client?.close();
    pack?.kill();
});

function call<T>(method: string, request: unknown): Promise<T> {
    return new Promise((resolve, reject) => client[method](request, (error: Error | null, response: T) => (error ? reject(error) : resolve(response))));
}

async function analyze(type: string, name: string, properties: Record<string, unknown>): Promise<{ policy: string; enforcement: string; message: string }[]> {
    const request = new analyzerPb.AnalyzeRequest();
    request.setType(type);
    request.setName(name);
    request.setUrn(`urn:pulumi:dev::batch-entra::${type}::${name}`);
    request.setProperties(Struct.fromJavaScript(properties));
    request.setOptions(new analyzerPb.AnalyzerResourceOptions());
    const response = await call<any>("analyze", request);
    return response.getDiagnosticsList().map((diagnostic: any) => ({
        policy: diagnostic.getPolicyname(),
        enforcement: ENFORCEMENT[diagnostic.getEnforcementlevel()],
        message: diagnostic.getMessage(),
    }));
}

test("the CLI's policy runner loads the pack and it reports every policy with its enforcement level", async () => {
    const info = await call<any>("getAnalyzerInfo", new Empty());
    expect(info.getName()).toBe("batch-entra-guardrails");
    expect(info.getVersion()).toBe("0.1.0");
    expect(info.getSupportsconfig()).toBe(true);
    const served = info.getPoliciesList().map((policy: any) => [policy.getName(), ENFORCEMENT[policy.getEnforcementlevel()]]);
    expect(served).toEqual(policies.map((policy) => [policy.name, policy.enforcementLevel]));
}, 30_000);

test("the served pack refuses a shared-key Batch account as the offline runner does", async () => {
    const diagnostics = await analyze("azure-native:batch:BatchAccount", "batch", { allowedAuthenticationModes: ["AAD", "SharedKey"], publicNetworkAccess: "Disabled" });
    expect(diagnostics).toEqual([
        {
            policy: "batch-account-no-shared-key",
            enforcement: "mandatory",
            message: expect.stringContaining("allowedAuthenticationModes [AAD, SharedKey] includes SharedKey"),
        },
    ]);
}, 30_000);

test("the served pack turns an unknown preview value into an advisory instead of failing", async () => {
    const diagnostics = await analyze("azuread:index/applicationPassword:ApplicationPassword", "secret", { applicationId: "/applications/a", endDate: UNKNOWN });
    expect(diagnostics).toEqual([
        {
            policy: "client-secret-expiry",
            enforcement: "advisory",
            message: expect.stringMatching(/can't run policy 'client-secret-expiry' from policy pack 'batch-entra-guardrails@v0\.1\.0' during preview: string value at \.endDate/),
        },
    ]);
}, 30_000);
