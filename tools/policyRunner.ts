import type {
    EnforcementLevel,
    Policies,
    PolicyPackConfig,
    PolicyResource,
    PolicyResourceOptions,
    ResourceValidationArgs,
    StackValidationArgs,
    StackValidationPolicy,
} from "@pulumi/policy";
import * as fs from "fs";
import { POLICY_PACK_NAME, policies as packPolicies } from "../policies/policies";
import { FAKE_NOW, fakeState } from "./fakeCloud";
import { DeclaredResource } from "./offlineRuntime";

// The package's proxy module alone (the root re-exports these from it): the root also loads the policy server and
// its gRPC protocol, ~300 KB of code that every offline plan would compile and never use.
const { UnknownValueError, unknownCheckingProxy } = require("@pulumi/policy/proxy") as Pick<typeof import("@pulumi/policy"), "UnknownValueError" | "unknownCheckingProxy">;

/** How the policy server names the pack in its messages: `<name>@v<version of policies/package.json>`. */
const PACK_LABEL = `${POLICY_PACK_NAME}@v${(require("../policies/package.json") as { version: string }).version}`;

/** The enforcement level policies/index.ts gives the pack; a policy without its own level gets this one. */
const PACK_ENFORCEMENT: EnforcementLevel = "mandatory";

/** One violation, as `pulumi preview --policy-pack` would report it. */
export interface PolicyViolation {
    readonly policy: string;
    readonly enforcement: "advisory" | "mandatory";
    /** Absent when a stack policy blames the stack as a whole. */
    readonly urn?: string;
    readonly resourceType?: string;
    readonly resourceName?: string;
    readonly message: string;
    readonly remediation?: string;
    readonly url?: string;
}

export interface PolicyReport {
    readonly violations: readonly PolicyViolation[];
    /** Policies that ran (enabled ones). */
    readonly policyCount: number;
    readonly resourceCount: number;
    /** Wall time of the evaluation, for the benchmark. */
    readonly elapsedMs: number;
}

export interface EvaluateOptions {
    /** The policy pack config, in the format of `pulumi preview --policy-pack-config <file>`. */
    readonly config?: PolicyPackConfig;
    /** The policies to run; the whole pack by default. */
    readonly policies?: Policies;
}

class NotApplicable extends Error {}

/**
 * Runs CrossGuard policies over resources the offline runtime recorded, building the same argument objects the
 * policy server builds: each resource's inputs for resource policies, outputs (the mocks' answers) for stack
 * policies, both behind the SDK's unknown-value proxy. As in the server, a policy that reads a value unknown
 * during preview is reported as an advisory "can't run during preview" instead of failing the run.
 */
export async function evaluatePolicies(resources: readonly DeclaredResource[], options: EvaluateOptions = {}): Promise<PolicyReport> {
    const started = process.hrtime.bigint();
    const config = options.config ?? {};
    const enabled = (options.policies ?? packPolicies)
        .map((policy) => ({ policy, enforcement: enforcementOf(policy.name, policy.enforcementLevel, config) }))
        .filter((entry): entry is { policy: Policies[number]; enforcement: "advisory" | "mandatory" } => entry.enforcement !== "disabled");
    const byUrn = new Map(resources.map((resource) => [resource.urn, resource]));
    const violations: PolicyViolation[] = [];

    for (const { policy, enforcement } of enabled) {
        const getConfig = <T extends object>() => policyConfig(policy.name, config) as T;
        if ("validateResource" in policy && policy.validateResource) {
            const validations = Array.isArray(policy.validateResource) ? policy.validateResource : [policy.validateResource];
            for (const resource of resources) {
                const report = (message: string) => violations.push(violation(policy, enforcement, message, resource));
                const args = resourceArgs(resource, getConfig);
                for (const validate of validations) {
                    await guarded(policy, resource, violations, () => validate(args, report));
                }
            }
        }
        if ("validateStack" in policy) {
            const report = (message: string, urn?: string) => violations.push(violation(policy, enforcement, message, urn ? byUrn.get(urn) : undefined, urn));
            const args: StackValidationArgs = {
                resources: stackResources(resources),
                stackTags: new Map(),
                getConfig,
                notApplicable: throwNotApplicable,
            };
            await guarded(policy, undefined, violations, () => (policy as StackValidationPolicy).validateStack(args, report));
        }
    }
    return {
        violations,
        policyCount: enabled.length,
        resourceCount: resources.length,
        elapsedMs: Number(process.hrtime.bigint() - started) / 1e6,
    };
}

/**
 * The policy config the offline plan uses: the user's, plus the mock runtime's clock as the reference date for
 * secrets without a start date (the fake time provider starts every rotation at FAKE_NOW), so the plan's verdict
 * does not change with the day it runs.
 */
export function offlinePolicyConfig(userConfig: PolicyPackConfig = {}): PolicyPackConfig {
    const secretPolicy = userConfig["client-secret-expiry"];
    if (typeof secretPolicy === "string") {
        return { ...userConfig, "client-secret-expiry": { enforcementLevel: secretPolicy, referenceDate: FAKE_NOW } };
    }
    return { ...userConfig, "client-secret-expiry": { referenceDate: FAKE_NOW, ...(secretPolicy ?? {}) } };
}

/** Reads a policy config file in the CLI's `--policy-pack-config` format: `{ "<policy>": "<level>" | { ... } }`. */
export function loadPolicyConfig(file: string): PolicyPackConfig {
    const parsed: unknown = JSON.parse(fs.readFileSync(file, "utf8"));
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
        throw new Error(`${file}: a policy config is a JSON object keyed by policy name, e.g. {"client-secret-expiry": {"maxSecretLifetimeDays": 365}}`);
    }
    const known = new Set(packPolicies.map((policy) => policy.name));
    const unknown = Object.keys(parsed).filter((name) => name !== "all" && !known.has(name));
    if (unknown.length > 0) {
        throw new Error(`${file}: no policy named ${unknown.join(", ")} in ${POLICY_PACK_NAME}. Policies: ${[...known].join(", ")}`);
    }
    return parsed as PolicyPackConfig;
}

export function hasMandatoryViolation(report: PolicyReport): boolean {
    return report.violations.some((entry) => entry.enforcement === "mandatory");
}

/** One line per mandatory violation (policy and resource), for stderr, where CI logs show it. */
export function summarizeMandatory(report: PolicyReport): string {
    const lines = report.violations
        .filter((entry) => entry.enforcement === "mandatory")
        .map((entry) => `  ${entry.policy}: ${entry.resourceType ? `${entry.resourceType} ${entry.resourceName}` : entry.urn ?? "stack"}: ${entry.message}`);
    return [`${lines.length} mandatory policy violation(s); \`pulumi preview --policy-pack policies\` would fail too:`, ...lines].join("\n");
}

/** The report as text: one block per violation with the resource, the message and what to do about it. */
export function renderPolicyReport(report: PolicyReport): string {
    const lines = [`Policies: ${POLICY_PACK_NAME} (${report.policyCount} policies over ${report.resourceCount} resources, offline)`];
    if (report.violations.length === 0) {
        lines.push("    no violations");
        return lines.join("\n");
    }
    const ordered = [...report.violations].sort((a, b) => Number(b.enforcement === "mandatory") - Number(a.enforcement === "mandatory"));
    for (const entry of ordered) {
        const where = entry.resourceType ? `${entry.resourceType}  ${entry.resourceName}` : entry.urn ?? "(stack)";
        lines.push(`    [${entry.enforcement}] ${entry.policy}`, `        resource: ${where}`, `        ${entry.message}`);
        if (entry.remediation) {
            lines.push(`        remediation: ${entry.remediation}`);
        }
        if (entry.url) {
            lines.push(`        see: ${entry.url}`);
        }
    }
    const mandatory = report.violations.filter((entry) => entry.enforcement === "mandatory").length;
    lines.push(`Policy violations: ${mandatory} mandatory, ${report.violations.length - mandatory} advisory`);
    return lines.join("\n");
}

function enforcementOf(name: string, own: EnforcementLevel | undefined, config: PolicyPackConfig): EnforcementLevel {
    const configured = config[name] ?? config["all"];
    const level = (typeof configured === "string" ? configured : configured?.enforcementLevel) ?? own ?? PACK_ENFORCEMENT;
    // As in the server: a remediation policy whose violation is still reported counts as mandatory.
    return level === "remediate" ? "mandatory" : level;
}

function policyConfig(name: string, config: PolicyPackConfig): Record<string, unknown> {
    const configured = config[name];
    if (configured === undefined || typeof configured === "string") {
        return {};
    }
    const { enforcementLevel: _level, ...properties } = configured;
    return properties;
}

function violation(
    policy: Policies[number],
    enforcement: "advisory" | "mandatory",
    message: string,
    resource?: DeclaredResource,
    urn?: string,
): PolicyViolation {
    return {
        policy: policy.name,
        enforcement,
        urn: resource?.urn ?? urn,
        resourceType: resource?.type,
        resourceName: resource?.name,
        message,
        remediation: policy.remediationSteps,
        url: policy.url,
    };
}

/** Runs one validation the way the server does: unknown values and notApplicable are outcomes, other errors fail. */
async function guarded(
    policy: Policies[number],
    resource: DeclaredResource | undefined,
    violations: PolicyViolation[],
    run: () => void | Promise<void>,
): Promise<void> {
    try {
        await run();
    } catch (error) {
        if (error instanceof UnknownValueError) {
            violations.push({
                ...violation(policy, "advisory", `can't run policy '${policy.name}' from policy pack '${PACK_LABEL}' during preview: ${(error as Error).message}`, resource),
                remediation: undefined,
            });
        } else if (!(error instanceof NotApplicable)) {
            const where = resource ? ` on ${resource.type} ${resource.name}` : "";
            throw new Error(`policy ${policy.name} failed${where}: ${(error as Error).message}`, { cause: error });
        }
    }
}

function throwNotApplicable(reason?: string): never {
    throw new NotApplicable(reason);
}

function optionsOf(resource: DeclaredResource): PolicyResourceOptions {
    return {
        protect: resource.options.protect,
        ignoreChanges: [...resource.options.ignoreChanges],
        deleteBeforeReplace: resource.options.deleteBeforeReplace,
        aliases: [],
        customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
        additionalSecretOutputs: [...resource.options.additionalSecretOutputs],
        parent: resource.parent,
    };
}

function isTypeOf(type: string, resourceClass: unknown): boolean {
    return (resourceClass as { __pulumiType?: string }).__pulumiType === type;
}

function resourceArgs(resource: DeclaredResource, getConfig: <T extends object>() => T): ResourceValidationArgs {
    const props = unknownCheckingProxy(plainCopy(resource.inputs));
    return {
        type: resource.type,
        props,
        urn: resource.urn,
        name: resource.name,
        opts: optionsOf(resource),
        stackTags: new Map(),
        isType: (resourceClass) => isTypeOf(resource.type, resourceClass),
        asType: ((resourceClass: unknown) => (isTypeOf(resource.type, resourceClass) ? props : undefined)) as ResourceValidationArgs["asType"],
        getConfig,
        notApplicable: throwNotApplicable,
    };
}

/**
 * The stack as stack policies see it after a preview: every resource with its outputs. Offline, the outputs are what
 * the mocks answered (tools/fakeCloud.ts), including the `id`.
 */
function stackResources(resources: readonly DeclaredResource[]): PolicyResource[] {
    const byUrn = new Map<string, PolicyResource>();
    for (const resource of resources) {
        const outputs = resource.custom ? outputsOf(resource) : resource.inputs;
        const props = unknownCheckingProxy(plainCopy(outputs));
        byUrn.set(resource.urn, {
            type: resource.type,
            props,
            urn: resource.urn,
            name: resource.name,
            opts: optionsOf(resource),
            dependencies: [],
            propertyDependencies: {},
            isType: (resourceClass) => isTypeOf(resource.type, resourceClass),
            asType: ((resourceClass: unknown) => (isTypeOf(resource.type, resourceClass) ? props : undefined)) as PolicyResource["asType"],
        });
    }
    for (const resource of resources) {
        const entry = byUrn.get(resource.urn) as { parent?: PolicyResource; dependencies: PolicyResource[] };
        entry.parent = resource.parent ? byUrn.get(resource.parent) : undefined;
        entry.dependencies = resource.dependencies.map((urn) => byUrn.get(urn)).filter((dep): dep is PolicyResource => dep !== undefined);
    }
    return [...byUrn.values()];
}

function outputsOf(resource: DeclaredResource): Record<string, unknown> {
    const { id, state } = fakeState(resource.type, resource.name, resource.inputs);
    return { ...state, id };
}

/**
 * A deep copy made of this realm's objects and arrays. The unknown-value proxy only wraps values that are
 * `instanceof Object`, which fails for objects built in another realm (structuredClone under jest's vm context).
 */
function plainCopy<T>(value: T): T {
    if (Array.isArray(value)) {
        return value.map((item) => plainCopy(item)) as T;
    }
    if (value !== null && typeof value === "object") {
        return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, plainCopy(item)])) as T;
    }
    return value;
}
