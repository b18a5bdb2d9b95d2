import { DEFAULT_RESOURCE_OPTIONS } from "./policyHelpers";
import * as fs from "fs";
import * as path from "path";
import { fakeSecretValue } from "../tools/fakeCloud";
import { diffPlans, renderPlanDiffText } from "../tools/planDiff";
import { PlanFileError, readPlanFile, toPreviewJson } from "../tools/planJson";
import { renderPlanMarkdown } from "../tools/planMarkdown";
import { Plan, PlanResource, SECRET_MASK, buildPlan } from "../tools/planModel";
import { runWith, tempDir } from "./helpers";
import { capturedPlan } from "./planCli";

const STACK = "urn:pulumi:dev::batch-entra";

function resource(name: string, inputs: Record<string, unknown>, options: Partial<PlanResource["options"]> = {}): PlanResource {
    return {
        urn: `${STACK}::azuread:index/application:Application::${name}`,
        type: "azuread:index/application:Application",
        name,
        custom: true,
        inputs,
        secretPaths: [],
        dependencies: [],
        options: { ...DEFAULT_RESOURCE_OPTIONS, ...options },
    };
}

function plan(resources: PlanResource[], outputs: Record<string, unknown> = {}): Plan {
    return { project: "batch-entra", stack: "dev", resources, outputs, secretOutputs: [], warnings: [] };
}

describe("the plan diff", () => {
    const base = plan([
        resource("kept", { displayName: "same", owners: ["a"] }),
        resource("edited", { displayName: "old", owners: ["a"], web: { redirectUris: [] } }),
        resource("dropped", { displayName: "gone" }),
    ]);
    const head = plan([
        resource("kept", { owners: ["a"], displayName: "same" }),
        resource("edited", { displayName: "new", owners: ["a", "b"], web: { redirectUris: [] } }, { deleteBeforeReplace: true }),
        resource("created", { displayName: "fresh" }),
    ]);
    const diff = diffPlans(base, head);

    test("finds added resources by URN", () => {
        expect(diff.added.map((r) => r.name)).toEqual(["created"]);
    });

    test("finds removed resources by URN", () => {
        expect(diff.removed.map((r) => r.name)).toEqual(["dropped"]);
    });

    test("finds changed resources with the input keys and options that changed, ignoring key order", () => {
        expect(diff.changed).toMatchObject([
            {
                urn: `${STACK}::azuread:index/application:Application::edited`,
                type: "azuread:index/application:Application",
                name: "edited",
                changedInputs: ["displayName", "owners"],
                changedOptions: ["deleteBeforeReplace"],
                replacingPaths: [],
                paths: [
                    { path: "displayName", kind: "update", before: "old", after: "new", replaces: false },
                    { path: "owners", kind: "update", before: ["a"], after: ["a", "b"], replaces: false },
                ],
            },
        ]);
        expect(diff.unchanged).toBe(1);
    });

    test("an input that appears or disappears counts as changed", () => {
        const appeared = diffPlans(plan([resource("x", {})]), plan([resource("x", { tags: { a: "b" } })]));
        expect(appeared.changed[0].changedInputs).toEqual(["tags"]);
    });

    test("the text rendering lists each kind with its marker", () => {
        const text = renderPlanDiffText(diff);
        expect(text).toContain('~ displayName: "old" => "new"');
        expect(text).toContain("+ azuread:index/application:Application  created");
        expect(text).toContain("~ azuread:index/application:Application  edited  [displayName, owners, (option) deleteBeforeReplace]");
        expect(text).toContain("- azuread:index/application:Application  dropped");
    });

    test("a change in a replaceOnChanges path is a replacement, marked +- and (replace) in text and Markdown", () => {
        const options = { replaceOnChanges: ["vmSize", "deploymentConfiguration.virtualMachineConfiguration", 'tags["cost.center"]'] };
        const before = plan([
            resource("resized", { vmSize: "small", displayName: "a" }, options),
            resource("renamed", { vmSize: "small", displayName: "a" }, options),
            resource("reimaged", { deploymentConfiguration: { virtualMachineConfiguration: { image: "22.04" }, other: 1 } }, options),
            resource("sibling", { deploymentConfiguration: { virtualMachineConfiguration: { image: "22.04" }, other: 1 } }, options),
            resource("retagged", { tags: { "cost.center": "a", owner: "x" } }, options),
        ]);
        const after = plan([
            resource("resized", { vmSize: "large", displayName: "b" }, options),
            resource("renamed", { vmSize: "small", displayName: "b" }, options),
            resource("reimaged", { deploymentConfiguration: { virtualMachineConfiguration: { image: "24.04" }, other: 1 } }, options),
            resource("sibling", { deploymentConfiguration: { virtualMachineConfiguration: { image: "22.04" }, other: 2 } }, options),
            resource("retagged", { tags: { "cost.center": "b", owner: "x" } }, options),
        ]);
        const replaced = diffPlans(before, after);
        const pathsOf = (name: string) => replaced.changed.find((change) => change.name === name)?.replacingPaths;
        expect(pathsOf("resized")).toEqual(["vmSize"]);
        expect(pathsOf("renamed")).toEqual([]);
        expect(pathsOf("reimaged")).toEqual(["deploymentConfiguration.virtualMachineConfiguration"]);
        // Same top-level key, but outside the replaceOnChanges path: an update in place.
        expect(pathsOf("sibling")).toEqual([]);
        expect(pathsOf("retagged")).toEqual(['tags["cost.center"]']);

        const text = renderPlanDiffText(replaced);
        expect(text).toContain("+- azuread:index/application:Application  resized  [displayName, vmSize] (replace)");
        expect(text).toContain('~ azuread:index/application:Application  renamed  [displayName]\n        ~ displayName: "a" => "b"\n');
        expect(text).toContain("~ azuread:index/application:Application  sibling  [deploymentConfiguration]");
        expect(text).not.toMatch(/(renamed|sibling) .*\(replace\)/);

        const markdown = renderPlanMarkdown(after, { diff: replaced });
        expect(markdown).toContain("+- 3 to replace");
        expect(markdown).toContain(
            '| +- | <code>resized</code> | <code>azuread:index/application:Application</code> | <code>displayName</code>: <code>"a" =&gt; "b"</code><br>' +
                '<code>vmSize</code>: <code>"small" =&gt; "large"</code> (forces replacement) (replace) |',
        );
        expect(markdown).toContain('| ~ | <code>renamed</code> | <code>azuread:index/application:Application</code> | <code>displayName</code>: <code>"a" =&gt; "b"</code> |');
    });

    test("a wildcard replaceOnChanges path replaces on any change under it", () => {
        const before = plan([resource("all", { a: 1, b: { c: [1] } }, { replaceOnChanges: ["*"] }), resource("items", { list: [{ x: 1 }] }, { replaceOnChanges: ["list[*].y"] })]);
        const after = plan([resource("all", { a: 1, b: { c: [2] } }, { replaceOnChanges: ["*"] }), resource("items", { list: [{ x: 2 }] }, { replaceOnChanges: ["list[*].y"] })]);
        expect(diffPlans(before, after).changed.map((change) => change.replacingPaths)).toEqual([["*"], ["list[*].y"]]);
    });

    test("a base plan that is not a plan, or is of another stack, is refused", () => {
        const dir = tempDir("plan-review");
        const notAPlan = path.join(dir, "x.json");
        fs.writeFileSync(notAPlan, JSON.stringify({ hello: "world" }));
        expect(() => readPlanFile(notAPlan, { project: "batch-entra", stack: "dev" })).toThrow(PlanFileError);
        const otherStack = path.join(dir, "prod.json");
        fs.writeFileSync(otherStack, JSON.stringify(toPreviewJson({ ...plan([]), stack: "prod" })));
        expect(() => readPlanFile(otherStack, { project: "batch-entra", stack: "dev" })).toThrow(/batch-entra\/prod, not of batch-entra\/dev/);
        expect(() => readPlanFile(path.join(dir, "missing.json"), { project: "batch-entra", stack: "dev" })).toThrow(PlanFileError);
    });
});

describe("npm run plan -- --diff / --format markdown", () => {
    test("compares the example stack with a base plan written by --json, end to end", async () => {
        const dir = tempDir("plan-review");
        const basePath = path.join(dir, "base.plan.json");
        expect((await capturedPlan(["--json", basePath])).code).toBe(0);
        const stackFile = path.join(dir, "Pulumi.dev.yaml");
        fs.writeFileSync(
            stackFile,
            `${fs.readFileSync(path.join(__dirname, "..", "Pulumi.dev.yaml"), "utf8")}  batch-entra:appDisplayName: batch-entra-renamed\n`.replace(
                "  batch-entra:appDisplayName: batch-entra-dev\n",
                "",
            ),
        );
        const result = await capturedPlan(["--stack-file", stackFile, "--diff", basePath]);
        expect(result.code).toBe(0);
        expect(result.out).toMatch(/Resources:\n    ~ 1 to update\n    \d+ unchanged\n/);
        expect(result.out).toMatch(/ ~   .*azuread:index\/application:Application +batch-client-app +update\n +~ displayName: "batch-entra-dev" => "batch-entra-renamed"/);

        expect(result.out).not.toContain("(replace)");

        const markdown = await capturedPlan(["--stack-file", stackFile, "--diff", basePath, "--format", "markdown"]);
        expect(markdown.code).toBe(0);
        expect(markdown.out).toContain("#### Compared with the base branch");
        expect(markdown.out).toMatch(/\| ~ \| <code>batch-client-app<\/code> \| .* \| <code>displayName<\/code>: /);
        expect(markdown.out).not.toContain("Offline plan for stack");
    });

    test("a new pool VM size shows as the pool's replacement, end to end", async () => {
        const dir = tempDir("plan-review");
        const basePath = path.join(dir, "base.plan.json");
        expect((await capturedPlan(["--json", basePath])).code).toBe(0);
        const stackFile = path.join(dir, "Pulumi.dev.yaml");
        const original = fs.readFileSync(path.join(__dirname, "..", "Pulumi.dev.yaml"), "utf8");
        expect(original).toContain("vmSize: Standard_D2s_v5");
        fs.writeFileSync(stackFile, original.replace("vmSize: Standard_D2s_v5", "vmSize: Standard_D4s_v5"));
        const result = await capturedPlan(["--stack-file", stackFile, "--diff", basePath]);
        expect(result.code).toBe(0);
        expect(result.out).toMatch(/ \+-  .*azure-native:batch:Pool +pool-pool-01-pool +replace\n/);
        expect(result.out).toContain('~ vmSize: "Standard_D2s_v5" => "Standard_D4s_v5" (forces replacement)');
        expect(result.out).toContain("+- 1 to replace");
    });

    test("bad --format and unreadable --diff are usage errors (exit 2)", async () => {
        expect((await capturedPlan(["--format", "html"])).code).toBe(2);
        const missing = await capturedPlan(["--diff", path.join(tempDir("plan-review"), "none.json")]);
        expect(missing.code).toBe(2);
        expect(missing.err).toContain("cannot read the base plan");
    });
});

describe("the Markdown rendering", () => {
    test("never shows a secret: the client secret and sdkAuth stay masked", async () => {
        const run = await runWith();
        const markdown = renderPlanMarkdown(buildPlan(run, "batch-entra", "dev"));
        const secret = run.outputs.clientSecret as string;
        expect(secret).toBe(fakeSecretValue("batch-client-secret"));
        expect(markdown).not.toContain(secret);
        expect(markdown).not.toContain("FAKE-SECRET");
        expect(markdown).toContain(`| <code>clientSecret</code> | <code>${SECRET_MASK}</code> |`);
        expect(markdown).toContain(`| <code>sdkAuth</code> | <code>${SECRET_MASK}</code> |`);
    });

    test("values cannot break out of table cells, HTML or code fences", () => {
        const hostile = plan(
            [resource("app", { displayName: "a | b </details> <script>x</script> ```" })],
            { note: "x | y <img src=x>" },
        );
        const markdown = renderPlanMarkdown(hostile);
        // The inputs block is fenced with more backticks than any run inside it, so its text stays code.
        const fence = /^````json\n[\s\S]*?\n````$/m;
        expect(markdown).toMatch(fence);
        const outsideFences = markdown.replace(fence, "");
        expect(outsideFences).not.toContain("<script>");
        expect(outsideFences).not.toContain("<img");
        expect(outsideFences.match(/<\/details>/g)).toHaveLength(1);
        expect(markdown).toContain("<code>x &#124; y &lt;img src=x&gt;</code>");
    });

    test("renders policy findings when the policy pack ran, and says so when it did not", () => {
        const base = plan([resource("app", {})]);
        expect(renderPlanMarkdown(base)).toContain("_The policy pack was not evaluated by this build._");
        expect(renderPlanMarkdown(base, { policyFindings: [] })).toContain("Every policy passed.");
        const markdown = renderPlanMarkdown(base, {
            policyFindings: [
                { policy: "batch-shared-key-forbidden", enforcement: "mandatory", message: "uses *SharedKey* | bad", resourceName: "account" },
                { policy: "vault-public-network", enforcement: "advisory", message: "public" },
            ],
        });
        expect(markdown).toContain("2 violation(s), 1 mandatory.");
        expect(markdown).toContain("| mandatory | <code>batch-shared-key-forbidden</code> | <code>account</code> | uses \\*SharedKey\\* &#124; bad |");
        expect(markdown).toContain("| advisory | <code>vault-public-network</code> | (stack) | public |");
    });
});
