import * as pulumi from "@pulumi/pulumi";
import { CLOUDS, CloudName } from "../azure/clouds";
import { DEFAULT_FAKE_WORLD, FakeWorld, fakeCloudSuffixes, fakeInvoke, fakeState } from "./fakeCloud";
import { ENCRYPTED_PLACEHOLDER } from "./stackConfig";

/** The signature Pulumi uses to mark a secret value in serialized properties. */
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const SIG_KEY = "4dabf18193072939515e22adb298388d";

/** One resource as the program declared it, with the options that decide how Pulumi will create and replace it. */
export interface DeclaredResource {
    readonly urn: string;
    readonly type: string;
    readonly name: string;
    /** False for component resources, which group children and hold no cloud state. */
    readonly custom: boolean;
    readonly parent?: string;
    /** The provider reference (`<provider URN>::<id>`), or the package's default provider URN when none was given. */
    readonly provider?: string;
    /** Inputs with secrets unwrapped (masked in a plan); see secretPaths for which ones were secret. */
    readonly inputs: Record<string, any>;
    /** Dotted paths of inputs that were Pulumi secrets, e.g. `sdkAuth.clientSecret`. */
    readonly secretPaths: readonly string[];
    /** URNs this resource waits for: explicit dependsOn plus every resource whose outputs feed its inputs. */
    readonly dependencies: readonly string[];
    readonly options: {
        readonly deleteBeforeReplace: boolean;
        readonly retainOnDelete: boolean;
        readonly protect: boolean;
        readonly ignoreChanges: readonly string[];
        readonly replaceOnChanges: readonly string[];
        readonly additionalSecretOutputs: readonly string[];
        readonly importId?: string;
    };
}

export interface OfflineRun {
    readonly resources: readonly DeclaredResource[];
    /** Stack outputs with secrets unwrapped; see secretOutputs for which ones are secret. */
    readonly outputs: Record<string, any>;
    readonly secretOutputs: readonly string[];
    readonly invokes: readonly { token: string; inputs: Record<string, any> }[];
    /** What the program logged with `pulumi.log.warn` (configuration warnings among them), in order. */
    readonly warnings: readonly string[];
}

export interface OfflineRunOptions {
    /** Fully qualified config keys to raw values, as `Pulumi.<stack>.yaml` holds them (objects as JSON text). */
    readonly config: Record<string, string>;
    /**
     * Keys whose values were stored encrypted, as the CLI tells the program (PULUMI_CONFIG_SECRET_KEYS). Default: the
     * keys whose value is the placeholder loadStackConfig puts for a `secure:` value it cannot decrypt.
     */
    readonly secretKeys?: readonly string[];
    readonly project?: string;
    readonly stack?: string;
    /** Run as a preview (`pulumi preview`) instead of an update. Default: true. */
    readonly preview?: boolean;
    /** The program; the batch-entra program in index.ts by default. */
    readonly program?: () => Promise<Record<string, unknown>>;
    /** Who deploys, when, and what Graph reports; the fake cloud's defaults when absent. */
    readonly world?: Partial<FakeWorld>;
    /**
     * Serialize the dynamic providers' code into their `__provider` inputs, as a deploy does. Default: true. A plan
     * that shows no input (the text tree without --details) skips it: the serializer's first use costs a tenth of
     * the example plan, and the input is then the placeholder UNSERIALIZED_PROVIDER.
     */
    readonly serializeDynamicProviders?: boolean;
}

/** The `__provider` input of a run that did not serialize the dynamic providers' code (serializeDynamicProviders). */
export const UNSERIALIZED_PROVIDER = "(dynamic provider code, not serialized in this plan)";

/** The program failed; `cause` is what it threw and `resources` what it had declared until then. */
export class OfflineProgramError extends Error {
    constructor(
        public readonly cause: unknown,
        public readonly resources: readonly DeclaredResource[],
    ) {
        super(cause instanceof Error ? cause.message : String(cause));
        this.name = "OfflineProgramError";
    }
}

/**
 * Runs a Pulumi program under Pulumi's mock runtime with no CLI, no credentials and no network, and records every
 * resource it declares (type, name, parent, inputs, dependencies, options) plus its stack outputs. Tests, the
 * offline plan and the benchmark all use this, so they see the same thing `pulumi preview` would be asked to do.
 * One run at a time per process: the Pulumi runtime is process-global.
 */
export async function runOffline(options: OfflineRunOptions): Promise<OfflineRun> {
    const project = options.project ?? "batch-entra";
    const stack = options.stack ?? "dev";
    const invokes: { token: string; inputs: Record<string, any> }[] = [];
    const declared = new Map<string, DeclaredResource>();
    let stackOutputs: { values: Record<string, any>; secret: string[] } = { values: {}, secret: [] };
    const suffixes = fakeCloudSuffixes(cloudOf(options.config));
    const world: FakeWorld = { ...DEFAULT_FAKE_WORLD, ...options.world };

    await pulumi.runtime.setMocks(
        {
            newResource: (args) => fakeState(args.type, args.name, args.inputs, world, suffixes),
            call: (args) => {
                invokes.push({ token: args.token, inputs: args.inputs });
                return fakeInvoke(args.token, args.inputs, world);
            },
        },
        project,
        stack,
        options.preview ?? true,
    );
    const secretKeys = options.secretKeys ?? Object.keys(options.config).filter((key) => options.config[key] === ENCRYPTED_PLACEHOLDER);
    pulumi.runtime.setAllConfig(options.config, [...secretKeys]);

    const monitor = pulumi.runtime.getMonitor() as any;
    const registerResource = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req: any, callback: (err: any, res: any) => void) => {
        registerResource(req, (err: any, response: any) => {
            if (!err) {
                declared.set(response.getUrn(), describeRegistration(req, response.getUrn(), project, stack));
            }
            callback(err, response);
        });
    };
    const registerOutputs = monitor.registerResourceOutputs.bind(monitor);
    monitor.registerResourceOutputs = (req: any, callback: (err: any, res: any) => void) => {
        if (req.getUrn().includes("::pulumi:pulumi:Stack::")) {
            const raw = req.getOutputs()?.toJavaScript() ?? {};
            stackOutputs = {
                values: unwrapSecrets(raw, "", []),
                secret: Object.keys(raw).filter((key) => containsSecret(raw[key])),
            };
        }
        registerOutputs(req, callback);
    };

    const program = options.program ?? (() => (require("../index") as () => Promise<Record<string, unknown>>)());
    // A failing program is caught inside the stack, so Pulumi's own promises settle cleanly instead of surfacing
    // as unhandled rejections that would end the process; the failure is rethrown once the run has settled.
    let failure: { error: unknown } | undefined;
    const warnings: string[] = [];
    const restoreWarnings = captureRuntimeWarnings(warnings);
    const restoreStacks = withoutStackCapture();
    const restoreTracking = withoutUnusedTracking();
    const restoreSession = options.serializeDynamicProviders === false ? withoutProviderSerialization() : serializeWithoutDebugger();
    try {
        await pulumi.runtime.runInPulumiStack(async () => {
            try {
                return await program();
            } catch (error) {
                failure = { error };
                return {};
            }
        });
        // Registrations triggered by outputs resolving after the program returned are awaited here.
        await (require("@pulumi/pulumi/runtime/settings") as { waitForRPCs(): Promise<void> }).waitForRPCs();
    } finally {
        restoreSession();
        restoreTracking();
        restoreStacks();
        restoreWarnings();
    }
    if (failure) {
        throw new OfflineProgramError(failure.error, [...declared.values()]);
    }

    return { resources: [...declared.values()], outputs: stackOutputs.values, secretOutputs: stackOutputs.secret, invokes, warnings };
}

/** The stack's cloud as `batch-entra:cloud` names it; an unknown name is left to the program's validation. */
function cloudOf(config: Record<string, string>): CloudName {
    const value = config["batch-entra:cloud"]?.trim().toLowerCase();
    return value !== undefined && value in CLOUDS ? (value as CloudName) : "public";
}

/**
 * The SDK captures a full, source-mapped stack for every resource (its source position, which the engine shows in
 * diagnostics) and for every promise it tracks; under mocks nothing reads them, and they were 42 % of a large
 * stack's plan. For the run, stacks are not captured: errors keep their message, which is all the plan prints.
 * Returns the function that puts both back.
 */
function withoutStackCapture(): () => void {
    const resourceClass = pulumi.Resource as unknown as { callsites: () => unknown[] };
    const callsites = resourceClass.callsites;
    const limit = Error.stackTraceLimit;
    resourceClass.callsites = () => [];
    Error.stackTraceLimit = 0;
    return () => {
        resourceClass.callsites = callsites;
        Error.stackTraceLimit = limit;
    };
}

/**
 * Two more things the SDK does for every resource that nothing reads under mocks, measured as about half the CPU
 * and a third of the peak memory of a large stack's run (`npm run bench`); the plan is byte-for-byte the same:
 *
 * - Provider alias lists. azure-native declares each resource's older API-version types as aliases (nine for a
 *   RoleAssignment), and the Resource constructor turns each into an Output of its URN (`collapseAliasToUrn`),
 *   several Outputs and a dozen promises per alias. Those URNs are read only when the monitor cannot take alias
 *   specs (`allAliases` in runtime/resource.js), and the mock monitor can (`supportsAliasSpecs`). The list is
 *   still sent with the registration, as before: the constructor's pass over it sees nothing, the registration's
 *   pass sees every alias. Only merges whose options are nothing but `aliases` (the generated SDKs'
 *   `mergeOptions(opts, aliasOpts)`, one fresh object per resource) are changed.
 * - Promise-leak tracking. `debuggablePromise` tags every SDK promise with a debug string and keeps it in a set
 *   until it settles, to report leaks at process exit; the offline run awaits everything it starts.
 * - Outputs of properties nobody reads. `transferProperties` gives a new resource one Output (four promises and
 *   the Output's own chain) per input and output property, about twenty for a RoleAssignment, though the program
 *   reads a few. Here each property's Output is made when first read, and resolved with what the registration
 *   returned, so a program sees the same values (lazyTransferProperties).
 *
 * Returns the function that puts all three back.
 */
function withoutUnusedTracking(): () => void {
    // The package object itself, which the generated SDKs call `mergeOptions` on.
    const sdk = require("@pulumi/pulumi") as { mergeOptions: (a: unknown, b: unknown) => Record<string, unknown> };
    const debuggable = require("@pulumi/pulumi/runtime/debuggable") as { debuggablePromise: (p: Promise<unknown>, ctx: unknown) => Promise<unknown> };
    const state = require("@pulumi/pulumi/runtime/state") as { getStore(): { supportsAliasSpecs?: boolean } };
    const mergeOptions = sdk.mergeOptions;
    const debuggablePromise = debuggable.debuggablePromise;
    if (state.getStore().supportsAliasSpecs) {
        sdk.mergeOptions = (opts, extra) => {
            const merged = mergeOptions(opts, extra);
            const onlyAliases = extra !== null && typeof extra === "object" && Object.keys(extra).join() === "aliases";
            if (onlyAliases && Array.isArray(merged.aliases) && merged.aliases.length > 0) {
                merged.aliases = aliasesForRegistrationOnly(merged.aliases);
            }
            return merged;
        };
    }
    debuggable.debuggablePromise = (promise) => promise;
    const rpc = require("@pulumi/pulumi/runtime/rpc") as { transferProperties: TransferProperties };
    const transferProperties = rpc.transferProperties;
    rpc.transferProperties = lazyTransferProperties;
    return () => {
        sdk.mergeOptions = mergeOptions;
        debuggable.debuggablePromise = debuggablePromise;
        rpc.transferProperties = transferProperties;
    };
}

/**
 * A dynamic resource's provider is serialized into its `__provider` input by the SDK's closure serializer, which
 * reads each function's captured variables through an inspector session. The SDK opens that session with
 * `Debugger.enable`, only to map script IDs to file names for its error messages; enabling the debugger makes V8
 * report (and hash) every script already loaded, about 1,000 here: 250-400 ms, a third of what the example plan
 * costs beyond a bare program. The SDK adds its listener only after the enable returns, so those scripts never
 * reach its map anyway. For the run, the serializer gets a session without the debugger: the same `Runtime` calls
 * read the same closures, so `__provider` is byte-for-byte the same text (compared by `npm run plan:compare`);
 * only a serialization error would lack a file name. A real `pulumi up` never runs this code.
 * Returns the function that puts the SDK's own session back.
 */
function serializeWithoutDebugger(): () => void {
    const hooks = require("@pulumi/pulumi/runtime/closure/v8Hooks") as { getSessionAsync(): Promise<import("inspector").Session> };
    const getSessionAsync = hooks.getSessionAsync;
    hooks.getSessionAsync = () => (sessionWithoutDebugger ??= connectInspectorSession());
    return () => {
        hooks.getSessionAsync = getSessionAsync;
    };
}

/** The SDK's dynamic resources get UNSERIALIZED_PROVIDER as their code. Returns the function that puts it back. */
function withoutProviderSerialization(): () => void {
    const closures = require("@pulumi/pulumi/runtime/closure/serializeClosure") as { serializeFunction: (...args: unknown[]) => Promise<unknown> };
    const serializeFunction = closures.serializeFunction;
    closures.serializeFunction = async () => ({ text: UNSERIALIZED_PROVIDER, containsSecrets: false });
    // The SDK keeps each provider object's code once serialized (its cacheDynamicProviders option, on by default) and
    // would hand an earlier run's code to this one without asking the serializer.
    const { options } = (require("@pulumi/pulumi/runtime/state") as { getStore(): { settings: { options: { cacheDynamicProviders?: boolean } } } }).getStore().settings;
    const cache = options.cacheDynamicProviders;
    options.cacheDynamicProviders = false;
    return () => {
        closures.serializeFunction = serializeFunction;
        options.cacheDynamicProviders = cache;
    };
}

/** One per process, as the SDK keeps one: its serializer caches the execution context it found through the first. */
let sessionWithoutDebugger: Promise<import("inspector").Session> | undefined;

async function connectInspectorSession(): Promise<import("inspector").Session> {
    const inspector = require("inspector") as typeof import("inspector");
    const session = new inspector.Session();
    session.connect();
    return session;
}

type Resolver = (value: unknown, isKnown: boolean, isSecret: boolean, deps?: unknown[], err?: unknown) => void;
type TransferProperties = (onto: Record<string, unknown>, label: string, props: Record<string, unknown>) => Record<string, Resolver>;

/**
 * `transferProperties` of @pulumi/pulumi runtime/rpc.js, except that each property's Output is created on first
 * read. The resolver the registration calls keeps the result until then, or settles the Output if it exists; a
 * gRPC error is skipped, as the SDK does, and any other error rejects the Output.
 */
const lazyTransferProperties: TransferProperties = (onto, label, props) => {
    const { Output } = require("@pulumi/pulumi/output") as { Output: new (...args: unknown[]) => unknown };
    const { isGrpcError } = require("@pulumi/pulumi/errors") as { isGrpcError(err: unknown): boolean };
    const resolvers: Record<string, Resolver> = {};
    for (const key of Object.keys(props)) {
        if (key === "id" || key === "urn") {
            continue;
        }
        if (Object.prototype.hasOwnProperty.call(onto, key)) {
            throw new Error(`Property '${key}' is already initialized on target '${label}`);
        }
        let settled: Parameters<Resolver> | undefined;
        let settle: Resolver | undefined;
        resolvers[key] = (...args) => {
            if (settle) settle(...args);
            else settled = args;
        };
        const create = (): unknown => {
            const handles: { resolve(v: unknown): void; reject(e: unknown): void }[] = [];
            const promise = () => new Promise((resolve, reject) => handles.push({ resolve, reject }));
            const output = new Output(onto, promise(), promise(), promise(), promise());
            settle = (value, isKnown, isSecret, deps = [], err) => {
                if (err) {
                    if (!isGrpcError(err)) handles.forEach((handle) => handle.reject(err));
                    return;
                }
                [value, isKnown, isSecret, deps].forEach((result, index) => handles[index].resolve(result));
            };
            if (settled) settle(...settled);
            return output;
        };
        Object.defineProperty(onto, key, {
            configurable: true,
            enumerable: true,
            get() {
                const output = create();
                Object.defineProperty(onto, key, { configurable: true, enumerable: true, writable: true, value: output });
                return output;
            },
            set(value) {
                Object.defineProperty(onto, key, { configurable: true, enumerable: true, writable: true, value });
            },
        });
    }
    return resolvers;
};

/** Iterates as empty the first time (the Resource constructor's URN pass), then as `aliases` (the registration). */
function aliasesForRegistrationOnly(aliases: readonly unknown[]): Iterable<unknown> {
    let constructorPass = true;
    return {
        [Symbol.iterator]() {
            if (constructorPass) {
                constructorPass = false;
                return [][Symbol.iterator]();
            }
            return aliases[Symbol.iterator]();
        },
    };
}

/** Prefix the SDK puts on `pulumi.log.warn` messages when no engine is attached, as under mocks. */
const RUNTIME_WARNING = "warning: [runtime] ";

/**
 * Under mocks there is no engine to receive `pulumi.log.warn`, so the SDK writes the message to `console.warn`.
 * The run collects those messages instead, for the plan to print, render and count; anything else passes through.
 * Returns the function that puts `console.warn` back.
 */
function captureRuntimeWarnings(into: string[]): () => void {
    const original = console.warn;
    console.warn = (...args: unknown[]) => {
        const text = args.map(String).join(" ");
        if (text.startsWith(RUNTIME_WARNING)) {
            into.push(text.slice(RUNTIME_WARNING.length));
        } else {
            original(...args);
        }
    };
    return () => {
        console.warn = original;
    };
}

function describeRegistration(req: any, urn: string, project: string, stack: string): DeclaredResource {
    const raw = req.getObject()?.toJavaScript() ?? {};
    const secretPaths: string[] = [];
    const inputs = unwrapSecrets(raw, "", secretPaths);
    const dependencies = new Set<string>(req.getDependenciesList());
    req.getPropertydependenciesMap().forEach((deps: any) => deps.getUrnsList().forEach((dep: string) => dependencies.add(dep)));
    return {
        urn,
        type: req.getType(),
        name: req.getName(),
        custom: req.getCustom(),
        parent: req.getParent() || undefined,
        provider: req.getCustom() ? req.getProvider() || defaultProvider(req.getType(), project, stack) : undefined,
        inputs,
        secretPaths,
        dependencies: [...dependencies],
        options: {
            deleteBeforeReplace: req.getDeletebeforereplace(),
            retainOnDelete: req.getRetainondelete() ?? false,
            protect: req.getProtect() ?? false,
            ignoreChanges: req.getIgnorechangesList(),
            replaceOnChanges: req.getReplaceonchangesList(),
            additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
            importId: req.getImportid() || undefined,
        },
    };
}

/** The URN of the default provider Pulumi would use for a resource type's package. */
function defaultProvider(type: string, project: string, stack: string): string {
    return `urn:pulumi:${stack}::${project}::pulumi:providers:${type.split(":")[0]}::default`;
}

function isSecretWrapper(value: any): boolean {
    return value !== null && typeof value === "object" && value[SIG_KEY] === SECRET_SIG;
}

function containsSecret(value: any): boolean {
    if (isSecretWrapper(value)) {
        return true;
    }
    if (value !== null && typeof value === "object") {
        return Object.values(value).some(containsSecret);
    }
    return false;
}

/** Replaces secret wrappers with their values, noting the dotted path of each secret. */
function unwrapSecrets(value: any, path: string, secretPaths: string[]): any {
    if (isSecretWrapper(value)) {
        secretPaths.push(path);
        return unwrapSecrets(value.value, path, []);
    }
    if (Array.isArray(value)) {
        return value.map((item, index) => unwrapSecrets(item, `${path}[${index}]`, secretPaths));
    }
    if (value !== null && typeof value === "object") {
        return Object.fromEntries(
            Object.entries(value).map(([key, item]) => [key, unwrapSecrets(item, path ? `${path}.${key}` : key, secretPaths)]),
        );
    }
    return value;
}

/** Finds one declared resource by type token and logical name, failing with the list of what exists. */
export function findResource(run: OfflineRun, type: string, name: string): DeclaredResource {
    const found = run.resources.find((resource) => resource.type === type && resource.name === name);
    if (!found) {
        const known = run.resources.map((resource) => `${resource.type} ${resource.name}`).join("\n  ");
        throw new Error(`No ${type} named "${name}" was declared. Declared:\n  ${known}`);
    }
    return found;
}

export function resourcesOfType(run: OfflineRun, type: string): DeclaredResource[] {
    return run.resources.filter((resource) => resource.type === type);
}
