import * as fs from "fs";
import * as path from "path";
import { keyVaultNameProblem } from "../config/pools";
import { findResource, runOffline } from "../tools/offlineRuntime";
import { PROJECT_DIR, exampleStackConfig } from "./helpers";

const VAULT = "azure-native:keyvault:Vault";

/**
 * Scenario: a dev stack is destroyed in the morning and brought up again in the afternoon with its default names.
 * The destroyed vault stays soft-deleted under its name for 90 days (purge protection), so the new stack's vault
 * must get another name, while every run of one stack's life keeps the same one.
 */
describe("destroy and re-create", () => {
    const config = exampleStackConfig();
    const vaultNameAt = async (now: string) => findResource(await runOffline({ config, world: { now } }), VAULT, "pool-vault-vault").inputs.vaultName as string;

    test("the same stack state keeps its vault name; a stack created again the same day gets a new one", async () => {
        const morning = await vaultNameAt("2026-03-02T08:00:00Z");
        expect(await vaultNameAt("2026-03-02T08:00:00Z")).toBe(morning);
        const afternoon = await vaultNameAt("2026-03-02T15:30:00Z");
        expect(afternoon).not.toBe(morning);
        for (const name of [morning, afternoon]) {
            expect(keyVaultNameProblem(name)).toBeUndefined();
        }
    });

    test("the name's generation lives in state (a time.Static), not in the clock, so a refresh does not move it", async () => {
        const run = await runOffline({ config });
        const generation = findResource(run, "time:index/static:Static", "pool-vault-generation");
        expect(generation.inputs).toEqual({});
        expect(findResource(run, VAULT, "pool-vault-vault").dependencies).toContain(generation.urn);
    });

    test("the README states the exact steps for recovering a deleted vault on purpose", () => {
        const readme = fs.readFileSync(path.join(PROJECT_DIR, "README.md"), "utf8");
        const docs = fs.readFileSync(path.join(PROJECT_DIR, "docs", "lifecycle.md"), "utf8");
        expect(readme).toContain("docs/lifecycle.md");
        for (const step of ["az keyvault recover", "pulumi config set batch-entra:poolKeyVaultName", "pulumi import azure-native:keyvault:Vault", "pulumi import azure:keyvault/certificate:Certificate"]) {
            expect(docs).toContain(step);
        }
    });
});
