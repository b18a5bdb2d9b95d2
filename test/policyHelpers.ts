import type { Policies, PolicyPackConfig } from "@pulumi/policy";
import { policies } from "../policies/policies";
import { DeclaredResource } from "../tools/offlineRuntime";
import { PolicyViolation, evaluatePolicies } from "../tools/policyRunner";

/**
 * The value the engine sends for a string input that is unknown during preview (UnknownStringValue in Pulumi's
 * RPC layer); the policy SDK's proxy throws UnknownValueError when a policy reads it.
 */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export function policyNamed(name: string): Policies[number] {
    const found = policies.find((policy) => policy.name === name);
    if (!found) {
        throw new Error(`No policy named ${name}`);
    }
    return found;
}

/** A resource as the offline runtime records it, with the given inputs and default options. */
export function declared(type: string, name: string, inputs: Record<string, any>, custom = true): DeclaredResource {
    return {
        urn: `urn:pulumi:dev::batch-entra::${type}::${name}`,
        type,
        name,
        custom,
        inputs,
        secretPaths: [],
        dependencies: [],
        options: DEFAULT_RESOURCE_OPTIONS,
    };
}

/** The options Pulumi records for a resource declared without any. */
export const DEFAULT_RESOURCE_OPTIONS: DeclaredResource["options"] = {
    deleteBeforeReplace: false,
    retainOnDelete: false,
    protect: false,
    ignoreChanges: [],
    replaceOnChanges: [],
    additionalSecretOutputs: [],
};

/** Runs one policy over the resources through the offline runner (the same path the plan takes). */
export async function violationsOf(
    policyName: string,
    resources: DeclaredResource | DeclaredResource[],
    config: PolicyPackConfig = {},
): Promise<PolicyViolation[]> {
    const report = await evaluatePolicies(Array.isArray(resources) ? resources : [resources], { policies: [policyNamed(policyName)], config });
    return [...report.violations];
}

export async function messagesOf(policyName: string, resources: DeclaredResource | DeclaredResource[], config?: PolicyPackConfig): Promise<string[]> {
    return (await violationsOf(policyName, resources, config)).map((violation) => violation.message);
}
