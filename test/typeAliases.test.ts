import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { runOffline } from "../tools/offlineRuntime";
import { loadStackConfig } from "../tools/stackConfig";
import { PROJECT_DIR } from "./helpers";

/*
 * The component type tokens moved from batch-entra:<module>:<Type> to batch-entra:index:<Type>. A stack deployed
 * before the move must update in place: each component is registered under its new token with an alias whose URN
 * is exactly the URN it had before (the engine derives its children's former URNs from it).
 */

/** Every component and the token it had before the move; the shipped stacks below declare each of them. */
const FORMER_TOKENS: Record<string, string> = {
    BatchAccount: "batch-entra:batch:BatchAccount",
    BatchClientApp: "batch-entra:app:BatchClientApp",
    BatchRbac: "batch-entra:rbac:BatchRbac",
    PoolIdentityVault: "batch-entra:pools:PoolIdentityVault",
    CertificateRotatingPool: "batch-entra:pools:CertificateRotatingPool",
    NodeIdentityAutoStorage: "batch-entra:pools:NodeIdentityAutoStorage",
    PipelineIdentity: "batch-entra:pipeline:PipelineIdentity",
    ClientCredentialVault: "batch-entra:app:ClientCredentialVault",
    WorkloadIdentities: "batch-entra:app:WorkloadIdentities",
    PrivateDnsZones: "batch-entra:network:PrivateDnsZones",
    PrivateEndpointWithDns: "batch-entra:network:PrivateEndpointWithDns",
    LogAnalyticsDiagnostics: "batch-entra:operations:LogAnalyticsDiagnostics",
    ResourceLocks: "batch-entra:operations:ResourceLocks",
};

const SHIPPED_FIXTURES = ["test/fixtures/every-feature-stack.yaml", "test/fixtures/private-networking-stack.yaml"];

/** Pulumi's mocks prefix the stack's type to its children's URNs; the engine does not. */
function engineUrn(mockUrn: string): string {
    return mockUrn.replace("::pulumi:pulumi:Stack$", "::");
}

/** The URN an alias spec names, as the engine computes it (a parent other than the stack prefixes its type). */
function aliasUrn(urn: string, parentUrn: string, spec: { name: string; type: string; project: string; stack: string; parenturn: string }): string {
    const [stack, project, , name] = urn.slice("urn:pulumi:".length).split("::");
    const parent = spec.parenturn || parentUrn;
    const parentType = parent && !parent.includes("::pulumi:pulumi:Stack::") ? `${engineUrn(parent).split("::")[2]}$` : "";
    return `urn:pulumi:${spec.stack || stack}::${spec.project || project}::${parentType}${spec.type}::${spec.name || name}`;
}

/** Every component the stack declares: its URN, and the URNs its aliases name. */
async function componentAliases(config: Record<string, string>): Promise<Array<[string, string[]]>> {
    const aliases = new Map<string, string[]>();
    const run = await runOffline({
        config,
        program: async () => {
            const monitor = pulumi.runtime.getMonitor() as any;
            const register = monitor.registerResource.bind(monitor);
            monitor.registerResource = (request: any, callback: (error: any, response: any) => void) =>
                register(request, (error: any, response: any) => {
                    if (!error) {
                        const specs = request.getAliasesList().map((alias: any) => alias.getSpec()?.toObject());
                        aliases.set(engineUrn(response.getUrn()), specs.map((spec: any) => aliasUrn(response.getUrn(), request.getParent(), spec)));
                    }
                    callback(error, response);
                });
            return (require("../index") as () => Promise<Record<string, unknown>>)();
        },
    });
    return run.resources
        .filter((resource) => resource.type.startsWith("batch-entra:"))
        .map((resource) => [engineUrn(resource.urn), aliases.get(engineUrn(resource.urn)) ?? []]);
}

test("every component is registered under batch-entra:index with an alias from its former URN", async () => {
    const components = [];
    for (const fixture of SHIPPED_FIXTURES) {
        components.push(...(await componentAliases(loadStackConfig(PROJECT_DIR, "dev", path.join(PROJECT_DIR, fixture)).config)));
    }
    const seen = new Set<string>();
    for (const [urn, aliased] of components) {
        const type = /[:$]batch-entra:index:([A-Za-z]+)::[^:]+$/.exec(urn)?.[1];
        expect(type).toBeDefined();
        expect(FORMER_TOKENS).toHaveProperty(type!);
        seen.add(type!);
        const former = urn.replace(/batch-entra:index:[A-Za-z]+(::[^:]+)$/, `${FORMER_TOKENS[type!]}$1`);
        expect([urn, aliased]).toEqual([urn, [former]]);
    }
    expect([...seen].sort()).toEqual(Object.keys(FORMER_TOKENS).sort());
});
