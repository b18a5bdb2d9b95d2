import * as fs from "fs";
import { DEFAULT_GRANT_WAIT_TIMEOUT_SECONDS, dataPlaneScope, grantPropagationWaitProvider, httpsGet, waitUntilGranted } from "./grantPropagationWait";
import { findResource } from "../../tools/offlineRuntime";
import { runWith } from "../../test/helpers";
import { FakeHttpsServer, TestCa, createTestCa } from "../../test/verifyFakes";

/**
 * The wait's clock: `sleep` moves it on at once instead of waiting, so the polls and the limit are exact and take no
 * real time. The fake data plane reads the same clock.
 */
const clock = {
    nowMs: 0,
    now: () => clock.nowMs,
    sleep: async (ms: number) => {
        clock.nowMs += ms;
    },
};

/** A fake of Key Vault's data plane that refuses with 403 ForbiddenByRbac until `grantWorksAfterMs` has passed. */
function vaultDataPlane(server: FakeHttpsServer, grantWorksAfterMs: number): void {
    const started = clock.now();
    server.route = (request) => {
        if (request.path !== "/certificates" || request.headers.authorization !== "Bearer deployer-token") return undefined;
        return clock.now() - started < grantWorksAfterMs
            ? { status: 403, body: { error: { code: "Forbidden", message: "Caller is not authorized", innererror: { code: "ForbiddenByRbac" } } } }
            : { status: 200, body: { value: [] } };
    };
}

describe("the bounded Key Vault grant wait, against a local HTTPS fake of the data plane", () => {
    let ca: TestCa;
    const server = new FakeHttpsServer((ca = createTestCa()));
    const scopes: string[] = [];
    const dependencies = {
        getToken: async (scope: string) => {
            scopes.push(scope);
            return "deployer-token";
        },
        get: (url: string, token: string) => httpsGet(url, token, fs.readFileSync(ca.caCertFile, "utf8")),
        sleep: clock.sleep,
        now: clock.now,
    };

    beforeAll(() => server.start());
    afterAll(async () => {
        await server.close();
        fs.rmSync(ca.dir, { recursive: true, force: true });
    });
    afterEach(() => server.reset());

    test("ends as soon as the grant works: after the 403s, on the first 200", async () => {
        vaultDataPlane(server, 1200);
        const started = clock.now();
        const outcome = await waitUntilGranted({ vaultUri: `${server.url}/`, grantId: "grant-1", pollSeconds: 0.3, timeoutSeconds: 30 }, dependencies);
        // Refused at 0, 300, 600 and 900 ms; the poll at 1200 ms, the first after the grant works, ends it.
        expect(clock.now() - started).toBe(1200);
        expect(outcome.attempts).toBe(5);
        expect(server.requests.filter((request) => request.path === "/certificates")).toHaveLength(outcome.attempts);
        expect(server.requests[0].query.get("api-version")).toBe("7.4");
    });

    test("fails with a clear error after the limit when the grant never works", async () => {
        // Polls at 0, 200, ..., 1000 ms; one more would pass the 1 s limit.
        vaultDataPlane(server, Number.POSITIVE_INFINITY);
        await expect(waitUntilGranted({ vaultUri: `${server.url}/`, grantId: "grant-2", pollSeconds: 0.2, timeoutSeconds: 1 }, dependencies)).rejects.toThrow(
            /did not accept the certificate manager's grant grant-2 within 1 s \(6 attempts; last answer: HTTP 403: .*ForbiddenByRbac.*running `pulumi up` again/,
        );
    });

    test("does not retry an answer that no wait will change (404: wrong vault)", async () => {
        server.route = () => ({ status: 404, body: { error: { code: "NotFound" } } });
        await expect(waitUntilGranted({ vaultUri: `${server.url}/`, grantId: "grant-3", pollSeconds: 0.1, timeoutSeconds: 10 }, dependencies)).rejects.toThrow(/1 attempts; last answer: HTTP 404/);
    });

    test("asks for a token for the vault's own cloud", () => {
        expect(dataPlaneScope("https://kv-dev.vault.azure.net/")).toBe("https://vault.azure.net/.default");
        expect(dataPlaneScope("https://kv-dev.vault.usgovcloudapi.net/")).toBe("https://vault.usgovcloudapi.net/.default");
    });
});

describe("the wait as a resource", () => {
    test("a new grant or vault is an update that waits again; nothing is replaced", async () => {
        const olds = { vaultUri: "https://kv.vault.azure.net/", grantId: "a" };
        expect(await grantPropagationWaitProvider.diff?.("a", olds, { ...olds, grantId: "b" })).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
        expect(await grantPropagationWaitProvider.diff?.("a", olds, { ...olds })).toMatchObject({ changes: false });
        expect(grantPropagationWaitProvider.update).toBeDefined();
    });

    test("the certificate waits for it, and it takes the vault's URI and the certificate manager's grant", async () => {
        const run = await runWith();
        const wait = findResource(run, "pulumi-nodejs:dynamic/batch-entra:GrantPropagationWait", "pool-vault-grant-propagation");
        const officer = findResource(run, "azure-native:authorization:RoleAssignment", "pool-vault-deployer-certificates-officer");
        expect(wait.inputs.vaultUri).toBe(run.outputs.keyVaultUri);
        expect(wait.inputs.grantId).toMatch(/\/roleAssignments\/[0-9a-f-]{36}$/);
        expect(wait.dependencies).toContain(officer.urn);
        expect(findResource(run, "azure:keyvault/certificate:Certificate", "pool-vault-pool-01-cert").dependencies).toContain(wait.urn);
        expect(DEFAULT_GRANT_WAIT_TIMEOUT_SECONDS).toBeGreaterThanOrEqual(600);
    });
});
