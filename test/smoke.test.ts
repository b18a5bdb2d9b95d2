import { findResource } from "../tools/offlineRuntime";
import { expectRejected, runWith } from "./helpers";

test("the example stack declares the client app", async () => {
    const run = await runWith();
    expect(findResource(run, "azuread:index/application:Application", "batch-client-app").inputs.displayName).toBe("batch-entra-dev");
});

test("a secret that never expires is refused", async () => {
    const { problem } = await expectRejected({ clientSecretLifetimeDays: "never" }, "clientSecretLifetimeDays");
    expect(problem.problem).toMatch(/must expire/);
});
