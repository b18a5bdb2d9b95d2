import * as fs from "fs";
import { Plan, PlanResource } from "./planModel";

/** A resource present in both plans whose inputs or options differ. */
export interface ResourceChange {
    readonly urn: string;
    readonly type: string;
    readonly name: string;
    /** Top-level input keys whose values differ (added, removed or changed). */
    readonly changedInputs: readonly string[];
    /** Resource options that differ, e.g. `deleteBeforeReplace`, `protect`. */
    readonly changedOptions: readonly string[];
    /**
     * The resource's `replaceOnChanges` paths whose values differ: Pulumi replaces the resource (delete and create,
     * or create and delete) instead of updating it in place. Empty for an update.
     */
    readonly replacingPaths: readonly string[];
}

/** What a change does to the stack, by URN: what `pulumi preview` would create, update and delete. */
export interface PlanDiff {
    readonly baseStack: string;
    readonly added: readonly PlanResource[];
    readonly changed: readonly ResourceChange[];
    readonly removed: readonly PlanResource[];
    readonly unchanged: number;
}

/** A base plan that cannot be read or compared; the plan command reports it as a usage error. */
export class PlanFileError extends Error {}

/** Reads a plan written by `npm run plan -- --json <path>` (on the base branch, typically). */
export function readPlanFile(file: string, expected: { project: string; stack: string }): Plan {
    let parsed: unknown;
    try {
        parsed = JSON.parse(fs.readFileSync(file, "utf8"));
    } catch (error) {
        throw new PlanFileError(`cannot read the base plan ${file}: ${(error as Error).message}`);
    }
    const plan = parsed as Partial<Plan>;
    const wellFormed =
        typeof plan === "object" &&
        plan !== null &&
        typeof plan.project === "string" &&
        typeof plan.stack === "string" &&
        Array.isArray(plan.resources) &&
        plan.resources.every((resource) => typeof resource?.urn === "string" && typeof resource.type === "string" && typeof resource.inputs === "object");
    if (!wellFormed) {
        throw new PlanFileError(`${file} is not a plan written by \`npm run plan -- --json\``);
    }
    // URNs embed the project and stack: plans of different stacks share no URN and would diff as "everything changed".
    if (plan.project !== expected.project || plan.stack !== expected.stack) {
        throw new PlanFileError(
            `${file} is a plan of ${plan.project}/${plan.stack}, not of ${expected.project}/${expected.stack}; ` +
                "compare plans of the same stack",
        );
    }
    return plan as Plan;
}

/** Compares two plans of one stack resource by resource (matched by URN). */
export function diffPlans(base: Plan, head: Plan): PlanDiff {
    const baseByUrn = new Map(base.resources.map((resource) => [resource.urn, resource]));
    const headUrns = new Set(head.resources.map((resource) => resource.urn));
    const added: PlanResource[] = [];
    const changed: ResourceChange[] = [];
    let unchanged = 0;
    for (const resource of head.resources) {
        const before = baseByUrn.get(resource.urn);
        if (before === undefined) {
            added.push(resource);
            continue;
        }
        const changedInputs = differingKeys(before.inputs, resource.inputs);
        const changedOptions = differingKeys(before.options ?? {}, resource.options ?? {});
        if (changedInputs.length > 0 || changedOptions.length > 0) {
            // The new program's options decide, as they do for `pulumi up`.
            const replacingPaths = (resource.options?.replaceOnChanges ?? []).filter(
                (path) => canonical(valueAtPath(before.inputs, path)) !== canonical(valueAtPath(resource.inputs, path)),
            );
            changed.push({ urn: resource.urn, type: resource.type, name: resource.name, changedInputs, changedOptions, replacingPaths });
        } else {
            unchanged++;
        }
    }
    const removed = base.resources.filter((resource) => !headUrns.has(resource.urn));
    return { baseStack: base.stack, added, changed, removed, unchanged };
}

function differingKeys(before: object, after: object): string[] {
    const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
    return [...keys]
        .filter((key) => canonical((before as Record<string, unknown>)[key]) !== canonical((after as Record<string, unknown>)[key]))
        .sort();
}

/**
 * The value at a Pulumi property path (`properties.deploymentConfiguration`, `tags["a.b"]`, `items[0].name`). A
 * wildcard (`*`, `[*]`) stops the walk there and compares the whole value above it: a change anywhere under it may
 * be the one the wildcard matches, so it counts as a replacement rather than being missed.
 */
function valueAtPath(inputs: Record<string, unknown>, path: string): unknown {
    const segments = [...path.matchAll(/\[("(?:[^"\\]|\\.)*"|\d+|\*)\]|([^.[\]]+)/g)].map(([, bracketed, plain]) =>
        bracketed === undefined ? plain : bracketed.startsWith('"') ? (JSON.parse(bracketed) as string) : bracketed,
    );
    let node: unknown = inputs;
    for (const segment of segments) {
        if (segment === "*" || node === null || typeof node !== "object") {
            return node;
        }
        node = (node as Record<string, unknown>)[segment];
    }
    return node;
}

/** JSON with sorted object keys, so that key order never reads as a change. */
function canonical(value: unknown): string {
    if (Array.isArray(value)) {
        return `[${value.map(canonical).join(",")}]`;
    }
    if (value !== null && typeof value === "object") {
        const entries = Object.entries(value).filter(([, item]) => item !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
        return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonical(item)}`).join(",")}}`;
    }
    return JSON.stringify(value) ?? "undefined";
}

/** How a changed resource is marked, as `pulumi preview` marks it: `+-` and "(replace)" for a replacement, `~` for an update. */
export function changeMarker(change: ResourceChange): { symbol: string; note: string } {
    return change.replacingPaths.length === 0 ? { symbol: "~", note: "" } : { symbol: "+-", note: " (replace)" };
}

/** " N of them replaced" when any change is a replacement, for the summary lines. */
export function replacementSummary(diff: PlanDiff): string {
    const replaced = diff.changed.filter((change) => change.replacingPaths.length > 0).length;
    return replaced === 0 ? "" : ` (${replaced} of the changes replace their resource)`;
}

export function renderPlanDiffText(diff: PlanDiff): string {
    const lines = [
        `Compared with the base plan of stack "${diff.baseStack}": ${diff.added.length} to add, ${diff.changed.length} to change, ` +
            `${diff.removed.length} to remove, ${diff.unchanged} unchanged${replacementSummary(diff)}`,
    ];
    for (const resource of diff.added) {
        lines.push(`    + ${resource.type}  ${resource.name}`);
    }
    for (const change of diff.changed) {
        const what = [...change.changedInputs, ...change.changedOptions.map((option) => `(option) ${option}`)];
        const { symbol, note } = changeMarker(change);
        lines.push(`    ${symbol} ${change.type}  ${change.name}  [${what.join(", ")}]${note}`);
    }
    for (const resource of diff.removed) {
        lines.push(`    - ${resource.type}  ${resource.name}`);
    }
    return lines.join("\n");
}
