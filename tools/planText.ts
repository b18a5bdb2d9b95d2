import { PlanDiff, STEP_MARKERS, formatValue, pathChangeLines, stepOf, summaryLines } from "./planDiff";
import { Plan, PlanResource } from "./planModel";
import { roleNameFor, roleNamesOf } from "./roleNames";

export interface PlanTextOptions {
    /** Compared with a base plan: markers and the Plan column say what changes; changed paths show `old => new`. */
    readonly diff?: PlanDiff;
    /** Print every resource's inputs, whole. */
    readonly details?: boolean;
}

const PLAN_WORDS = { create: "create", update: "update", replace: "replace", same: "", delete: "delete" } as const;

/**
 * Renders a plan as `pulumi preview` does: a tree with Type, Name and Plan columns, a marker per row (`+` create,
 * `~` update, `+-` replace, `-` delete), then the summary counted over cloud resources. Values are never cut.
 */
export function renderPlanText(plan: Plan, options: PlanTextOptions = {}): string {
    const { diff } = options;
    const children = new Map<string | undefined, PlanResource[]>();
    for (const resource of plan.resources) {
        const siblings = children.get(resource.parent) ?? [];
        siblings.push(resource);
        children.set(resource.parent, siblings);
    }
    const nameOf = new Map(plan.resources.map((resource) => [resource.urn, resource.name]));
    const roleNames = roleNamesOf(plan.resources);
    const rows: { marker: string; type: string; name: string; step: string; details: string[] }[] = [];

    const visit = (resource: PlanResource, prefix: string, last: boolean, root: boolean): void => {
        const step = stepOf(diff, resource.urn);
        const details: string[] = [];
        const change = diff?.changed.find((candidate) => candidate.urn === resource.urn);
        if (change) {
            details.push(...pathChangeLines(change));
        }
        if (options.details && step !== "same") {
            details.push(...inputLines(resource, roleNames));
            const waitsFor = resource.dependencies.filter((urn) => urn !== resource.parent).map((urn) => nameOf.get(urn) ?? urn);
            if (resource.custom && waitsFor.length > 0) details.push(`(waits for: ${waitsFor.join(", ")})`);
            const flags = describeOptions(resource);
            if (flags) details.push(`(${flags})`);
        }
        const branch = root ? "" : `${prefix}${last ? "└─ " : "├─ "}`;
        rows.push({ marker: STEP_MARKERS[step], type: `${branch}${resource.type}`, name: resource.name, step: PLAN_WORDS[step], details });
        const kids = children.get(resource.urn) ?? [];
        const childPrefix = root ? "" : `${prefix}${last ? "   " : "│  "}`;
        kids.forEach((child, index) => visit(child, childPrefix, index === kids.length - 1, false));
    };
    for (const root of children.get(undefined) ?? []) {
        visit(root, "", true, true);
    }
    for (const removed of diff?.removed ?? []) {
        rows.push({ marker: STEP_MARKERS.delete, type: removed.type, name: removed.name, step: PLAN_WORDS.delete, details: [] });
    }

    const typeWidth = Math.max(4, ...rows.map((row) => row.type.length));
    const nameWidth = Math.max(4, ...rows.map((row) => row.name.length));
    const lines = [`     ${"Type".padEnd(typeWidth)}  ${"Name".padEnd(nameWidth)}  Plan`];
    for (const row of rows) {
        lines.push(`${` ${row.marker}`.padEnd(5)}${row.type.padEnd(typeWidth)}  ${row.name.padEnd(nameWidth)}  ${row.step}`.trimEnd());
        row.details.forEach((detail) => lines.push(`         ${detail}`));
    }

    lines.push("", "Outputs:");
    for (const [key, value] of Object.entries(plan.outputs)) {
        lines.push(`    ${key}: ${formatValue(value)}`);
    }
    lines.push("", "Resources:", ...summaryLines(plan, diff).map((line) => `    ${line}`));
    if (plan.warnings.length > 0) {
        lines.push("", `Warnings (${plan.warnings.length}; they do not stop the plan):`, ...plan.warnings.map((warning) => `    warning: ${warning}`));
    }
    return lines.join("\n");
}

/** `key: value` per non-empty input, values whole; a role assignment's role definition also shows the role's name. */
function inputLines(resource: PlanResource, roleNames: ReadonlyMap<string, string>): string[] {
    return Object.entries(resource.inputs)
        .filter(([, value]) => !isEmpty(value))
        .map(([key, value]) => {
            // A dynamic resource's provider is its serialized code, not a setting a reviewer approves.
            if (key === "__provider" && typeof value === "string") return `__provider: (serialized dynamic provider, ${value.length} characters)`;
            const roleName = key === "roleDefinitionId" ? roleNameFor(value, roleNames) : undefined;
            return `${key}: ${formatValue(value)}${roleName ? ` (${roleName})` : ""}`;
        });
}

function describeOptions(resource: PlanResource): string {
    const flags: string[] = [];
    if (resource.options.deleteBeforeReplace) flags.push("a replacement deletes before it creates");
    if (resource.options.retainOnDelete) flags.push("kept in Azure when removed from the stack");
    if (resource.options.protect) flags.push("protected");
    if (resource.options.replaceOnChanges.length > 0) flags.push(`replaced when ${resource.options.replaceOnChanges.join(", ")} change`);
    if (resource.options.importId) flags.push(`existing: ${resource.options.importId}`);
    return flags.join("; ");
}

function isEmpty(value: unknown): boolean {
    if (value === undefined || value === null) return true;
    if (Array.isArray(value)) return value.length === 0;
    if (typeof value === "object") return Object.values(value).every(isEmpty);
    return false;
}
