import * as azuread from "@pulumi/azuread";
import { runCli } from "./cli";
import { runOffline } from "./offlineRuntime";

/**
 * The benchmark's floor: a bare one-resource program under the same mock runtime, started the same way as the
 * plan. What the plan costs beyond this is what batch-entra adds.
 */
runCli(async () => {
    const run = await runOffline({
        config: {},
        program: async () => {
            new azuread.Application("floor", { displayName: "floor" });
            return {};
        },
    });
    console.log(`${run.resources.length} resources`);
    return 0;
});
