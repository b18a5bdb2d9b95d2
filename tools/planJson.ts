import * as fs from "fs";
import { DeclaredResource } from "./offlineRuntime";
import { PlanDiff, ResourceChange, stepCounts, stepOf } from "./planDiff";
import { Plan, PlanResource } from "./planModel";
import { PolicyViolation } from "./policyRunner";
import { providersWithRules } from "./replacementRules";

/** The key under which the offline plan keeps what `pulumi preview --json` has no field for. */
export const EXTENSION_KEY = "batch-entra";

/** A resource's state as `pulumi preview --json` prints it in a step's `newState` / `oldState`. */
interface PreviewState {
    urn: string;
    type: string;
    custom: boolean;
    parent?: string;
    provider?: string;
    inputs: Record<string, unknown>;
    dependencies: readonly string[];
    protect?: boolean;
    retainOnDelete?: boolean;
    deleteBeforeReplace?: boolean;
    ignoreChanges?: readonly string[];
    replaceOnChanges?: readonly string[];
    additionalSecretOutputs?: readonly string[];
    importID?: string;
}

interface PreviewStep {
    op: string;
    urn: string;
    provider?: string;
    newState?: PreviewState;
    oldState?: PreviewState;
    diffReasons?: readonly string[];
    replaceReasons?: readonly string[];
    detailedDiff?: Record<string, { kind: string; inputDiff: boolean }>;
}

export interface PlanJsonExtras {
    readonly diff?: PlanDiff;
    readonly policyViolations?: readonly PolicyViolation[];
}

function toState(resource: PlanResource): PreviewState {
    return {
        urn: resource.urn,
        type: resource.type,
        custom: resource.custom,
        parent: resource.parent,
        provider: resource.provider,
        inputs: resource.inputs,
        dependencies: resource.dependencies,
        protect: resource.options.protect,
        retainOnDelete: resource.options.retainOnDelete,
        deleteBeforeReplace: resource.options.deleteBeforeReplace,
        ignoreChanges: resource.options.ignoreChanges,
        replaceOnChanges: resource.options.replaceOnChanges,
        additionalSecretOutputs: resource.options.additionalSecretOutputs,
        importID: resource.options.importId,
    };
}

function changeFields(change: ResourceChange): Partial<PreviewStep> {
    return {
        oldState: toState(change.before),
        diffReasons: change.changedInputs,
        replaceReasons: change.replacingPaths,
        detailedDiff: Object.fromEntries(
            change.paths.map((path) => [path.path, { kind: path.replaces ? `${path.kind}-replace` : path.kind, inputDiff: true }]),
        ),
    };
}

/**
 * The plan in the shape `pulumi preview --json` prints: one step per resource, `changeSummary`, secrets as
 * `[secret]`. The offline plan's own data (outputs, warnings, policy results) sits under EXTENSION_KEY.
 */
export function toPreviewJson(plan: Plan, extras: PlanJsonExtras = {}): object {
    const { diff } = extras;
    const steps: PreviewStep[] = plan.resources.map((resource) => {
        const op = stepOf(diff, resource.urn);
        const change = diff?.changed.find((candidate) => candidate.urn === resource.urn);
        return { op, urn: resource.urn, provider: resource.provider, newState: toState(resource), ...(change ? changeFields(change) : {}) };
    });
    for (const resource of diff?.removed ?? []) {
        steps.push({ op: "delete", urn: resource.urn, provider: resource.provider, oldState: toState(resource) });
    }
    const counts = stepCounts(plan, diff);
    const changeSummary = Object.fromEntries(Object.entries(counts).filter(([, count]) => count > 0));
    return {
        steps,
        changeSummary,
        [EXTENSION_KEY]: {
            offline: true,
            project: plan.project,
            stack: plan.stack,
            outputs: plan.outputs,
            secretOutputs: plan.secretOutputs,
            warnings: { count: plan.warnings.length, messages: plan.warnings },
            replacementRulesFrom: providersWithRules(),
            ...(extras.policyViolations ? { policyViolations: extras.policyViolations } : {}),
        },
    };
}

/** A base plan that cannot be read or compared; the plan command reports it as a usage error. */
export class PlanFileError extends Error {}

function fromState(state: PreviewState): PlanResource {
    return {
        urn: state.urn,
        type: state.type,
        name: state.urn.split("::").pop() ?? state.urn,
        custom: state.custom,
        parent: state.parent || undefined,
        provider: state.provider,
        inputs: state.inputs ?? {},
        secretPaths: [],
        dependencies: state.dependencies ?? [],
        options: {
            deleteBeforeReplace: state.deleteBeforeReplace ?? false,
            retainOnDelete: state.retainOnDelete ?? false,
            protect: state.protect ?? false,
            ignoreChanges: state.ignoreChanges ?? [],
            replaceOnChanges: state.replaceOnChanges ?? [],
            additionalSecretOutputs: state.additionalSecretOutputs ?? [],
            importId: state.importID,
        },
    } satisfies DeclaredResource;
}

/**
 * Plans written before the JSON took Pulumi's shape held `{ project, stack, resources[] }`; a pull request's base
 * branch may still write that, so it is read as the same steps.
 */
function earlierPlanSteps(parsed: any): PreviewStep[] | undefined {
    if (!Array.isArray(parsed?.resources) || typeof parsed.project !== "string" || typeof parsed.stack !== "string") {
        return undefined;
    }
    parsed[EXTENSION_KEY] = { project: parsed.project, stack: parsed.stack, outputs: parsed.outputs, secretOutputs: parsed.secretOutputs };
    return parsed.resources.map((resource: any) => ({
        op: "create",
        urn: resource.urn,
        newState: { ...resource.options, importID: resource.options?.importId, ...resource, dependencies: resource.dependsOn ?? [] },
    }));
}

/** `urn:pulumi:<stack>::<project>::...` */
function stackOfUrn(urn: string): { project: string; stack: string } | undefined {
    const match = /^urn:pulumi:([^:]+)::([^:]+)::/.exec(urn);
    return match ? { stack: match[1], project: match[2] } : undefined;
}

/**
 * Reads a base plan: one written by `npm run plan -- --json <path>` or by `pulumi preview --json`. Either way it is
 * the set of resources the base program declares: every step's new state (a delete step declares nothing).
 */
export function readPlanFile(file: string, expected: { project: string; stack: string }): Plan {
    let parsed: any;
    try {
        parsed = JSON.parse(fs.readFileSync(file, "utf8"));
    } catch (error) {
        throw new PlanFileError(`cannot read the base plan ${file}: ${(error as Error).message}`);
    }
    const steps: PreviewStep[] | undefined = parsed?.steps ?? earlierPlanSteps(parsed);
    const wellFormed =
        Array.isArray(steps) &&
        steps.every(
            (step) =>
                typeof step?.op === "string" &&
                (step.newState === undefined || (typeof step.newState.urn === "string" && typeof step.newState.type === "string")),
        );
    if (!wellFormed) {
        throw new PlanFileError(`${file} is not a plan written by \`npm run plan -- --json\` or \`pulumi preview --json\``);
    }
    const resources = steps
        .filter((step) => step.op !== "delete" && step.newState !== undefined)
        .map((step) => fromState(step.newState as PreviewState));
    const extension = parsed[EXTENSION_KEY];
    const origin = extension ?? stackOfUrn(resources[0]?.urn ?? "") ?? expected;
    // URNs embed the project and stack: plans of different stacks share no URN and would diff as "everything changed".
    if (origin.project !== expected.project || origin.stack !== expected.stack) {
        throw new PlanFileError(
            `${file} is a plan of ${origin.project}/${origin.stack}, not of ${expected.project}/${expected.stack}; ` +
                "compare plans of the same stack",
        );
    }
    return {
        project: expected.project,
        stack: expected.stack,
        resources,
        outputs: extension?.outputs ?? {},
        secretOutputs: extension?.secretOutputs ?? [],
        warnings: extension?.warnings?.messages ?? [],
    };
}
