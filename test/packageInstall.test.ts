import { execFileSync } from "child_process";
import { builtinModules } from "module";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { packageOf } from "../features/dynamicResourceHost";
import { PROJECT_DIR, linkRepositoryPackages } from "./helpers";

/*
 * What a TypeScript user of the package gets: `npm pack`, the tarball installed into a fresh project with its own
 * package.json, and a program there that type-checks against the shipped declarations and constructs two components
 * under Pulumi's mocks. The peer dependencies are the repository's own installed copies, linked in, so the test needs
 * no registry and installs one package.
 *
 * Under `npm test`, tools/typecheck.ts has built lib/ from the one type-checked program (the same output as `npm run
 * build`), and says so in the file named by LIB_READY_VARIABLE: the test waits for it and packs that lib/ with
 * `--ignore-scripts`. Run on its own (`npx jest ...`), `npm pack` builds lib/ through `prepack`, as for a release.
 */

/** Set by tools/test.sh: where tools/typecheck.ts writes `built` or `failed` once it is done with lib/. */
const LIB_READY_VARIABLE = "BATCH_ENTRA_LIB_READY";
const LIB_READY_WAIT_MS = 150_000;

/** The package's peer dependencies (and the consumer's Node typings), linked from this repository's node_modules. */
const PEERS = ["@pulumi/pulumi", "@pulumi/azure", "@pulumi/azure-native", "@pulumi/azuread", "@pulumiverse/time", "@azure/identity", "@types/node"];

/** Every package a JavaScript file of `dir` requires by name (not Node's own modules, not relative paths). */
function requiredPackages(dir: string): Map<string, string> {
    const found = new Map<string, string>();
    for (const entry of fs.readdirSync(dir, { recursive: true, encoding: "utf8" }).filter((name) => name.endsWith(".js"))) {
        for (const [, specifier] of fs.readFileSync(path.join(dir, entry), "utf8").matchAll(/\brequire\("([^".][^"]*)"\)/g)) {
            const name = packageOf(specifier);
            if (!builtinModules.includes(name.replace(/^node:/, "")) && !found.has(name)) {
                found.set(name, entry);
            }
        }
    }
    return found;
}

const CONSUMER_PROGRAM = `
import * as pulumi from "@pulumi/pulumi";
import { BatchAccount, BatchClientApp, PublicNetworkAccess } from "batch-entra";

const declared: { type: string; name: string; inputs: Record<string, unknown> }[] = [];
pulumi.runtime.setMocks(
    {
        newResource: (args) => {
            declared.push({ type: args.type, name: args.name, inputs: args.inputs });
            // Just the outputs the two components read: client ID, secret value, rotation timestamp.
            const state: Record<string, unknown> = { ...args.inputs, clientId: "00000000-0000-4000-8000-000000000001", value: "consumer-secret", rfc3339: "2026-01-01T00:00:00Z" };
            return { id: args.name + "-id", state };
        },
        call: (args) => ({ objectId: "00000000-0000-4000-8000-000000000002", oauth2PermissionScopeIds: { user_impersonation: "00000000-0000-4000-8000-000000000003" } }),
    },
    "consumer",
    "dev",
    false,
);

const app = new BatchClientApp("app", { displayName: "consumer-app", clientSecret: { lifetimeDays: 90, overlapDays: 15 } });
const account = new BatchAccount("account", {
    location: "westeurope",
    resourceGroup: { name: "rg-consumer" },
    accountName: "consumerbatch",
    subscriptionId: "00000000-0000-4000-8000-000000000004",
    publicNetworkAccess: PublicNetworkAccess.Disabled,
});

// An app given clientSecret args always has the output.
pulumi.all([app.urn, account.urn, pulumi.unsecret(app.clientSecret!)]).apply(async ([appUrn, accountUrn, secret]) => {
    const isSecret = await pulumi.isSecret(app.clientSecret!);
    // Registrations still in flight settle before the report.
    setTimeout(() => console.log(JSON.stringify({ appUrn, accountUrn, secret, isSecret, declared })), 100);
});
`;

/** Runs a command, failing with everything it printed. */
function run(file: string, args: readonly string[], cwd: string): string {
    try {
        return execFileSync(file, args, { cwd, encoding: "utf8", stdio: "pipe" });
    } catch (error: any) {
        throw new Error(`${[file, ...args].join(" ")} failed:\n${error.stdout ?? ""}${error.stderr ?? ""}`);
    }
}

/** `npm pack` arguments: lib/ from tools/typecheck.ts when npm test's type-check built it, else through prepack. */
async function packArguments(): Promise<string[]> {
    const readyFile = process.env[LIB_READY_VARIABLE];
    if (!readyFile) {
        return [];
    }
    const deadline = Date.now() + LIB_READY_WAIT_MS;
    while (!fs.existsSync(readyFile)) {
        if (Date.now() > deadline) {
            throw new Error(`${LIB_READY_VARIABLE}: tools/typecheck.ts wrote no ${readyFile} in ${LIB_READY_WAIT_MS / 1000} s`);
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const status = fs.readFileSync(readyFile, "utf8");
    if (status !== "built") {
        throw new Error(`tools/typecheck.ts did not build lib/ (${status}): npm test prints the type errors`);
    }
    return ["--ignore-scripts"];
}

test("npm pack builds lib/ through prepack from tsconfig.package.json, whose output tools/typecheck.ts reproduces", () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(PROJECT_DIR, "package.json"), "utf8"));
    expect(manifest.scripts.prepack).toBe("npm run build");
    expect(manifest.scripts.build).toMatch(/&& tsc -p tsconfig\.package\.json$/);
    expect(manifest.files).toEqual(["lib/"]);
});

test("the packed tarball installs into a fresh TypeScript project whose program constructs two components", async () => {
    const pack = await packArguments();
    const work = fs.mkdtempSync(path.join(os.tmpdir(), "batch-entra-consumer-"));
    try {
        const tarball = run("npm", ["pack", "--silent", ...pack, "--pack-destination", work], PROJECT_DIR).trim().split("\n").pop()!;
        const listing = run("tar", ["-tzf", path.join(work, tarball)], work).split("\n").filter(Boolean);
        expect(listing).toEqual(expect.arrayContaining(["package/lib/library.js", "package/lib/library.d.ts", "package/package.json"]));
        expect(listing.filter((file) => /\.ts$/.test(file) && !file.endsWith(".d.ts"))).toEqual([]);
        expect(listing.filter((file) => file.startsWith("package/test/") || file.startsWith("package/tools/"))).toEqual([]);

        const project = path.join(work, "consumer");
        fs.mkdirSync(project);
        fs.writeFileSync(path.join(project, "package.json"), JSON.stringify({ name: "consumer", version: "1.0.0", private: true }));
        fs.writeFileSync(
            path.join(project, "tsconfig.json"),
            JSON.stringify({ compilerOptions: { strict: true, target: "es2022", module: "commonjs", moduleResolution: "node", types: ["node"], outDir: "bin", skipLibCheck: true } }),
        );
        fs.writeFileSync(path.join(project, "index.ts"), CONSUMER_PROGRAM);
        // The peers are the repository's installed copies, so the one package to install is ours.
        run("npm", ["install", "--offline", "--no-audit", "--no-fund", "--ignore-scripts", "--legacy-peer-deps", path.join(work, tarball)], project);
        linkRepositoryPackages(project, PEERS);
        const installed = JSON.parse(fs.readFileSync(path.join(project, "node_modules", "batch-entra", "package.json"), "utf8"));
        expect(Object.keys(installed.peerDependencies).sort()).toEqual(PEERS.filter((peer) => !peer.startsWith("@types/")).sort());
        expect(installed.private).toBeUndefined();
        // What lib/ loads at run time, including what the dynamic providers require when `pulumi up` runs them, is
        // declared, so npm installs it beside the package.
        const dependencies = new Set([...Object.keys(installed.dependencies ?? {}), ...Object.keys(installed.peerDependencies)]);
        const undeclared = [...requiredPackages(path.join(project, "node_modules", "batch-entra", "lib"))].filter(([name]) => !dependencies.has(name));
        expect(undeclared.map(([name, file]) => `${name} (required by lib/${file})`)).toEqual([]);

        run(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", project], project);
        const result = JSON.parse(run(process.execPath, [path.join(project, "bin", "index.js")], project));

        expect(result.appUrn).toBe("urn:pulumi:dev::consumer::batch-entra:index:BatchClientApp::app");
        expect(result.accountUrn).toBe("urn:pulumi:dev::consumer::batch-entra:index:BatchAccount::account");
        expect(result.isSecret).toBe(true);
        expect(result.secret).toBe("consumer-secret");
        const declared = result.declared.map((resource: any) => `${resource.type} ${resource.name}`).sort();
        expect(declared).toEqual([
            "azure-native:batch:BatchAccount account-account",
            "azure-native:resources:ResourceGroup account-rg",
            "azuread:index/application:Application app-app",
            "azuread:index/applicationPassword:ApplicationPassword app-secret",
            "azuread:index/servicePrincipal:ServicePrincipal app-sp",
            "batch-entra:index:BatchAccount account",
            "batch-entra:index:BatchClientApp app",
            "time:index/rotating:Rotating app-secret-rotation",
        ]);
        const batchAccount = result.declared.find((resource: any) => resource.type === "azure-native:batch:BatchAccount");
        expect(batchAccount.inputs).toMatchObject({ allowedAuthenticationModes: ["AAD"], publicNetworkAccess: "Disabled", poolAllocationMode: "BatchService" });
    } finally {
        fs.rmSync(work, { recursive: true, force: true });
    }
}, 180_000);
