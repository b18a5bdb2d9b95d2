import { ChildProcess } from "child_process";
import * as path from "path";
import { policies } from "../policies/policies";
import { PROJECT_DIR } from "./helpers";
import { UNKNOWN } from "./policyHelpers";
import { Empty, PROTO_DIR, Struct, grpc, startPlugin, unary } from "./pluginProcess";

/*
 * Starts the pack the way the Pulumi CLI does for `--policy-pack policies` (the pulumi-analyzer-policy plugin
 * resolves @pulumi/pulumi/cmd/run-policy-pack from the pack directory and runs it there, which compiles index.ts
 * with ts-node and type checking), then talks to it over the analyzer gRPC protocol the engine uses. This proves
 * the pack loads and answers from inside this repository with no `npm install` in policies/.
 */

const PACK_DIR = path.join(PROJECT_DIR, "policies");
const analyzerPb = require(path.join(PROTO_DIR, "analyzer_pb"));
const analyzerGrpc = require(path.join(PROTO_DIR, "analyzer_grpc_pb"));

const ENFORCEMENT = ["advisory", "mandatory", "disabled", "remediate"];

let pack: ChildProcess;
let client: any;

beforeAll(async () => {
    const started = await startPlugin("@pulumi/pulumi/cmd/run-policy-pack", PACK_DIR, ["127.0.0.1:0", "."]);
    pack = started.process;
    client = new analyzerGrpc.AnalyzerClient(started.address, grpc.credentials.createInsecure());
}, 60_000);

afterAll(() => {
    client?.close();
    pack?.kill();
});

function call<T>(method: string, request: unknown): Promise<T> {
    return unary<T>(client, method, request);
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
