import { ChildProcess } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { MockMonitor } from "@pulumi/pulumi/runtime/mocks";
import * as library from "../library";
import { PROVIDER_BUILD_DIR, PROVIDER_DIR, buildProvider } from "../tools/buildProvider";
import { fakeInvoke, fakeState } from "../tools/fakeCloud";
import { LIBRARY_POOL_ARGS, tempDir } from "./helpers";
import { Empty, PROTO_DIR, Struct, grpc, startPlugin, unary } from "./pluginProcess";

/*
 * Starts provider/ the way the Pulumi nodejs language host runs a component provider plugin (node running
 * @pulumi/pulumi/cmd/run-plugin, resolved from the plugin folder, with the folder as its program and the engine's
 * address as argument), then speaks the engine's side of the provider protocol: GetSchema, as `pulumi package add`
 * asks it before generating SDKs, and Construct, as `pulumi up` of a Python or C# program using the package would.
 * The engine and the resource monitor are fakes on 127.0.0.1; the monitor answers like the offline runtime. The
 * plugin runs provider/bin/, the folder's `main`, which `npm run build` in provider/ writes; it is built afresh here.
 */

const providerPb = require(path.join(PROTO_DIR, "provider_pb"));
const providerGrpc = require(path.join(PROTO_DIR, "provider_grpc_pb"));
const resourcePb = require(path.join(PROTO_DIR, "resource_pb"));
const resourceGrpc = require(path.join(PROTO_DIR, "resource_grpc_pb"));
const enginePb = require(path.join(PROTO_DIR, "engine_pb"));
const engineGrpc = require(path.join(PROTO_DIR, "engine_grpc_pb"));

const SECRET_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

const registered: { type: string; name: string; parent: string; custom: boolean }[] = [];
let plugin: ChildProcess;
let programDir: string;
let client: any;
let servers: any[] = [];

async function serve(service: unknown, implementation: Record<string, Function>): Promise<string> {
    const server = new grpc.Server();
    server.addService(service, implementation);
    const port = await new Promise<number>((resolve, reject) =>
        server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (error: Error | null, bound: number) => (error ? reject(error) : resolve(bound))),
    );
    servers.push(server);
    return `127.0.0.1:${port}`;
}

/** The engine's resource monitor, answering with the offline runtime's fakes (Pulumi's MockMonitor behind gRPC). */
function fakeMonitor(): Promise<string> {
    const mocks = new MockMonitor({
        newResource: (args) => fakeState(args.type, args.name, args.inputs),
        call: (args) => fakeInvoke(args.token, args.inputs),
    });
    // MockMonitor names URNs after this process's stack settings; the plugin's own settings are the ones that count.
    (mocks as any).newUrn = (parent: string, type: string, name: string) =>
        `urn:pulumi:dev::consumer::${parent ? `${parent.split("::")[2]}$` : ""}${type}::${name}`;
    const forward = (method: string) => (call: any, callback: Function) => (mocks as any)[method](call.request, callback);
    return serve(resourceGrpc.ResourceMonitorService, {
        supportsFeature: (call: any, callback: Function) => {
            const response = new resourcePb.SupportsFeatureResponse();
            // As Pulumi's mocks: output values are off, so inputs arrive as plain values.
            response.setHassupport(call.request.getId() !== "outputValues");
            callback(null, response);
        },
        registerResource: (call: any, callback: Function) => {
            const request = call.request;
            registered.push({ type: request.getType(), name: request.getName(), parent: request.getParent(), custom: request.getCustom() });
            (mocks as any).registerResource(request, callback);
        },
        registerResourceOutputs: (_call: any, callback: Function) => callback(null, new Empty()),
        invoke: forward("invoke"),
        readResource: forward("readResource"),
        registerPackage: forward("registerPackage"),
    });
}

function fakeEngine(): Promise<string> {
    return serve(engineGrpc.EngineService, {
        log: (_call: any, callback: Function) => callback(null, new Empty()),
        getRootResource: (_call: any, callback: Function) => callback(null, new enginePb.GetRootResourceResponse()),
        setRootResource: (_call: any, callback: Function) => callback(null, new enginePb.SetRootResourceResponse()),
    });
}

beforeAll(async () => {
    buildProvider();
    const engine = await fakeEngine();
    // In the program's working directory, as the engine runs every plugin: a Python program's, with no node_modules.
    programDir = tempDir("python-program");
    const started = await startPlugin("@pulumi/pulumi/cmd/run-plugin", PROVIDER_DIR, [PROVIDER_DIR, engine], programDir);
    plugin = started.process;
    client = new providerGrpc.ResourceProviderClient(started.address, grpc.credentials.createInsecure());
}, 120_000);

afterAll(() => {
    client?.close();
    plugin?.kill();
    servers.forEach((server) => server.forceShutdown());
});

async function schema(): Promise<any> {
    const response = await unary<any>(client, "getSchema", new providerPb.GetSchemaRequest());
    return JSON.parse(response.getSchema());
}

/** Paths of every property typed `Any` in a schema fragment. */
function anyTyped(where: string, property: any): string[] {
    if (!property || typeof property !== "object") {
        return [];
    }
    const here = property.$ref === "pulumi.json#/Any" ? [where] : [];
    return [...here, ...anyTyped(`${where}[]`, property.items), ...anyTyped(`${where}{}`, property.additionalProperties)];
}

describe("the component provider served by run-plugin", () => {
    test("GetSchema names the package batch-entra at the package's version, with every served component in the index module", async () => {
        const spec = await schema();
        expect(spec.name).toBe("batch-entra");
        expect(spec.version).toBe(require("../package.json").version);
        const served = Object.keys(spec.resources).sort();
        expect(served).toEqual(
            [
                "BatchAccount",
                "BatchClientApp",
                "BatchRbac",
                "CertificateRotatingPool",
                "ClientCredentialVault",
                "LogAnalyticsDiagnostics",
                "NodeIdentityAutoStorage",
                "PipelineIdentity",
                "PoolIdentityVault",
                "PrivateDnsZones",
                "PrivateEndpointWithDns",
                "ResourceLocks",
                "WorkloadIdentities",
            ].map((name) => `batch-entra:index:${name}`),
        );
        expect(Object.values(spec.resources).every((resource: any) => resource.isComponent)).toBe(true);
    }, 120_000);

    test("every component the library exports is served", async () => {
        const spec = await schema();
        const components = Object.entries(library)
            .filter(([, value]) => typeof value === "function" && /^class /.test(Function.prototype.toString.call(value)))
            .map(([name]) => name);
        const served = Object.keys(spec.resources).map((token) => token.split(":")[2]);
        expect(components.length).toBeGreaterThan(0);
        expect(components.filter((name) => !served.includes(name))).toEqual([]);
    }, 120_000);

    test("no input or output of a served component is typed Any, and object args become named types", async () => {
        const spec = await schema();
        const properties = Object.entries(spec.resources).flatMap(([token, resource]: [string, any]) => [
            ...Object.entries(resource.inputProperties ?? {}).map(([key, property]) => [`${token} input ${key}`, property] as const),
            ...Object.entries(resource.properties ?? {}).map(([key, property]) => [`${token} output ${key}`, property] as const),
        ]);
        const typeProperties = Object.entries(spec.types).flatMap(([token, type]: [string, any]) =>
            Object.entries(type.properties ?? {}).map(([key, property]) => [`${token}.${key}`, property] as const),
        );
        expect([...properties, ...typeProperties].flatMap(([where, property]) => anyTyped(where, property))).toEqual([]);

        const app = spec.resources["batch-entra:index:BatchClientApp"];
        // No secret unless asked for: clients may sign in with a certificate or a federated credential instead.
        expect(app.requiredInputs).toEqual(["displayName"]);
        expect(app.inputProperties.clientSecret.$ref).toBe("#/types/batch-entra:index:ClientSecretArgs");
        expect(spec.types["batch-entra:index:ClientSecretArgs"]).toMatchObject({
            properties: { lifetimeDays: { type: "number" }, overlapDays: { type: "number" } },
            required: ["lifetimeDays", "overlapDays"],
        });
        expect(spec.types["batch-entra:index:SignInAudience"].enum.map((member: any) => member.value)).toEqual(["AzureADMyOrg", "AzureADMultipleOrgs"]);
        expect(app.inputProperties.owners).toMatchObject({ type: "array", items: { type: "string" } });
        expect(app.properties.clientSecret).toMatchObject({ type: "string" });
        expect(app.properties.application.$ref).toMatch(/^\/azuread\/v[\d.]+\/schema\.json#\/resources\/azuread:index%2Fapplication:Application$/);

        const account = spec.resources["batch-entra:index:BatchAccount"];
        expect(account.inputProperties.allowedAuthenticationModes.items.$ref).toBe("#/types/batch-entra:index:AuthenticationMode");
        expect(spec.types["batch-entra:index:PublicNetworkAccess"].enum.map((member: any) => member.value)).toEqual(["Enabled", "Disabled"]);
        expect(account.inputProperties.resourceGroup.$ref).toBe("#/types/batch-entra:index:ResourceGroupReference");

        const rbac = spec.resources["batch-entra:index:BatchRbac"];
        // A union of object types in TypeScript: two optional named fields in the schema, exactly one checked at construction.
        expect(rbac.inputProperties.jobSubmitterRole.$ref).toBe("#/types/batch-entra:index:JobSubmitterRoleChoice");
        expect(spec.types["batch-entra:index:JobSubmitterRoleChoice"]).toMatchObject({
            properties: { create: { $ref: "#/types/batch-entra:index:JobSubmitterRoleArgs" }, existingRoleDefinitionGuid: { type: "string" } },
        });
        expect(spec.types["batch-entra:index:JobSubmitterRoleChoice"].required ?? []).toEqual([]);
        expect(rbac.inputProperties.grants).toMatchObject({ type: "array", items: { $ref: "#/types/batch-entra:index:RoleGrant" } });
        const grant = spec.types["batch-entra:index:RoleGrant"];
        expect(grant.properties.role.$ref).toBe("#/types/batch-entra:index:GrantRole");
        expect(grant.properties.principalType.$ref).toBe("#/types/batch-entra:index:PrincipalType");
        expect(spec.types["batch-entra:index:GrantRole"].enum.map((member: any) => member.value)).toEqual(
            expect.arrayContaining(["JobSubmitter", "AzureBatchDataContributor", "Reader", "AzureMLDataScientist"]),
        );
        expect(spec.types["batch-entra:index:PrincipalType"].enum.map((member: any) => member.value)).toEqual(["User", "Group", "ServicePrincipal"]);
        expect(rbac.properties.assignments).toMatchObject({ type: "array", items: { $ref: "#/types/batch-entra:index:GrantedRole" } });
        expect(rbac.properties.jobSubmitterRoleDefinitionId).toMatchObject({ type: "string" });
        // Internal state (the propagation wait, the claimed assignment names) is not an output.
        expect(Object.keys(rbac.properties).sort()).toEqual(["assignments", "jobSubmitterRoleDefinition", "jobSubmitterRoleDefinitionId", "jobSubmitterRoleName"]);

        const pipeline = spec.resources["batch-entra:index:PipelineIdentity"];
        expect(pipeline.inputProperties.deployEnvironments).toMatchObject({ type: "array", items: { type: "string" } });
        expect(pipeline.inputProperties.assignableRoleDefinitionIds).toMatchObject({ type: "array", items: { type: "string" } });
        expect(pipeline.properties.deployClientId).toMatchObject({ type: "string" });
        expect(pipeline.properties.deployApplication.$ref).toMatch(/azuread:index%2Fapplication:Application$/);

        const vault = spec.resources["batch-entra:index:PoolIdentityVault"];
        expect(spec.types["batch-entra:index:VaultPermissionModel"].enum.map((member: any) => member.value)).toEqual(["rbac", "accessPolicy"]);
        // One PrincipalType and one PublicNetworkAccess in the schema, shared with BatchRbac and BatchAccount.
        expect(vault.inputProperties.certificateManager.$ref).toBe("#/types/batch-entra:index:VaultCertificateManager");
        expect(spec.types["batch-entra:index:VaultCertificateManager"].properties.principalType.$ref).toBe("#/types/batch-entra:index:PrincipalType");
        expect(vault.inputProperties.publicNetworkAccess.$ref).toBe("#/types/batch-entra:index:PublicNetworkAccess");
        expect(vault.inputProperties.certificateReaders).toMatchObject({ type: "array", items: { $ref: "#/types/batch-entra:index:VaultPrincipal" } });
        expect(vault.inputProperties.certificates).toMatchObject({ type: "array", items: { $ref: "#/types/batch-entra:index:CertificateToCreate" } });
        expect(spec.types["batch-entra:index:CertificateToCreate"].properties.dnsNames).toMatchObject({ type: "array", items: { type: "string" } });
        expect(vault.inputProperties.privateEndpoint.$ref).toBe("#/types/batch-entra:index:VaultPrivateEndpointArgs");
        expect(vault.properties.certificateSecretUrls).toMatchObject({ type: "object", additionalProperties: { type: "string" } });
        expect(vault.properties.keyVaultUri).toMatchObject({ type: "string" });
        // The identity's grants are the program's (poolIdentityAccess), not an output modelled as bare URNs.
        expect(vault.properties.identityAccess).toBeUndefined();

        const pool = spec.resources["batch-entra:index:CertificateRotatingPool"];
        expect(pool.inputProperties.image.$ref).toBe("#/types/batch-entra:index:PoolImage");
        expect(spec.types["batch-entra:index:PoolImage"].properties.osFamily.$ref).toBe("#/types/batch-entra:index:OsFamily");
        expect(spec.types["batch-entra:index:OsFamily"].enum.map((member: any) => member.value)).toEqual(["linux", "windows"]);
        expect(pool.inputProperties.identity.$ref).toBe("#/types/batch-entra:index:CertificateRotatingPoolIdentity");
        expect(Object.keys(spec.types["batch-entra:index:CertificateRotatingPoolIdentity"].properties).sort()).toEqual(["clientId", "id"]);
        expect(pool.inputProperties.certificates).toMatchObject({ type: "array", items: { $ref: "#/types/batch-entra:index:CertificateRotatingPoolCertificate" } });
        expect(Object.keys(spec.types["batch-entra:index:CertificateRotatingPoolCertificate"].properties)).toEqual(["secretUrl"]);
        expect(pool.inputProperties.scale.$ref).toBe("#/types/batch-entra:index:CertificateRotatingPoolScale");
        expect(spec.types["batch-entra:index:CertificateRotatingPoolScale"].properties).toMatchObject({
            fixed: { $ref: "#/types/batch-entra:index:FixedPoolScale" },
            auto: { $ref: "#/types/batch-entra:index:AutoPoolScale" },
        });
        expect(spec.types["batch-entra:index:CertificateRotatingPoolNetwork"].properties.publicIPs.$ref).toBe("#/types/batch-entra:index:PoolPublicIPs");
        expect(spec.types["batch-entra:index:PoolPublicIPs"].enum.map((member: any) => member.value)).toEqual(["none", "batchManaged"]);
        // Dependencies are the program's (certificateRotatingPoolWaitingFor), and the scale resource is poolScaleOf's.
        expect(pool.inputProperties.vaultAccess).toBeUndefined();
        expect(pool.inputProperties.networkReady).toBeUndefined();
        expect(Object.keys(pool.properties).sort()).toEqual(["pool", "poolId", "poolName"]);
        expect(pool.properties.pool.$ref).toMatch(/azure-native:batch:Pool$/);

        const enumValues = (name: string) => spec.types[`batch-entra:index:${name}`].enum.map((member: any) => member.value);
        const credentialVault = spec.resources["batch-entra:index:ClientCredentialVault"];
        // The manager is the pool vault's type: one VaultCertificateManager, one PrincipalType in the schema.
        expect(credentialVault.inputProperties.certificateManager.$ref).toBe("#/types/batch-entra:index:VaultCertificateManager");
        expect(credentialVault.inputProperties.certificate.$ref).toBe("#/types/batch-entra:index:ClientCredentialCertificate");
        expect(spec.types["batch-entra:index:ClientCredentialCertificate"].properties).toMatchObject({ validityMonths: { type: "number" }, renewDaysBeforeExpiry: { type: "number" } });
        expect(credentialVault.inputProperties.clientSecret.$ref).toBe("#/types/batch-entra:index:ClientCredentialSecret");
        expect(credentialVault.inputProperties.readers).toMatchObject({ type: "array", items: { $ref: "#/types/batch-entra:index:ClientCredentialReader" } });
        expect(spec.types["batch-entra:index:ClientCredentialReader"].properties.principalType.$ref).toBe("#/types/batch-entra:index:PrincipalType");
        expect(credentialVault.inputProperties.expiryAlertEmails).toMatchObject({ type: "array", items: { type: "string" } });
        expect(Object.keys(credentialVault.properties).sort()).toEqual(["certificateExpiresAt", "certificateSecretUrl", "certificateThumbprint", "clientSecretUrl", "keyVaultUri", "vault"]);
        expect(credentialVault.properties.vault.$ref).toMatch(/azure-native:keyvault:Vault$/);

        const workloads = spec.resources["batch-entra:index:WorkloadIdentities"];
        expect(workloads.inputProperties.identities).toMatchObject({ type: "array", items: { $ref: "#/types/batch-entra:index:WorkloadIdentity" } });
        expect(spec.types["batch-entra:index:WorkloadIdentity"]).toMatchObject({ properties: { audiences: { type: "array", items: { type: "string" } } }, required: ["issuer", "name", "subject"] });
        expect(workloads.properties.credentials.items.$ref).toMatch(/azuread:index%2FapplicationFederatedIdentityCredential:ApplicationFederatedIdentityCredential$/);

        const zones = spec.resources["batch-entra:index:PrivateDnsZones"];
        expect(zones.inputProperties.virtualNetworkIds).toMatchObject({ type: "array", items: { type: "string" } });
        expect(zones.properties.zoneIds).toMatchObject({ type: "object", additionalProperties: { type: "string" } });
        // The links are the azure-native resources, not bare URNs.
        expect(zones.properties.links.additionalProperties.items.$ref).toMatch(/azure-native:privatedns:VirtualNetworkLink$/);

        const endpoint = spec.resources["batch-entra:index:PrivateEndpointWithDns"];
        expect(endpoint.inputProperties.groupId.$ref).toBe("#/types/batch-entra:index:PrivateEndpointGroup");
        expect(enumValues("PrivateEndpointGroup")).toEqual(["batchAccount", "nodeManagement", "vault"]);
        // What an endpoint waits for is the program's (privateEndpointWaitingFor).
        expect(endpoint.inputProperties.dependsOn).toBeUndefined();
        expect(Object.keys(endpoint.properties).sort()).toEqual(["endpoint", "endpointId", "zoneGroup"]);

        const diagnostics = spec.resources["batch-entra:index:LogAnalyticsDiagnostics"];
        expect(diagnostics.inputProperties.targets).toMatchObject({ type: "array", items: { $ref: "#/types/batch-entra:index:DiagnosticTarget" } });
        expect(spec.types["batch-entra:index:DiagnosticTarget"].properties.categoryGroups.items.$ref).toBe("#/types/batch-entra:index:DiagnosticCategoryGroup");
        expect(enumValues("DiagnosticCategoryGroup")).toEqual(["allLogs", "audit"]);
        expect(diagnostics.properties.settings.items.$ref).toMatch(/azure-native:monitor:DiagnosticSetting$/);

        const locks = spec.resources["batch-entra:index:ResourceLocks"];
        expect(locks.inputProperties.targets).toMatchObject({ type: "array", items: { $ref: "#/types/batch-entra:index:LockTarget" } });
        // What the locks depend on is the program's (resourceLocksWaitingFor).
        expect(Object.keys(locks.inputProperties).sort()).toEqual(["lockName", "notes", "targets"]);
        expect(locks.properties.locks.items.$ref).toMatch(/azure-native:authorization:ManagementLockByScope$/);

        const nodeIdentity = spec.resources["batch-entra:index:NodeIdentityAutoStorage"];
        expect(nodeIdentity.requiredInputs).toEqual(["principalId", "storageAccountId", "subscriptionId"]);
        expect(nodeIdentity.properties.assignment.$ref).toMatch(/azure-native:authorization:RoleAssignment$/);
        // No resource of any kind is modelled as a bare URN object.
        expect(spec.types["batch-entra:index:Resource"]).toBeUndefined();
    }, 120_000);

    test("Construct of BatchClientApp declares its children under it and returns the client secret as a secret", async () => {
        const monitor = await fakeMonitor();
        const request = new providerPb.ConstructRequest();
        request.setProject("consumer");
        request.setStack("dev");
        request.setMonitorendpoint(monitor);
        request.setType("batch-entra:index:BatchClientApp");
        request.setName("batch-client");
        request.setInputs(Struct.fromJavaScript({ displayName: "consumer-batch-client", clientSecret: { lifetimeDays: 180, overlapDays: 30 } }));
        const response = await unary<any>(client, "construct", request);

        const urn = response.getUrn();
        expect(urn).toBe("urn:pulumi:dev::consumer::batch-entra:index:BatchClientApp::batch-client");
        const children = registered.filter((resource) => resource.parent === urn).map((resource) => `${resource.type} ${resource.name}`);
        expect(children.sort()).toEqual([
            "azuread:index/application:Application batch-client-app",
            "azuread:index/applicationPassword:ApplicationPassword batch-client-secret",
            "azuread:index/servicePrincipal:ServicePrincipal batch-client-sp",
            "time:index/rotating:Rotating batch-client-secret-rotation",
        ]);

        const state = response.getState().toJavaScript();
        expect(state.clientSecret).toEqual({ [SECRET_KEY]: SECRET_SIG, value: expect.stringMatching(/^FAKE-SECRET~/) });
        expect(state.clientId).toEqual(expect.stringMatching(/^[0-9a-f-]{36}$/));
        expect(JSON.stringify({ ...state, clientSecret: undefined })).not.toContain("FAKE-SECRET~");
    }, 120_000);
    test("Construct of WorkloadIdentities declares a credential per workload, and refuses a bad one naming the arg", async () => {
        const monitor = await fakeMonitor();
        const construct = (name: string, identities: unknown[]) => {
            const request = new providerPb.ConstructRequest();
            request.setProject("consumer");
            request.setStack("dev");
            request.setMonitorendpoint(monitor);
            request.setType("batch-entra:index:WorkloadIdentities");
            request.setName(name);
            request.setInputs(Struct.fromJavaScript({ applicationId: "/applications/00000000-0000-4000-8000-000000000001", identities }));
            return unary<any>(client, "construct", request);
        };
        const github = { name: "github-jobs", issuer: "https://token.actions.githubusercontent.com", subject: "repo:contoso/batch-jobs:environment:prod" };
        const response = await construct("workloads", [github]);
        const children = registered.filter((resource) => resource.parent === response.getUrn()).map((resource) => `${resource.type} ${resource.name}`);
        expect(children).toEqual(["azuread:index/applicationFederatedIdentityCredential:ApplicationFederatedIdentityCredential workloads-github-jobs"]);
        expect(response.getState().toJavaScript().credentials).toHaveLength(1);

        await expect(construct("bad-workloads", [{ ...github, issuer: "http://token.actions.githubusercontent.com" }])).rejects.toThrow(/identities\[0\]\.issuer: .* must use https/);
        expect(registered.filter((resource) => resource.name.startsWith("bad-workloads-"))).toEqual([]);
    }, 120_000);

    test("Construct of CertificateRotatingPool from a program with no node_modules is refused with the fix, before its dynamic resource could fail the deploy", async () => {
        const request = new providerPb.ConstructRequest();
        request.setProject("consumer");
        request.setStack("dev");
        request.setMonitorendpoint(await fakeMonitor());
        request.setType("batch-entra:index:CertificateRotatingPool");
        request.setName("pool");
        request.setInputs(Struct.fromJavaScript(LIBRARY_POOL_ARGS));
        const refused = await unary<any>(client, "construct", request).catch((error: Error) => error);
        expect(refused).toBeInstanceOf(Error);
        expect(refused.message).toContain('CertificateRotatingPool "pool": its scale (pool-scale) is a dynamic resource');
        expect(refused.message).toContain(`cd ${programDir} && npm install @pulumi/pulumi@`);
        expect(registered.filter((resource) => resource.name.startsWith("pool-"))).toEqual([]);
    }, 120_000);
});

test("the plugin folder's main is the JavaScript build of provider/index.ts, and the analyzer's entry its source", () => {
    const { main } = JSON.parse(fs.readFileSync(path.join(PROVIDER_DIR, "package.json"), "utf8"));
    expect(path.join(PROVIDER_DIR, main)).toBe(path.join(PROVIDER_BUILD_DIR, "provider", "index.js"));
    // The analyzer maps `main` to a .ts file in its program and, finding none, falls back to the folder's index.ts.
    expect(fs.existsSync(path.join(PROVIDER_DIR, main.replace(/\.js$/, ".ts")))).toBe(false);
    expect(JSON.parse(fs.readFileSync(path.join(PROVIDER_DIR, "tsconfig.json"), "utf8")).files).toEqual(["index.ts"]);
});
