import { Plan, PlanResource, cloudResources } from "./planModel";

const MAX_VALUE_WIDTH = 110;

/** Renders a plan as the tree `pulumi preview` would show: components, their resources, key inputs. */
export function renderPlanText(plan: Plan): string {
    const lines: string[] = [];
    const children = new Map<string | undefined, PlanResource[]>();
    for (const resource of plan.resources) {
        const siblings = children.get(resource.parent) ?? [];
        siblings.push(resource);
        children.set(resource.parent, siblings);
    }
    const nameOf = new Map(plan.resources.map((resource) => [resource.urn, resource.name]));

    const visit = (resource: PlanResource, depth: number): void => {
        const indent = "    ".repeat(depth);
        const marker = resource.custom ? "+" : "+-";
        lines.push(`${indent}${marker} ${resource.type}  ${resource.name}`);
        const detail = `${indent}      `;
        for (const [key, value] of Object.entries(resource.inputs)) {
            if (isEmpty(value)) {
                continue;
            }
            lines.push(`${detail}${key}: ${compact(value)}`);
        }
        const waitsFor = resource.dependsOn.filter((urn) => urn !== resource.parent).map((urn) => nameOf.get(urn) ?? urn);
        if (resource.custom && waitsFor.length > 0) {
            lines.push(`${detail}(waits for: ${waitsFor.join(", ")})`);
        }
        const flags = describeOptions(resource);
        if (flags) {
            lines.push(`${detail}(${flags})`);
        }
        for (const child of children.get(resource.urn) ?? []) {
            visit(child, depth + 1);
        }
    };
    for (const root of children.get(undefined) ?? []) {
        visit(root, 0);
    }

    lines.push("", "Outputs:");
    for (const [key, value] of Object.entries(plan.outputs)) {
        lines.push(`    ${key}: ${compact(value)}`);
    }

    const counts = new Map<string, number>();
    for (const resource of cloudResources(plan)) {
        counts.set(resource.type, (counts.get(resource.type) ?? 0) + 1);
    }
    const components = plan.resources.filter((resource) => !resource.custom && resource.parent !== undefined).length;
    lines.push("", `Resources: ${cloudResources(plan).length} to create, in ${components} components`);
    for (const [type, count] of [...counts.entries()].sort()) {
        lines.push(`    ${String(count).padStart(3)} x ${type}`);
    }
    return lines.join("\n");
}

function describeOptions(resource: PlanResource): string {
    const flags: string[] = [];
    if (resource.options.deleteBeforeReplace) flags.push("replaced by delete, then create");
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

function compact(value: unknown): string {
    const text = typeof value === "string" ? value : JSON.stringify(value);
    return text.length > MAX_VALUE_WIDTH ? `${text.slice(0, MAX_VALUE_WIDTH - 3)}...` : text;
}
