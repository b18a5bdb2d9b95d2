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
            changed.push({ urn: resource.urn, type: resource.type, name: resource.name, changedInputs, changedOptions });
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

export function renderPlanDiffText(diff: PlanDiff): string {
    const lines = [
        `Compared with the base plan of stack "${diff.baseStack}": ${diff.added.length} to add, ${diff.changed.length} to change, ` +
            `${diff.removed.length} to remove, ${diff.unchanged} unchanged`,
    ];
    for (const resource of diff.added) {
        lines.push(`    + ${resource.type}  ${resource.name}`);
    }
    for (const change of diff.changed) {
        const what = [...change.changedInputs, ...change.changedOptions.map((option) => `(option) ${option}`)];
        lines.push(`    ~ ${change.type}  ${change.name}  [${what.join(", ")}]`);
    }
    for (const resource of diff.removed) {
        lines.push(`    - ${resource.type}  ${resource.name}`);
    }
    return lines.join("\n");
}
