import { DeclaredResource, OfflineRun } from "./offlineRuntime";

export const SECRET_MASK = "[secret]";

/**
 * One resource in a plan: the record the offline runtime declares, with secrets already masked in its inputs.
 * The runtime, the plan, its JSON and the diff all use this one shape.
 */
export type PlanResource = DeclaredResource;

/** A plan as data: printed by the plan command, written as JSON for review tools. Holds no secret value. */
export interface Plan {
    readonly project: string;
    readonly stack: string;
    readonly resources: readonly PlanResource[];
    readonly outputs: Record<string, unknown>;
    readonly secretOutputs: readonly string[];
    /** Warnings the program logged (configuration warnings among them); they never stop a plan. */
    readonly warnings: readonly string[];
}

export function buildPlan(run: OfflineRun, project: string, stack: string): Plan {
    const secretValues = collectSecretValues(run);
    const resources = run.resources.map((resource) => ({
        ...resource,
        inputs: redact(maskPaths(resource.inputs, resource.secretPaths), secretValues) as Record<string, unknown>,
    }));
    const outputs = Object.fromEntries(
        Object.entries(run.outputs).map(([key, value]) => [
            key,
            run.secretOutputs.includes(key) ? SECRET_MASK : redact(value, secretValues),
        ]),
    );
    return { project, stack, resources, outputs, secretOutputs: run.secretOutputs, warnings: run.warnings };
}

/**
 * Every string that was a secret somewhere in the run and never appears in the open, so that a copy which lost
 * its secret mark is masked too. Strings that also appear in non-secret places (a client ID inside the secret
 * sdkAuth object, say) are not secrets and stay readable.
 */
function collectSecretValues(run: OfflineRun): Set<string> {
    const secret = new Set<string>();
    const open = new Set<string>();
    const collect = (value: unknown, into: Set<string>): void => {
        if (typeof value === "string" && value.length >= 8) {
            into.add(value);
        } else if (value !== null && typeof value === "object") {
            Object.values(value).forEach((item) => collect(item, into));
        }
    };
    for (const resource of run.resources) {
        resource.secretPaths.forEach((secretPath) => collect(valueAt(resource.inputs, secretPath), secret));
        collect(maskPaths(resource.inputs, resource.secretPaths), open);
    }
    for (const [key, value] of Object.entries(run.outputs)) {
        collect(value, run.secretOutputs.includes(key) ? secret : open);
    }
    open.forEach((value) => secret.delete(value));
    return secret;
}

function valueAt(root: unknown, dottedPath: string): unknown {
    if (dottedPath === "") {
        return root;
    }
    return dottedPath
        .split(/\.|\[(\d+)\]/)
        .filter((part) => part !== undefined && part !== "")
        .reduce<any>((node, part) => (node === undefined || node === null ? undefined : node[part]), root);
}

function maskPaths(inputs: Record<string, unknown>, secretPaths: readonly string[]): Record<string, unknown> {
    if (secretPaths.length === 0) {
        return inputs;
    }
    const copy = structuredClone(inputs);
    for (const secretPath of secretPaths) {
        const parts = secretPath.split(/\.|\[(\d+)\]/).filter((part) => part !== undefined && part !== "");
        const last = parts.pop();
        const holder = parts.reduce<any>((node, part) => node?.[part], copy);
        if (holder && last !== undefined) {
            holder[last] = SECRET_MASK;
        }
    }
    return copy;
}

function redact(value: unknown, secretValues: ReadonlySet<string>): unknown {
    if (typeof value === "string") {
        let text = value;
        for (const secret of secretValues) {
            text = text.split(secret).join(SECRET_MASK);
        }
        return text;
    }
    if (Array.isArray(value)) {
        return value.map((item) => redact(item, secretValues));
    }
    if (value !== null && typeof value === "object") {
        return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, redact(item, secretValues)]));
    }
    return value;
}

/** Resources that are neither the stack nor components: what the cloud will actually hold. */
export function cloudResources(plan: Plan): PlanResource[] {
    return plan.resources.filter((resource) => resource.custom);
}
