import { runOffline } from "../tools/offlineRuntime";
import { exampleStackConfig, mergeConfig } from "./helpers";
import { ALICE, BOB, PIPELINE_CONFIG, TEAM_CONFIG, inputsByUrn } from "./lifecycle";

/**
 * Scenario: Alice deploys the stack, then Bob runs `pulumi up` on the same configuration. Nothing may differ: not the
 * app's owners, not the certificate manager's vault grant, nothing else that follows whoever runs the update.
 */
describe("second deployer", () => {
    test("two deployers declare identical inputs for every resource, by hand and with the pipeline identities", async () => {
        for (const overrides of [TEAM_CONFIG, PIPELINE_CONFIG]) {
            const config = mergeConfig(exampleStackConfig(), overrides);
            const asAlice = await runOffline({ config, world: { deployer: ALICE } });
            const asBob = await runOffline({ config, world: { deployer: BOB } });
            expect(asAlice.resources.length).toBeGreaterThan(10);
            expect(inputsByUrn(asBob)).toEqual(inputsByUrn(asAlice));
        }
    });

    test("the app's owners and the certificate manager are the configured principals", async () => {
        const run = await runOffline({ config: mergeConfig(exampleStackConfig(), TEAM_CONFIG), world: { deployer: BOB } });
        const app = run.resources.find((resource) => resource.name === "batch-client-app")!;
        expect([...app.inputs.owners].sort()).toEqual([ALICE.objectId, BOB.objectId].sort());
        const manager = run.resources.find((resource) => resource.name === "pool-vault-deployer-certificates-officer")!;
        expect(manager.inputs).toMatchObject({ principalId: TEAM_CONFIG.poolCertificateManager, principalType: "Group" });
    });
});
