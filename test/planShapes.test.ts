import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { readPlanFile } from "../tools/planJson";
import { loadStackConfig } from "../tools/stackConfig";
import { REPLACEMENT_RULES } from "../tools/replacementRules";
import { PROJECT_DIR, TYPESCRIPT_RUNNER, runWith, tempDir } from "./helpers";
import { capturedPlan } from "./planCli";

const EXAMPLE = fs.readFileSync(path.join(PROJECT_DIR, "Pulumi.dev.yaml"), "utf8");

function stackFile(text: string): string {
    const file = path.join(tempDir("plan-shapes"), "Pulumi.dev.yaml");
    fs.writeFileSync(file, text);
    return file;
}

describe("the plan's JSON is the shape `pulumi preview --json` prints", () => {
    test("steps with op, urn, provider and newState; changeSummary; our extras under one key; no secret value", async () => {
        const file = path.join(tempDir("plan-shapes"), "plan.json");
        expect((await capturedPlan(["--json", file])).code).toBe(0);
        const json = JSON.parse(fs.readFileSync(file, "utf8"));
        expect(Object.keys(json).sort()).toEqual(["batch-entra", "changeSummary", "steps"]);
        const secret = json.steps.find((step: any) => step.newState.type === "azuread:index/applicationPassword:ApplicationPassword");
        expect(secret).toMatchObject({ op: "create", provider: expect.stringContaining("pulumi:providers:azuread"), newState: { custom: true, parent: expect.any(String) } });
        // The engine counts every resource, the stack and components too; the text's cloud-resource count is ours.
        expect(json.changeSummary).toEqual({ create: json.steps.length });
        expect(json["batch-entra"].resourceChangeSummary).toEqual({ create: json.steps.filter((step: any) => step.newState.custom).length });
        expect(json["batch-entra"]).toMatchObject({ offline: true, project: "batch-entra", stack: "dev", warnings: { count: 0 }, outputs: { clientSecret: "[secret]" } });
        expect(fs.readFileSync(file, "utf8")).not.toContain("FAKE-SECRET");
    });

    test("fields as the CLI writes them (PreviewStep, ResourceV3 with omitempty): detailedDiff always, no false or empty field", async () => {
        const file = path.join(tempDir("plan-shapes"), "plan.json");
        expect((await capturedPlan(["--json", file])).code).toBe(0);
        const { steps } = JSON.parse(fs.readFileSync(file, "utf8"));
        const STEP_FIELDS = ["op", "urn", "provider", "oldState", "newState", "diffReasons", "replaceReasons", "detailedDiff"];
        // ResourceV3's JSON names (sdk/go/common/apitype/core.go); deleteBeforeReplace is not one of them.
        const STATE_FIELDS = [
            "urn", "custom", "delete", "id", "type", "inputs", "outputs", "parent", "protect", "external", "dependencies", "initErrors",
            "provider", "propertyDependencies", "pendingReplacement", "additionalSecretOutputs", "aliases", "customTimeouts", "importID",
            "retainOnDelete", "deletedWith", "created", "modified", "sourcePosition", "ignoreChanges", "replaceOnChanges",
        ];
        for (const step of steps) {
            expect(STEP_FIELDS).toEqual(expect.arrayContaining(Object.keys(step)));
            expect(step).toHaveProperty("detailedDiff", null);
            expect(STATE_FIELDS).toEqual(expect.arrayContaining(Object.keys(step.newState)));
            const empty = Object.entries(step.newState).filter(
                ([key, value]) => key !== "custom" && (value === false || value === "" || (typeof value === "object" && value !== null && Object.keys(value).length === 0)),
            );
            expect(empty).toEqual([]);
        }
        const dependent = steps.find((step: any) => step.newState.type === "azuread:index/servicePrincipal:ServicePrincipal");
        expect(dependent.newState.dependencies.length).toBeGreaterThan(0);
    });

    test("a preview written without --show-sames is refused as a base, naming the flag; replacement steps declare one resource", () => {
        const file = path.join(tempDir("plan-shapes"), "no-sames.json");
        const urn = "urn:pulumi:dev::batch-entra::azuread:index/application:Application::app";
        const state = { urn, custom: true, type: "azuread:index/application:Application", inputs: { displayName: "x" } };
        fs.writeFileSync(file, JSON.stringify({ steps: [{ op: "update", urn, oldState: state, newState: state, detailedDiff: null }], changeSummary: { same: 20, update: 1 } }));
        expect(() => readPlanFile(file, { project: "batch-entra", stack: "dev" })).toThrow(/written without --show-sames; .*pulumi preview --json --show-sames/);

        fs.writeFileSync(
            file,
            JSON.stringify({
                steps: ["create-replacement", "replace", "delete-replaced"].map((op) => ({ op, urn, oldState: state, newState: op === "delete-replaced" ? undefined : state, detailedDiff: null })),
                changeSummary: { replace: 1 },
            }),
        );
        expect(readPlanFile(file, { project: "batch-entra", stack: "dev" }).resources.map((resource) => resource.urn)).toEqual([urn]);
    });

    test("a real `pulumi preview --json` file is accepted as a diff base (stack taken from the URNs; delete steps skipped)", () => {
        const file = path.join(tempDir("plan-shapes"), "preview.json");
        const urn = "urn:pulumi:dev::batch-entra::azuread:index/application:Application::app";
        fs.writeFileSync(
            file,
            JSON.stringify({
                steps: [
                    { op: "same", urn, newState: { urn, type: "azuread:index/application:Application", custom: true, inputs: { displayName: "x" }, dependencies: [] } },
                    { op: "delete", urn: `${urn}-old`, oldState: { urn: `${urn}-old`, type: "azuread:index/application:Application", custom: true, inputs: {} } },
                ],
                changeSummary: { same: 1, delete: 1 },
            }),
        );
        const plan = readPlanFile(file, { project: "batch-entra", stack: "dev" });
        expect(plan.resources.map((resource) => [resource.name, resource.inputs])).toEqual([["app", { displayName: "x" }]]);
        expect(() => readPlanFile(file, { project: "batch-entra", stack: "prod" })).toThrow(/batch-entra\/dev, not of batch-entra\/prod/);
    });
});

test("a plan in the earlier { project, stack, resources } shape, as a base branch may still write it, is read too", () => {
    const file = path.join(tempDir("plan-shapes"), "earlier.json");
    const urn = "urn:pulumi:dev::batch-entra::azuread:index/application:Application::app";
    const options = { deleteBeforeReplace: false, retainOnDelete: false, protect: false, ignoreChanges: [], replaceOnChanges: [], additionalSecretOutputs: [] };
    const earlier = { urn, type: "azuread:index/application:Application", name: "app", custom: true, inputs: { displayName: "x" }, dependsOn: ["urn:a"], options };
    fs.writeFileSync(file, JSON.stringify({ project: "batch-entra", stack: "dev", resources: [earlier], outputs: {}, secretOutputs: [] }));
    const [resource] = readPlanFile(file, { project: "batch-entra", stack: "dev" }).resources;
    expect(resource).toMatchObject({ urn, name: "app", inputs: { displayName: "x" }, dependencies: ["urn:a"], options });
});

describe("a diff shows what the providers do", () => {
    test("cutting clientSecretLifetimeDays from 180 to 90 replaces the client secret, with endDate old => new", async () => {
        const base = path.join(tempDir("plan-shapes"), "base.json");
        expect((await capturedPlan(["--json", base])).code).toBe(0);
        const head = stackFile(EXAMPLE.replace('clientSecretLifetimeDays: "180"', 'clientSecretLifetimeDays: "90"'));
        const json = path.join(tempDir("plan-shapes"), "head.json");
        const result = await capturedPlan(["--stack-file", head, "--diff", base, "--json", json]);
        expect(result.code).toBe(0);
        expect(result.out).toMatch(/ \+- {2}.*azuread:index\/applicationPassword:ApplicationPassword +batch-client-secret +replace\n +~ endDate: "[^"]+" => "[^"]+" \(forces replacement\)/);
        // The rotation's rotationDays changes too; time_rotating updates that in place (only rfc3339 and triggers
        // have RequiresReplace in terraform-provider-time's resource_time_rotating.go).
        expect(result.out).toMatch(/ ~ {2}.*time:index\/rotating:Rotating +\S+ +update\n/);
        expect(result.out).toContain("+- 1 to replace");
        const step = JSON.parse(fs.readFileSync(json, "utf8")).steps.find((candidate: any) => candidate.urn.endsWith("::batch-client-secret"));
        expect(step).toMatchObject({ op: "replace", replaceReasons: expect.arrayContaining(["endDate"]), detailedDiff: { endDate: { kind: "update-replace" } } });
        expect(step.oldState.inputs.endDate).not.toBe(step.newState.inputs.endDate);
    });
});

describe("the text output", () => {
    test("a first plan marks resources and components +, counts cloud resources, and --details cuts no value", async () => {
        const result = await capturedPlan(["--details"]);
        expect(result.code).toBe(0);
        expect(result.out).not.toContain("+-");
        expect(result.out).not.toContain("...");
        expect(result.out).toMatch(/^ +Type +Name +Plan$/m);
        const run = await runWith();
        expect(result.out).toContain(`Resources:\n    + ${run.resources.filter((resource) => resource.custom).length} to create\n`);
        expect(result.out).toMatch(/roleDefinitionId: ".*\/11076f67-66f6-4be0-8f6b-f0609fd05cc9" \(Azure Batch Account Reader\)/);
        expect(result.out).not.toContain("replaced by delete, then create");
    });

    test("a usgovernment plan holds no public-cloud host", async () => {
        const file = stackFile(
            EXAMPLE.replace("batch-entra:cloud: public", "batch-entra:cloud: usgovernment\n  azure-native:environment: usgovernment\n  azuread:environment: usgovernment").replace(
                "location: westeurope",
                "location: usgovvirginia",
            ),
        );
        const result = await capturedPlan(["--stack-file", file, "--details"]);
        expect(result.code).toBe(0);
        expect(result.out).toContain(".vault.usgovcloudapi.net");
        expect(result.out).not.toMatch(/vault\.azure\.net|batch\.azure\.com|windows\.net|microsoftonline\.com/);
    });
});

describe("warnings and errors", () => {
    const nilPrincipal = EXAMPLE.replace("principalId: 66666666-7777-4888-8999-000000000000", "principalId: 00000000-0000-0000-0000-000000000000");

    test("the nil GUID as a principal is a warning: printed, in the Markdown, counted in the JSON; the plan still succeeds", async () => {
        const file = stackFile(nilPrincipal);
        const json = path.join(tempDir("plan-shapes"), "plan.json");
        const text = await capturedPlan(["--stack-file", file, "--json", json]);
        expect(text.code).toBe(0);
        expect(text.out).toMatch(/Warnings \(1; they do not stop the plan\):\n {4}warning: batch-entra:roleAssignments\[1\]\.principalId: 0{8}-0{4}-0{4}-0{4}-0{12} \(the nil GUID\) is no principal's object ID/);
        const written = JSON.parse(fs.readFileSync(json, "utf8"));
        expect(written["batch-entra"].warnings.count).toBe(1);
        // Where `pulumi preview --json` lists the warnings a program logs.
        expect(written.diagnostics).toEqual([{ message: expect.stringContaining("roleAssignments[1].principalId"), severity: "warning" }]);
        const markdown = await capturedPlan(["--stack-file", file, "--format", "markdown"]);
        expect(markdown.out).toContain("#### Warnings (1)");
        expect(markdown.out).toContain("batch-entra:roleAssignments\\[1\\].principalId");
    });

    test("the nil GUID in an owners list is a warning too", async () => {
        const run = await runWith({ appOwners: ["00000000-0000-0000-0000-000000000000"] });
        expect(run.warnings).toEqual([expect.stringMatching(/^batch-entra:appOwners\[0\]: .*nil GUID/)]);
    });

    test("an unwritable --json path is one line and exit 2, before any work", async () => {
        const missing = path.join(tempDir("plan-shapes"), "no-such-folder", "plan.json");
        const result = await capturedPlan(["--json", missing]);
        expect(result.code).toBe(2);
        expect(result.err).toBe(`cannot write ${missing}: the folder ${path.dirname(missing)} does not exist`);
        expect(result.out).toBe("");
    });

    test("an invalid configuration writes its problems to the Markdown output and exits 1", async () => {
        const file = stackFile(EXAMPLE.replace('clientSecretLifetimeDays: "180"', 'clientSecretLifetimeDays: "forever"'));
        const result = await capturedPlan(["--stack-file", file, "--format", "markdown"]);
        expect(result.code).toBe(1);
        expect(result.out).toContain("invalid configuration");
        expect(result.out).toMatch(/\| <code>batch-entra:clientSecretLifetimeDays<\/code> \| .*forever/);
    });

    test("a YAML error names the file", () => {
        const file = stackFile("config:\n  batch-entra:cloud: [public\n");
        expect(() => loadStackConfig(PROJECT_DIR, "dev", file)).toThrow(`${file} is not valid YAML`);
    });
});

test("the replacement rules cover every resource type the program declares", async () => {
    const run = await runWith();
    const uncovered = [...new Set(run.resources.filter((resource) => resource.custom && !resource.type.startsWith("pulumi:providers:")).map((resource) => resource.type))].filter(
        (type) => !(type in REPLACEMENT_RULES),
    );
    expect(uncovered).toEqual([]);
    for (const rule of Object.values(REPLACEMENT_RULES)) {
        // A repository and a path in it (the provider's file, or the spec folder where no file was read), or ours.
        expect(rule.source).toMatch(/^((Azure\/azure-rest-api-specs|pulumi\/pulumi-azure-native|hashicorp\/terraform-provider-[a-z]+) [\w./-]+|features\/\w+\/\w+\.ts)/);
    }
});

test("a plan piped into another process arrives whole", () => {
    const script = path.join(tempDir("plan-shapes"), "big.ts");
    fs.writeFileSync(script, `import { runCli } from ${JSON.stringify(path.join(PROJECT_DIR, "tools", "cli"))};\nrunCli(async () => { console.log("x".repeat(1_000_000)); return 0; });\n`);
    const child = spawnSync(process.execPath, [...TYPESCRIPT_RUNNER, script], { cwd: PROJECT_DIR, encoding: "utf8", maxBuffer: 16 * 1024 * 1024 });
    expect(child.status).toBe(0);
    expect(child.stdout.length).toBe(1_000_001);
});
