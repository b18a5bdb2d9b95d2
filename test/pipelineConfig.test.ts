import { environmentCredentialName, environmentProblem, repositoryProblem } from "../config/pipeline";
import { expectRejected } from "./helpers";

const BOOTSTRAP_ADMIN = "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9";
const PIPELINE_ON = {
    pipelineIdentity: true,
    pipelineRepository: "contoso/batch-entra",
    appOwners: [BOOTSTRAP_ADMIN],
};

describe("pipeline configuration that Entra ID or GitHub would reject fails validation, naming the key", () => {
    test.each([
        ["no owner part", "batch-entra"],
        ["a URL instead of a slug", "https://github.com/contoso/batch-entra"],
        ["an owner starting with a hyphen", "-contoso/batch-entra"],
        ["an owner with a double hyphen", "con--toso/batch-entra"],
        ["an owner longer than 39 characters", `${"c".repeat(40)}/batch-entra`],
        ["a wildcard repository", "contoso/*"],
        ["a repository name with a space", "contoso/batch entra"],
        ["a reserved repository name", "contoso/.."],
        ["a repository name longer than 100 characters", `contoso/${"r".repeat(101)}`],
    ])("pipelineRepository with %s", async (_case, value) => {
        const { problem } = await expectRejected({ ...PIPELINE_ON, pipelineRepository: value }, "pipelineRepository");
        expect(problem.example).toBe("contoso/batch-entra");
    });

    test("a bad slug is reported even while the pipeline is off, so it cannot surprise the bootstrap run", async () => {
        await expectRejected({ pipelineRepository: "not a slug" }, "pipelineRepository");
    });

    test.each([
        ["a wildcard", "prod*"],
        ["a colon, which would split the subject claim", "prod:eu"],
        ["a leading space", " prod"],
        ["a slash", "prod/eu"],
        ["more than 255 characters", "e".repeat(256)],
    ])("pipelineEnvironments with %s", async (_case, value) => {
        await expectRejected({ ...PIPELINE_ON, pipelineEnvironments: [value] }, "pipelineEnvironments[0]");
    });

    test("pipelineEnvironments must be a list of strings", async () => {
        await expectRejected({ ...PIPELINE_ON, pipelineEnvironments: "production" }, "pipelineEnvironments");
    });

    test("more than 20 environments exceed Entra's federated credentials per app", async () => {
        const environments = Array.from({ length: 21 }, (_, index) => `env-${index}`);
        const { problem } = await expectRejected({ ...PIPELINE_ON, pipelineEnvironments: environments }, "pipelineEnvironments");
        expect(problem.problem).toMatch(/20 federated credentials/);
    });

    test("two environments that fold to the same credential name are refused", async () => {
        const { problem } = await expectRejected({ ...PIPELINE_ON, pipelineEnvironments: ["prod.eu", "prod-eu"] }, "pipelineEnvironments");
        expect(problem.problem).toContain("github-env-prod-eu");
    });

    test("the repository is required when the pipeline is on", async () => {
        const { problem } = await expectRejected({ pipelineIdentity: true }, "pipelineRepository");
        expect(problem.problem).toMatch(/required/);
    });

    test("the client app needs a configured owner when CI becomes its owner", async () => {
        const { problem } = await expectRejected({ ...PIPELINE_ON, appOwners: [] }, "appOwners");
        expect(problem.problem).toMatch(/at least one owner/);
    });

    test("pipelineOwners must be object IDs", async () => {
        await expectRejected({ ...PIPELINE_ON, pipelineOwners: ["alice@contoso.com"] }, "pipelineOwners[0]");
    });

    test("pipelineIdentity must be a boolean", async () => {
        await expectRejected({ pipelineIdentity: "yes" }, "pipelineIdentity");
    });
});

describe("the rules themselves", () => {
    test("accept what GitHub accepts", () => {
        expect(repositoryProblem("contoso/batch-entra")).toBeUndefined();
        expect(repositoryProblem("a/b")).toBeUndefined();
        expect(repositoryProblem("Contoso-Labs/batch.entra_v2")).toBeUndefined();
        expect(environmentProblem("Production EU")).toBeUndefined();
        expect(environmentProblem("staging-2.1")).toBeUndefined();
    });

    test("credential names are Entra-safe: 3-120 characters of letters, digits, '-' and '_'", () => {
        expect(environmentCredentialName("Production EU")).toBe("github-env-Production-EU");
        expect(environmentCredentialName("e".repeat(255))).toHaveLength(120);
        expect(environmentCredentialName("x")).toMatch(/^[A-Za-z0-9][A-Za-z0-9_-]{2,119}$/);
    });
});
