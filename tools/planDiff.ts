import { Plan, PlanResource } from "./planModel";
import { REPLACEMENT_RULES } from "./replacementRules";

/** One changed input path of a resource, with its value before and after (already masked, as in the plans). */
export interface PathChange {
    /** Pulumi property path, e.g. `deploymentConfiguration.virtualMachineConfiguration.imageReference.sku`. */
    readonly path: string;
    readonly kind: "add" | "delete" | "update";
    readonly before?: unknown;
    readonly after?: unknown;
    /** The provider's rules or the resource's replaceOnChanges make this change a replacement. */
    readonly replaces: boolean;
}

/** A resource present in both plans whose inputs or options differ. */
export interface ResourceChange {
    readonly urn: string;
    readonly type: string;
    readonly name: string;
    /** Top-level input keys whose values differ (added, removed or changed): Pulumi's `diffReasons`. */
    readonly changedInputs: readonly string[];
    /** Resource options that differ, e.g. `deleteBeforeReplace`, `protect`. */
    readonly changedOptions: readonly string[];
    /**
     * Paths whose change forces a replacement, by the provider's rules (tools/replacementRules.ts) or the
     * resource's `replaceOnChanges`: Pulumi's `replaceReasons`. Empty for an update in place.
     */
    readonly replacingPaths: readonly string[];
    /** Every changed leaf path with its old and new value: what `pulumi preview --diff` prints as `old => new`. */
    readonly paths: readonly PathChange[];
    readonly before: PlanResource;
    readonly after: PlanResource;
}

/** What a change does to the stack, by URN: what `pulumi preview` would create, update, replace and delete. */
export interface PlanDiff {
    readonly baseStack: string;
    readonly added: readonly PlanResource[];
    readonly changed: readonly ResourceChange[];
    readonly removed: readonly PlanResource[];
    /** Resources (not components) present in both plans with nothing changed. */
    readonly unchanged: number;
}

/** The step `pulumi preview` would take for a resource of the head plan. */
export type StepOp = "create" | "update" | "replace" | "same";

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
        const change = compareResource(before, resource);
        if (change) {
            changed.push(change);
        } else if (resource.custom) {
            unchanged++;
        }
    }
    const removed = base.resources.filter((resource) => !headUrns.has(resource.urn));
    return { baseStack: base.stack, added, changed, removed, unchanged };
}

function compareResource(before: PlanResource, after: PlanResource): ResourceChange | undefined {
    const changedInputs = differingKeys(before.inputs, after.inputs);
    const changedOptions = differingKeys(before.options ?? {}, after.options ?? {});
    if (changedInputs.length === 0 && changedOptions.length === 0) {
        return undefined;
    }
    // The new program's options decide, as they do for `pulumi up`.
    const forcing = [...(REPLACEMENT_RULES[after.type]?.paths ?? []), ...(after.options?.replaceOnChanges ?? [])];
    const replacingPaths = [...new Set(forcing)].filter(
        (path) => canonical(valueAtPath(before.inputs, path)) !== canonical(valueAtPath(after.inputs, path)),
    );
    const paths = leafChanges(before.inputs, after.inputs, "").map((change) => ({
        ...change,
        replaces: replacingPaths.some((path) => covers(path, change.path)),
    }));
    return { urn: after.urn, type: after.type, name: after.name, changedInputs, changedOptions, replacingPaths, paths, before, after };
}

/** The step `pulumi preview` would take for a resource of the head plan, given the diff (none: a first plan). */
export function stepOf(diff: PlanDiff | undefined, urn: string): StepOp {
    if (diff === undefined || diff.added.some((resource) => resource.urn === urn)) {
        return "create";
    }
    const change = diff.changed.find((candidate) => candidate.urn === urn);
    if (change === undefined) {
        return "same";
    }
    return change.replacingPaths.length > 0 ? "replace" : "update";
}

function differingKeys(before: object, after: object): string[] {
    const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
    return [...keys]
        .filter((key) => canonical((before as Record<string, unknown>)[key]) !== canonical((after as Record<string, unknown>)[key]))
        .sort();
}

function isObject(value: unknown): value is Record<string, unknown> {
    return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** Appends a key to a property path, quoting keys that are not plain identifiers (`tags["cost.center"]`). */
function childPath(parent: string, key: string | number): string {
    if (typeof key === "number") return `${parent}[${key}]`;
    if (/^[A-Za-z_$][\w$]*$/.test(key)) return parent === "" ? key : `${parent}.${key}`;
    return `${parent}[${JSON.stringify(key)}]`;
}

/** The changed leaves between two values: objects and equal-length arrays are walked, anything else compared whole. */
function leafChanges(before: unknown, after: unknown, path: string): Omit<PathChange, "replaces">[] {
    if (canonical(before) === canonical(after)) {
        return [];
    }
    if (before === undefined) return [{ path, kind: "add", after }];
    if (after === undefined) return [{ path, kind: "delete", before }];
    if (isObject(before) && isObject(after)) {
        const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
        return keys.flatMap((key) => leafChanges(before[key], after[key], childPath(path, key)));
    }
    if (Array.isArray(before) && Array.isArray(after) && before.length === after.length) {
        return before.flatMap((item, index) => leafChanges(item, after[index], childPath(path, index)));
    }
    return [{ path, kind: "update", before, after }];
}

function pathSegments(path: string): string[] {
    return [...path.matchAll(/\[("(?:[^"\\]|\\.)*"|\d+|\*)\]|([^.[\]]+)/g)].map(([, bracketed, plain]) =>
        bracketed === undefined ? plain : bracketed.startsWith('"') ? (JSON.parse(bracketed) as string) : bracketed,
    );
}

/** Whether a (possibly wildcard) forcing path is the changed path or one of its ancestors or descendants. */
function covers(forcing: string, changed: string): boolean {
    const a = pathSegments(forcing);
    const b = pathSegments(changed);
    return a.slice(0, b.length).every((segment, index) => segment === "*" || segment === b[index]);
}

/**
 * The value at a Pulumi property path (`properties.deploymentConfiguration`, `tags["a.b"]`, `items[0].name`). A
 * wildcard (`*`, `[*]`) stops the walk there and compares the whole value above it: a change anywhere under it may
 * be the one the wildcard matches, so it counts as a replacement rather than being missed.
 */
function valueAtPath(inputs: Record<string, unknown>, path: string): unknown {
    let node: unknown = inputs;
    for (const segment of pathSegments(path)) {
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

/** The marker `pulumi preview` uses per step: `+` create, `~` update, `+-` replace, `-` delete, none when unchanged. */
export const STEP_MARKERS: Readonly<Record<StepOp | "delete", string>> = { create: "+", update: "~", replace: "+-", delete: "-", same: " " };

/** How a changed resource is marked, as `pulumi preview` marks it: `+-` and "(replace)" for a replacement, `~` for an update. */
export function changeMarker(change: ResourceChange): { symbol: string; note: string } {
    return change.replacingPaths.length === 0 ? { symbol: "~", note: "" } : { symbol: "+-", note: " (replace)" };
}

/** Counts of cloud resources per step, as `pulumi preview`'s summary lists them. */
export function stepCounts(head: Plan, diff: PlanDiff | undefined): { create: number; update: number; replace: number; delete: number; same: number } {
    const counts = { create: 0, update: 0, replace: 0, delete: 0, same: 0 };
    for (const resource of head.resources.filter((candidate) => candidate.custom)) {
        counts[stepOf(diff, resource.urn)]++;
    }
    counts.delete = diff?.removed.filter((resource) => resource.custom).length ?? 0;
    return counts;
}

/** The summary lines of `pulumi preview`: `+ 19 to create`, `~ 1 to update`, `+- 1 to replace`, `- 1 to delete`, `21 unchanged`. */
export function summaryLines(head: Plan, diff: PlanDiff | undefined): string[] {
    const counts = stepCounts(head, diff);
    const lines = [
        counts.create > 0 ? `+ ${counts.create} to create` : "",
        counts.update > 0 ? `~ ${counts.update} to update` : "",
        counts.replace > 0 ? `+- ${counts.replace} to replace` : "",
        counts.delete > 0 ? `- ${counts.delete} to delete` : "",
        counts.same > 0 ? `${counts.same} unchanged` : "",
    ];
    return lines.filter((line) => line !== "");
}

/** A value as `pulumi preview --diff` prints it: strings quoted, everything whole, never cut. */
export function formatValue(value: unknown): string {
    return value === undefined ? "(none)" : JSON.stringify(value);
}

/** `path: old => new` lines for a changed resource; `+`/`-` for paths that appear or disappear. */
export function pathChangeLines(change: ResourceChange): string[] {
    return change.paths.map((path) => {
        const marker = path.kind === "add" ? "+" : path.kind === "delete" ? "-" : "~";
        const value =
            path.kind === "add" ? formatValue(path.after) : path.kind === "delete" ? formatValue(path.before) : `${formatValue(path.before)} => ${formatValue(path.after)}`;
        return `${marker} ${path.path}: ${value}${path.replaces ? " (forces replacement)" : ""}`;
    });
}

export function renderPlanDiffText(diff: PlanDiff): string {
    const lines = [`Compared with the base plan of stack "${diff.baseStack}":`];
    for (const resource of diff.added) {
        lines.push(`    + ${resource.type}  ${resource.name}`);
    }
    for (const change of diff.changed) {
        const what = [...change.changedInputs, ...change.changedOptions.map((option) => `(option) ${option}`)];
        const { symbol, note } = changeMarker(change);
        lines.push(`    ${symbol} ${change.type}  ${change.name}  [${what.join(", ")}]${note}`);
        pathChangeLines(change).forEach((line) => lines.push(`        ${line}`));
    }
    for (const resource of diff.removed) {
        lines.push(`    - ${resource.type}  ${resource.name}`);
    }
    return lines.join("\n");
}
