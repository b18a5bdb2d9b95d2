import { PIPELINE_OWNERS } from "../../azure/limits";
import { shown } from "../../config/messages";
import { ConfigReader } from "../../config/reader";
import { defineKey } from "../../config/keys";
import type { PipelineIdentityArgs } from "./pipelineIdentity";

/**
 * The PipelineIdentity args the stack's keys configure (see docs/run-from-ci.md), as the component takes them, and
 * whether to declare it: off by default, since a stack that is deployed by hand needs none, and creating the
 * identities takes rights (Graph app roles, role assignments) that only the one-time bootstrap run has. index.ts adds
 * what only the running program knows (the resource group's ID, the roles the program assigns).
 */
export interface PipelineSettings extends Omit<PipelineIdentityArgs, "resourceGroupId" | "assignableRoleDefinitionIds"> {
    readonly enabled: boolean;
    /** Empty when the pipeline is off and no repository is set. */
    readonly repository: string;
    /** Object IDs of the pipeline apps' owners. Fixed, so a CI run never rewrites who owns the identities it runs as. */
    readonly owners: string[];
}

/** GitHub's OIDC issuer for github.com; GitHub Enterprise Server has its own. */
export const GITHUB_ACTIONS_ISSUER = "https://token.actions.githubusercontent.com";
/** The audience Entra ID expects in tokens it exchanges; GitHub's Azure guides and azure/login use it. */
export const AZURE_TOKEN_EXCHANGE_AUDIENCE = "api://AzureADTokenExchange";

/**
 * Entra's limit for a federated credential's subject. The longest subject the rules below let through is
 * "repo:" + 39 + "/" + 100 + ":environment:" + 255 = 413 characters, so a valid slug and environment always fit.
 */
export const FEDERATED_SUBJECT_MAX_LENGTH = 600;
/** Entra's limit of federated credentials per application; the pull-request credential lives on another app. */
export const MAX_FEDERATED_CREDENTIALS_PER_APP = 20;
const GITHUB_ENVIRONMENT_MAX_LENGTH = 255;

/** GitHub account names: 1-39 letters, digits or single hyphens, not starting or ending with a hyphen. */
const GITHUB_OWNER = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/;
/** GitHub repository names: 1-100 letters, digits, '.', '-', '_'; "." and ".." are reserved. */
const GITHUB_REPOSITORY_NAME = /^[A-Za-z0-9._-]{1,100}$/;
/** Environment names batch-entra accepts: what is safe in a subject claim and in a credential's name. */
const GITHUB_ENVIRONMENT = /^[A-Za-z0-9._-](?:[A-Za-z0-9 ._-]*[A-Za-z0-9._-])?$/;

export function repositoryProblem(value: string): string | undefined {
    const parts = value.split("/");
    if (parts.length !== 2) {
        return `${shown(value)} is not an owner/name repository slug`;
    }
    const [owner, name] = parts;
    if (!GITHUB_OWNER.test(owner)) {
        return `"${owner}" is not a GitHub account name (1-39 letters, digits or single hyphens, no hyphen at either end)`;
    }
    if (!GITHUB_REPOSITORY_NAME.test(name) || name === "." || name === "..") {
        return `${shown(name)} is not a GitHub repository name (1-100 letters, digits, '.', '-' or '_')`;
    }
    return undefined;
}

export function environmentProblem(value: string): string | undefined {
    if (value.length > GITHUB_ENVIRONMENT_MAX_LENGTH) {
        return `"${value.slice(0, 40)}..." is longer than GitHub's ${GITHUB_ENVIRONMENT_MAX_LENGTH} characters for an environment name`;
    }
    if (!GITHUB_ENVIRONMENT.test(value)) {
        return (
            `${shown(value)} cannot be matched exactly in a federated credential subject: use letters, digits, '.', '-', '_' ` +
            "and inner spaces (Entra ID takes no wildcards, and the subject must equal GitHub's claim character for character)"
        );
    }
    return undefined;
}

/** The subject GitHub puts in tokens of pull_request workflows (default subject template). */
export function pullRequestSubject(repository: string): string {
    return `repo:${repository}:pull_request`;
}

/** The subject GitHub puts in tokens of jobs that name an environment (default subject template). */
export function environmentSubject(repository: string, environment: string): string {
    return `repo:${repository}:environment:${environment}`;
}

/**
 * A federated credential's name: 3-120 characters, letters, digits, '-' or '_', starting with a letter or digit.
 * Environment names may hold '.' and spaces, so they are folded to that alphabet.
 */
export function environmentCredentialName(environment: string): string {
    return `github-env-${environment.replace(/[^A-Za-z0-9_-]/g, "-")}`.slice(0, 120);
}

/** `displayNamePrefix` is the client app's display name, which the pipeline apps' names start with. */
export function readPipelineSettings(reader: ConfigReader, stackName: string, displayNamePrefix: string): PipelineSettings {
    const enabled = reader.boolean(PIPELINE_IDENTITY_KEY.name, PIPELINE_IDENTITY_KEY.default);
    const repository = reader.optionalString(PIPELINE_REPOSITORY_KEY.name, { example: "contoso/batch-entra" });
    const environments = reader.stringList(PIPELINE_ENVIRONMENTS_KEY.name, { example: `["${stackName}"]`, item: environmentProblem });
    const owners = reader.guidList(PIPELINE_OWNERS_KEY.name, PIPELINE_OWNERS);
    // Pulumi stack names (letters, digits, '-', '_', '.', at most 100) are always valid environment names.
    const deployEnvironments = environments.length > 0 ? environments : [stackName];

    if (repository !== undefined) {
        const problem = repositoryProblem(repository);
        if (problem !== undefined) {
            reader.report(PIPELINE_REPOSITORY_KEY.name, problem, "contoso/batch-entra");
        }
    }
    if (!enabled) {
        return { enabled, repository: repository ?? "", deployEnvironments, displayNamePrefix, owners };
    }

    if (repository === undefined) {
        reader.report(PIPELINE_REPOSITORY_KEY.name, "is required when pipelineIdentity is true: it names who may sign in", "contoso/batch-entra");
    }
    if (deployEnvironments.length > MAX_FEDERATED_CREDENTIALS_PER_APP) {
        reader.report(
            "pipelineEnvironments",
            `lists ${deployEnvironments.length} environments; Entra ID allows ${MAX_FEDERATED_CREDENTIALS_PER_APP} federated credentials per app`,
            '["staging", "production"]',
        );
    }
    const names = deployEnvironments.map(environmentCredentialName);
    const clash = names.findIndex((credentialName, index) => names.indexOf(credentialName) !== index);
    if (clash !== -1) {
        reader.report(
            "pipelineEnvironments",
            `"${deployEnvironments[clash]}" and "${deployEnvironments[names.indexOf(names[clash])]}" give the same federated ` +
                `credential name (${names[clash]}); rename one of them`,
            '["staging", "production"]',
        );
    }
    return {
        enabled,
        repository: repository ?? "",
        deployEnvironments,
        displayNamePrefix,
        owners,
    };
}

export const PIPELINE_IDENTITY_KEY = defineKey({
    name: "pipelineIdentity",
    type: "boolean",
    default: false,
    section: "pipeline",
    description: "Declare the GitHub Actions pipeline identities (preview and deploy app registrations with federated credentials and least-privilege roles). See docs/run-from-ci.md.",
    example: "true",
    reference: { meaning: "Declare the preview and deploy identities for GitHub Actions." },
});

export const PIPELINE_REPOSITORY_KEY = defineKey({
    name: "pipelineRepository",
    type: "string",
    default: "",
    section: "pipeline",
    description: "The GitHub repository whose workflows may sign in, as owner/name (required when pipelineIdentity is true).",
    example: "contoso/batch-entra",
    reference: { meaning: "`owner/name` of the repository whose workflows may sign in. Required when on.", default: "none" },
});

export const PIPELINE_ENVIRONMENTS_KEY = defineKey({
    name: "pipelineEnvironments",
    type: "array",
    items: "string",
    default: [],
    section: "pipeline",
    description: "GitHub environments whose jobs may deploy; one federated credential each. Default (empty) is the stack name.",
    example: "[\"production\"]",
    reference: { meaning: "GitHub environments whose jobs may deploy, at most 20.", default: "`[<stack>]`" },
});

export const PIPELINE_OWNERS_KEY = defineKey({
    name: "pipelineOwners",
    type: "array",
    items: "string",
    default: [],
    section: "pipeline",
    description: "Object IDs of the owners of the two pipeline app registrations; default none (Entra administrators manage them).",
    example: "[\"0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9\"]",
    reference: { meaning: "Owners of the two pipeline app registrations, at most 100.", type: "list of GUIDs" },
});

/** This feature's configuration keys, in the README's order. Pulumi.yaml and the README's reference are generated from them (npm run generate:config). */
export const PIPELINE_KEYS = [PIPELINE_IDENTITY_KEY, PIPELINE_REPOSITORY_KEY, PIPELINE_ENVIRONMENTS_KEY, PIPELINE_OWNERS_KEY];
