import { findResource, runOffline } from "../tools/offlineRuntime";
test("smoke", async () => {
    const run = await runOffline({ config: {} });
    expect(findResource(run, "azuread:index/application:Application", "batch-client-app").inputs.displayName).toBe("batch-entra-dev");
});
