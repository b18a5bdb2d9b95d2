import { spawnSync } from "child_process";
import { runOffline } from "../tools/offlineRuntime";
import { PROJECT_DIR, TYPESCRIPT_RUNNER, exampleStackConfig, expectRejected, mergeConfig } from "./helpers";
import { ALICE, DEPLOY_IDENTITY, PIPELINE_CONFIG, inputsByUrn } from "./lifecycle";

/**
 * Scenario: after the bootstrap, the deploy workflow runs `pulumi up` as the pipeline's deploy identity, day after
 * day. Its runs declare what the bootstrap declared; a change it cannot make (the app's owners) stops with a message
 * that names who can.
 */
describe("pipeline steady state", () => {
    const config = mergeConfig(exampleStackConfig(), PIPELINE_CONFIG);
    const ownersInEntra = (deployId: string) => [...PIPELINE_CONFIG.appOwners, deployId];

    test("a CI run declares exactly what the bootstrap run declared", async () => {
        const bootstrap = await runOffline({ config, world: { deployer: ALICE } });
        const ci = await runOffline({ config, world: { deployer: DEPLOY_IDENTITY, applicationOwners: ownersInEntra(DEPLOY_IDENTITY.objectId) } });
        expect(inputsByUrn(ci)).toEqual(inputsByUrn(bootstrap));
        expect(ci.invokes.some((invoke) => invoke.token === "azuread:index/getApplication:getApplication")).toBe(true);
    });

    test("an owner change from CI is refused, naming the bootstrap administrator", async () => {
        // In a fresh process, as the language host runs the program: a refused input ends it with its message.
        const newOwner = "c4a1e000-0000-4000-8000-000000000003";
        const changed = mergeConfig(config, { appOwners: [...PIPELINE_CONFIG.appOwners, newOwner] });
        const world = { deployer: DEPLOY_IDENTITY, applicationOwners: ownersInEntra(DEPLOY_IDENTITY.objectId) };
        const script = `
            require("./tools/offlineRuntime")
                .runOffline({ config: ${JSON.stringify(changed)}, world: ${JSON.stringify(world)} })
                .then(() => console.log("the update went ahead"));
        `;
        const child = spawnSync(process.execPath, [...TYPESCRIPT_RUNNER, "-e", script], { cwd: PROJECT_DIR, encoding: "utf8" });
        expect(child.status).not.toBe(0);
        expect(child.stdout).not.toContain("the update went ahead");
        expect(child.stderr).toContain("Application.ReadWrite.OwnedBy cannot add or remove owners");
        expect(child.stderr).toContain("bootstrap administrator");
        expect(child.stderr).toContain(newOwner);
        // The same change made by an administrator goes through.
        const asAdministrator = await runOffline({ config: changed, world: { deployer: ALICE } });
        expect(asAdministrator.resources.find((resource) => resource.name === "batch-client-app")?.inputs.owners).toContain(newOwner);
    });

    test("validation and docs say what Graph accepts as owners: users and service principals, no groups", async () => {
        const { problem } = await expectRejected({ appOwners: [] }, "appOwners");
        expect(problem.problem).toMatch(/user or a service principal/);
        expect(problem.problem).toMatch(/no groups/);
    });
});
