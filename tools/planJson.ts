import * as fs from "fs";
import { DeclaredResource } from "./offlineRuntime";
import { PlanDiff, ResourceChange, stepCounts, stepOf } from "./planDiff";
import { Plan, PlanResource } from "./planModel";
import { PolicyViolation } from "./policyRunner";
import { providersWithRules } from "./replacementRules";

/** The key under which the offline plan keeps what `pulumi preview --json` has no field for. */
export const EXTENSION_KEY = "batch-entra";

/*
 * The shapes below are the CLI's own, read from pulumi/pulumi: `PreviewDigest` and `PreviewStep` in
 * sdk/go/common/display/json.go, filled by `ShowPreviewDigest` in pkg/backend/display/json.go, and `ResourceV3` in
 * sdk/go/common/apitype/core.go for the states. Go's `omitempty` drops false, empty and absent values, so a state
 * carries `protect` only when it is true and `dependencies` only when there are some; `custom` and a step's
 * `detailedDiff` (null when the step has none) are always written. `deleteBeforeReplace` is no field of ResourceV3:
 * the offline plan keeps it under EXTENSION_KEY.
 */

/** A resource's state as `pulumi preview --json` prints it in a step's `newState` / `oldState` (ResourceV3). */
interface PreviewState {
    urn: string;
    custom: boolean;
    type: string;
    inputs?: Record<string, unknown>;
    parent?: string;
    protect?: boolean;
    dependencies?: readonly string[];
    provider?: string;
    additionalSecretOutputs?: readonly string[];
    importID?: string;
    retainOnDelete?: boolean;
    ignoreChanges?: readonly string[];
    replaceOnChanges?: readonly string[];
}

interface PreviewStep {
    op: string;
    urn: string;
    provider?: string;
    oldState?: PreviewState;
    newState?: PreviewState;
    diffReasons?: readonly string[];
    replaceReasons?: readonly string[];
    detailedDiff: Record<string, { kind: string; inputDiff: boolean }> | null;
}

/** A warning as the CLI lists it under `diagnostics` (PreviewDiagnostic). */
interface PreviewDiagnostic {
    message: string;
    severity: "warning";
}

/** The step ops the engine counts in `changeSummary`, which counts every resource, components and the stack too. */
type ChangeSummary = Partial<Record<"create" | "update" | "replace" | "delete" | "same", number>>;

export interface PlanJsonExtras {
    readonly diff?: PlanDiff;
    readonly policyViolations?: readonly PolicyViolation[];
}

/** Go's `omitempty`: false, empty strings, empty lists and empty maps are left out. */
function omitEmpty<T extends object>(value: T): T {
    const isEmpty = (field: unknown) =>
        field === undefined ||
        field === false ||
        field === "" ||
        (Array.isArray(field) && field.length === 0) ||
        (typeof field === "object" && field !== null && !Array.isArray(field) && Object.keys(field).length === 0);
    return Object.fromEntries(Object.entries(value).filter(([, field]) => !isEmpty(field))) as T;
}

function toState(resource: PlanResource): PreviewState {
    return {
        ...omitEmpty({
            urn: resource.urn,
            type: resource.type,
            inputs: resource.inputs,
            parent: resource.parent,
            protect: resource.options.protect,
            dependencies: resource.dependencies,
            provider: resource.provider,
            additionalSecretOutputs: resource.options.additionalSecretOutputs,
            importID: resource.options.importId,
            retainOnDelete: resource.options.retainOnDelete,
            ignoreChanges: resource.options.ignoreChanges,
            replaceOnChanges: resource.options.replaceOnChanges,
        }),
        custom: resource.custom,
    };
}

/** A step with its fields in the CLI's order, empty ones left out but `detailedDiff`. */
function inCliOrder(step: PreviewStep): PreviewStep {
    const { op, urn, provider, oldState, newState, diffReasons, replaceReasons, detailedDiff } = step;
    return { ...omitEmpty({ op, urn, provider, oldState, newState, diffReasons, replaceReasons }), detailedDiff };
}

/** What `changeSummary` says: every step counted by its op, as the engine's summary event counts them. */
function changeSummaryOf(steps: readonly PreviewStep[]): ChangeSummary {
    const summary: Record<string, number> = {};
    for (const step of steps) {
        summary[step.op] = (summary[step.op] ?? 0) + 1;
    }
    return summary;
}

function changeFields(change: ResourceChange): Pick<PreviewStep, "oldState" | "diffReasons" | "replaceReasons" | "detailedDiff"> {
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
 * The plan in the shape `pulumi preview --json` prints: one step per resource (unchanged ones too, as with
 * `--show-sames`), `diagnostics` for the warnings, `changeSummary`, secrets as `[secret]`. The offline plan's own
 * data (outputs, the counts of cloud resources its text prints, policy results) sits under EXTENSION_KEY.
 */
export function toPreviewJson(plan: Plan, extras: PlanJsonExtras = {}): object {
    const { diff } = extras;
    const changes = new Map((diff?.changed ?? []).map((change) => [change.urn, change]));
    const steps: PreviewStep[] = plan.resources.map((resource) => {
        const op = stepOf(diff, resource.urn);
        const change = changes.get(resource.urn);
        return { op, urn: resource.urn, provider: resource.provider, newState: toState(resource), ...(change ? changeFields(change) : { detailedDiff: null }) };
    });
    for (const resource of diff?.removed ?? []) {
        steps.push({ op: "delete", urn: resource.urn, provider: resource.provider, oldState: toState(resource), detailedDiff: null });
    }
    const counts = stepCounts(plan, diff);
    const diagnostics: PreviewDiagnostic[] = plan.warnings.map((message) => ({ message, severity: "warning" }));
    const deleteBeforeReplace = [...plan.resources, ...(diff?.removed ?? [])].filter((resource) => resource.options.deleteBeforeReplace).map((resource) => resource.urn);
    return {
        steps: steps.map(inCliOrder),
        ...(diagnostics.length > 0 ? { diagnostics } : {}),
        changeSummary: changeSummaryOf(steps),
        [EXTENSION_KEY]: {
            offline: true,
            resourceChangeSummary: Object.fromEntries(Object.entries(counts).filter(([, count]) => count > 0)),
            ...(deleteBeforeReplace.length > 0 ? { deleteBeforeReplace } : {}),
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

function fromState(state: PreviewState, deleteBeforeReplace: ReadonlySet<string>): PlanResource {
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
            // Plans written before it moved under EXTENSION_KEY kept it in the state.
            deleteBeforeReplace: deleteBeforeReplace.has(state.urn) || (state as { deleteBeforeReplace?: boolean }).deleteBeforeReplace === true,
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
    const deleteBeforeReplace = parsed.resources.filter((resource: any) => resource.options?.deleteBeforeReplace).map((resource: any) => resource.urn);
    parsed[EXTENSION_KEY] = { project: parsed.project, stack: parsed.stack, outputs: parsed.outputs, secretOutputs: parsed.secretOutputs, deleteBeforeReplace };
    return parsed.resources.map((resource: any) => ({
        op: "create",
        urn: resource.urn,
        newState: { ...resource.options, importID: resource.options?.importId, ...resource, dependencies: resource.dependsOn ?? [] },
        detailedDiff: null,
    }));
}

/** Step ops that remove a resource (sdk/go/common/display: OpDelete, OpDeleteReplaced, OpDiscard, OpDiscardReplaced, OpRemovePendingReplace). */
const REMOVING_OPS: ReadonlySet<string> = new Set(["delete", "delete-replaced", "discard", "discard-replaced", "remove-pending-replace"]);

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
    const extension = parsed[EXTENSION_KEY];
    // Without --show-sames the CLI leaves unchanged resources out of `steps` but counts them in `changeSummary`: such
    // a base would make every unchanged resource look created.
    const sames = steps.filter((step) => step.op === "same").length;
    const countedSames = Number(parsed.changeSummary?.same ?? 0);
    if (extension === undefined && countedSames > sames) {
        throw new PlanFileError(
            `${file} counts ${countedSames} unchanged resources in changeSummary but lists ${sames}: it was written without ` +
                "--show-sames; write the base with `pulumi preview --json --show-sames`",
        );
    }
    const deleteBeforeReplace = new Set<string>(Array.isArray(extension?.deleteBeforeReplace) ? extension.deleteBeforeReplace : []);
    // One resource per URN: with --show-replacement-steps a replacement is three steps (create-replacement, replace,
    // delete-replaced), and only the first two declare the new resource.
    const declared = new Map<string, PreviewState>();
    for (const step of steps) {
        if (!REMOVING_OPS.has(step.op) && step.newState !== undefined && !declared.has(step.newState.urn)) {
            declared.set(step.newState.urn, step.newState);
        }
    }
    const resources = [...declared.values()].map((state) => fromState(state, deleteBeforeReplace));
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
