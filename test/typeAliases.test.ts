import * as pulumi from "@pulumi/pulumi";
import { runOffline } from "../tools/offlineRuntime";
import { exampleStackConfig, mergeConfig } from "./helpers";

/*
 * The component type tokens moved from batch-entra:<module>:<Type> to batch-entra:index:<Type>. A stack deployed
 * before the move must update in place: each component is registered under its new token with an alias whose URN
 * is exactly the URN it had before (the engine derives its children's former URNs from it).
 */

/** The URNs the example stack (with pipeline identities on) gave its components under the former tokens. */
const FORMER_URNS = [
    "urn:pulumi:dev::batch-entra::batch-entra:batch:BatchAccount::batch",
    "urn:pulumi:dev::batch-entra::batch-entra:app:BatchClientApp::batch-client",
    "urn:pulumi:dev::batch-entra::batch-entra:rbac:BatchRbac::batch-rbac",
    "urn:pulumi:dev::batch-entra::batch-entra:pools:PoolIdentityVault::pool-vault",
    "urn:pulumi:dev::batch-entra::batch-entra:pools:CertificateRotatingPool::pool-pool-01",
    "urn:pulumi:dev::batch-entra::batch-entra:pipeline:PipelineIdentity::pipeline",
];

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

test("every component is registered under batch-entra:index with an alias from its former URN", async () => {
    const aliases = new Map<string, string[]>();
    const run = await runOffline({
        config: mergeConfig(exampleStackConfig(), { pipelineIdentity: true, pipelineRepository: "contoso/batch-entra", appOwners: ["0f0e0d0c-0000-4000-8000-000000000001"] }),
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

    const components = run.resources.filter((resource) => resource.type.startsWith("batch-entra:"));
    expect(components.map((resource) => resource.type).every((type) => /^batch-entra:index:[A-Za-z]+$/.test(type))).toBe(true);
    const aliased = components.map((resource) => [engineUrn(resource.urn), aliases.get(engineUrn(resource.urn))]);
    expect(aliased).toHaveLength(FORMER_URNS.length);
    for (const former of FORMER_URNS) {
        const current = former.replace(/batch-entra:[a-z]+:([A-Za-z]+)::/, "batch-entra:index:$1::");
        expect(aliased).toContainEqual([current, [former]]);
    }
});
