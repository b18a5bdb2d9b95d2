import * as fs from "fs";
import * as yaml from "js-yaml";
import * as path from "path";
import { addDays } from "../components/batchClientApp";
import { FAKE_NOW } from "../tools/fakeCloud";
import { findResource, runOffline } from "../tools/offlineRuntime";
import { secretExpiryWarning } from "../tools/verify/secretExpiry";
import { PROJECT_DIR, exampleStackConfig, expectRejected } from "./helpers";

const PASSWORD = "azuread:index/applicationPassword:ApplicationPassword";
const ROTATION = "time:index/rotating:Rotating";

/**
 * Scenario: the time provider's state is past its rotation date (150 days into a 180-day secret). Nobody pushes;
 * the daily deploy run refreshes, and the update issues the successor first and keeps the outgoing secret until it
 * expires. Before that run, `npm run verify` warns that the secret in use is inside its overlap window.
 */
describe("rotation due", () => {
    const config = exampleStackConfig();

    test("past the rotation date, the daily deploy run creates the successor secret first and retains the outgoing one", async () => {
        const issued = await runOffline({ config });
        const rotatesAt = findResource(issued, ROTATION, "batch-client-secret-rotation");
        expect(rotatesAt.inputs.rotationDays).toBe(150);
        // The refresh after the rotation date records a new rotation time in the provider's state.
        const rotated = await runOffline({ config, world: { now: addDays(FAKE_NOW, 151) } });
        const [before, after] = [issued, rotated].map((run) => findResource(run, PASSWORD, "batch-client-secret"));
        // rotateWhenChanged forces a replacement; the outgoing secret must survive its successor's creation.
        expect(after.inputs.rotateWhenChanged).not.toEqual(before.inputs.rotateWhenChanged);
        expect(after.inputs.endDate).toBe(addDays(addDays(FAKE_NOW, 151), 180));
        expect(after.options.deleteBeforeReplace).toBe(false);
        expect(after.options.retainOnDelete).toBe(true);
        expect(rotated.outputs.clientSecretRotatesAt).toBe(addDays(addDays(FAKE_NOW, 151), 150));
        // The run that does it needs no human: the deploy workflow runs daily and by hand.
        const workflow = yaml.load(fs.readFileSync(path.join(PROJECT_DIR, ".github", "workflows", "deploy.yml"), "utf8")) as any;
        expect(workflow.on.workflow_dispatch).not.toBeUndefined();
        const crons: string[] = workflow.on.schedule.map((entry: { cron: string }) => entry.cron);
        expect(crons).toHaveLength(1);
        // Minute, hour, then "* * *": every day of every month, every weekday.
        expect(crons[0]).toMatch(/^\d{1,2} \d{1,2} \* \* \*$/);
    });

    test.each(["1", "2"])("an overlap of %s day(s) is too short for a daily run and is refused", async (days) => {
        const { problem } = await expectRejected({ clientSecretOverlapDays: days }, "clientSecretOverlapDays");
        expect(problem.problem).toMatch(/daily scheduled deployment/);
    });

    test("verify warns when the secret in use is inside its overlap window, and not before", () => {
        const outputs = { clientSecretRotatesAt: addDays(FAKE_NOW, 150), clientSecretExpiresAt: addDays(FAKE_NOW, 180) };
        expect(secretExpiryWarning(outputs, new Date(addDays(FAKE_NOW, 149)))).toBeUndefined();
        expect(secretExpiryWarning(outputs, new Date(addDays(FAKE_NOW, 160)))).toMatch(/expires in 20 day\(s\).*rotation was due/s);
        expect(secretExpiryWarning(outputs, new Date(addDays(FAKE_NOW, 181)))).toMatch(/expired 1 day\(s\) ago/);
        expect(secretExpiryWarning({}, new Date(addDays(FAKE_NOW, 181)))).toBeUndefined();
    });
});
