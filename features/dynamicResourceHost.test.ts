import { DeclaredResource, runOffline } from "../tools/offlineRuntime";
import { LIBRARY_POOL_ARGS, libraryRefusal, linkRepositoryPackages, tempDir } from "../test/helpers";
import { ClientCredentialVault } from "./clientCredentials/clientCredentialVault";
import { CertificateRotatingPool } from "./pools/certificateRotatingPool";
import { PoolIdentityVault, PoolIdentityVaultArgs } from "./pools/poolIdentityVault";

/*
 * Scenario: a Python program uses the components through the component provider. The engine runs the plugin, and
 * later the dynamic-provider host, in the program's working directory, which has no node_modules: a component
 * with a dynamic resource refuses there, before declaring anything, with the npm command that fixes it, instead of
 * the deploy stopping at that resource with "Cannot find module" (pulumi/pulumi#5455).
 */

const POOL = LIBRARY_POOL_ARGS;
const VAULT: PoolIdentityVaultArgs = {
    resourceGroupName: "rg-batch",
    location: "westeurope",
    identityName: "pools-identity",
    vaultName: "kv-pools-test",
};
const MANAGER = { principalId: "33333333-4444-4555-8666-777777777777", principalType: "Group" as const };
const version = (name: string) => (require(`${name}/package.json`) as { version: string }).version;

/** Runs `body` with the process's working directory reported as `dir`, as the plugin sees the program's. */
async function inWorkingDirectory<T>(dir: string, body: () => Promise<T>): Promise<T> {
    const cwd = jest.spyOn(process, "cwd").mockReturnValue(dir);
    try {
        return await body();
    } finally {
        cwd.mockRestore();
    }
}

/** A program directory whose node_modules links these packages from the repository's. */
function programDirWith(packages: readonly string[]): string {
    const dir = tempDir("program");
    linkRepositoryPackages(dir, packages);
    return dir;
}

const declared = (construct: () => unknown) => runOffline({ config: {}, program: async () => (construct(), {}) });
const custom = (resources: readonly DeclaredResource[]) => resources.filter((resource) => resource.custom);

describe("components with a dynamic resource, from a program's working directory", () => {
    test("with no node_modules there, CertificateRotatingPool refuses before declaring anything and says what to install", async () => {
        const dir = programDirWith([]);
        const { message, resources } = await inWorkingDirectory(dir, () => libraryRefusal(() => new CertificateRotatingPool("pool", POOL)));
        expect(message).toContain('CertificateRotatingPool "pool": its scale (pool-scale) is a dynamic resource');
        expect(message).toContain(`(${dir}), where @pulumi/pulumi/cmd/dynamic-provider and @azure/identity cannot be found`);
        expect(message).toContain(`cd ${dir} && npm install @pulumi/pulumi@${version("@pulumi/pulumi")} @azure/identity@${version("@azure/identity")}`);
        expect(custom(resources)).toEqual([]);
    });

    test("only what is missing is named", async () => {
        const dir = programDirWith(["@pulumi/pulumi"]);
        const { message } = await inWorkingDirectory(dir, () => libraryRefusal(() => new CertificateRotatingPool("pool", POOL)));
        expect(message).toContain("where @azure/identity cannot be found");
    });

    test("with both installed there, the pool and its scale are declared", async () => {
        const dir = programDirWith(["@pulumi/pulumi", "@azure/identity"]);
        const run = await inWorkingDirectory(dir, () => declared(() => new CertificateRotatingPool("pool", POOL)));
        expect(custom(run.resources).map((resource) => resource.type)).toEqual(["azure-native:batch:Pool", "pulumi-nodejs:dynamic/batch-entra:PoolScale"]);
    });

    test("the vaults check only when they declare the grant wait: with a certificate manager", async () => {
        const dir = programDirWith([]);
        const pool = await inWorkingDirectory(dir, () => libraryRefusal(() => new PoolIdentityVault("vault", { ...VAULT, certificateManager: MANAGER })));
        expect(pool.message).toContain('PoolIdentityVault "vault": the wait for the certificate manager\'s grant (vault-grant-propagation) is a dynamic resource');
        expect(custom(pool.resources)).toEqual([]);
        const certificate = { applicationId: "/applications/x", subject: "CN=x", validityMonths: 6, renewDaysBeforeExpiry: 30 };
        const client = await inWorkingDirectory(dir, () =>
            libraryRefusal(() => new ClientCredentialVault("v", { resourceGroupName: "rg", location: "westeurope", vaultName: "kv-test-creds", certificate, certificateManager: MANAGER })),
        );
        expect(client.message).toContain('ClientCredentialVault "v": the wait for the certificate manager\'s grant (v-grant-propagation) is a dynamic resource');

        const withoutManager = await inWorkingDirectory(dir, () => declared(() => new PoolIdentityVault("vault", VAULT)));
        expect(withoutManager.resources.some((resource) => resource.type.startsWith("pulumi-nodejs:dynamic"))).toBe(false);
    });
});
