import { printable, redact, shown } from "./messages";
import { closest } from "./suggest";
import { ConfigProblem, ConfigValidationError, ConfigWarning } from "./problems";
import { SET_AS_SECRET_FIX, credentialShape, isCredentialKeyName } from "./secrets";

/** Where raw configuration values come from: Pulumi's config in a real run, a plain map in tests and the plan. */
export interface RawConfig {
    /** The raw string stored for a fully qualified key (`namespace:key`), or undefined when unset. */
    get(fullKey: string): string | undefined;
    /** Every fully qualified key that has a value, so misspelled keys can be reported instead of ignored. */
    keys(): readonly string[];
    /**
     * True when the key's value was stored encrypted (`pulumi config set --secret`, a `secure:` value in the stack
     * file). The CLI decrypts such values before the program runs, so `get` returns the secret itself.
     */
    isSecret?(fullKey: string): boolean;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isGuid(value: string): boolean {
    return GUID.test(value);
}

export const NIL_GUID = "00000000-0000-0000-0000-000000000000";

export const EXAMPLE_GUID = "00000000-1111-2222-3333-444444444444";

interface ValueOptions {
    /** A good value, shown in the error so the user can copy its shape. */
    readonly example: string;
}

/** A documented maximum number of entries in a list, with where it comes from. */
export interface CountLimit {
    readonly max: number;
    /** Who enforces it, for the message: "Entra ID allows at most 256 redirect URIs per app". */
    readonly why: string;
}

/**
 * Reads the keys of one namespace and records every problem instead of stopping at the first. Sections of the
 * settings (the app, the Batch account, pools, ...) each read their own keys through one reader; `finish()` then
 * throws one error listing all problems, before the program declares any resource.
 */
export class ConfigReader {
    private readonly problems: ConfigProblem[] = [];
    private readonly recordedWarnings: ConfigWarning[] = [];
    private readonly readKeys = new Set<string>();
    private readonly refusedSecrets = new Set<string>();

    constructor(
        private readonly raw: RawConfig,
        public readonly namespace: string,
    ) {}

    fullKey(key: string): string {
        return `${this.namespace}:${key}`;
    }

    /** Records a problem with a key; sections call this for rules that span several keys. */
    report(key: string, problem: string, example: string): void {
        this.problems.push({ key: key.includes(":") ? key : this.fullKey(key), problem, example });
    }

    /** Records a value that is accepted but probably wrong; it never stops the run. */
    warn(key: string, warning: string, fix: string): void {
        this.recordedWarnings.push({ key: key.includes(":") ? key : this.fullKey(key), warning, fix });
    }

    /** Every warning recorded so far, in the order the sections read their keys; secret values never appear in them. */
    get warnings(): readonly ConfigWarning[] {
        const secrets = this.secretValues();
        return this.recordedWarnings.map((w) => ({
            key: printable(redact(w.key, secrets)),
            warning: printable(redact(w.warning, secrets)),
            fix: printable(redact(w.fix, secrets)),
        }));
    }

    /** The values of every secret key, in any namespace: no message may contain them. */
    private secretValues(): string[] {
        return this.raw.keys().flatMap((key) => {
            const value = this.raw.isSecret?.(key) ? this.raw.get(key) : undefined;
            return value === undefined ? [] : [value];
        });
    }

    /**
     * Credentials typed in plain text: a provider key whose name says it holds one but that is not stored as a secret,
     * and, in any key (tags and descriptions included), a value shaped like a credential. The value is never shown.
     */
    private warnAboutPlainTextCredentials(): void {
        for (const key of this.raw.keys()) {
            const value = this.raw.get(key);
            if (value === undefined || value.trim() === "" || this.raw.isSecret?.(key)) {
                continue;
            }
            const shape = credentialShape(value);
            if (shape !== undefined) {
                this.warn(key, `holds what looks like ${shape}, in plain text in the stack file, state and CI logs`, SET_AS_SECRET_FIX);
            } else if (!key.startsWith(`${this.namespace}:`) && isCredentialKeyName(key)) {
                this.warn(key, "names a credential but is stored in plain text (not set with --secret)", SET_AS_SECRET_FIX);
            }
        }
    }

    get hasProblems(): boolean {
        return this.problems.length > 0;
    }

    /**
     * The raw string of a key, marking it as known. Empty strings count as unset: `pulumi config set k ""`. A secret
     * value is refused without being read further, so no rule can echo it.
     */
    private rawValue(key: string): string | undefined {
        const fullKey = this.fullKey(key);
        this.readKeys.add(fullKey);
        const value = this.raw.get(fullKey);
        if (value !== undefined && this.raw.isSecret?.(fullKey)) {
            if (!this.refusedSecrets.has(fullKey)) {
                this.refusedSecrets.add(fullKey);
                this.report(
                    key,
                    "holds a secret value (set with `pulumi config set --secret`, a `secure:` value in the stack file), but no " +
                        "batch-entra key holds a secret; the value is not shown. Store it in plain text if it is not secret, " +
                        `or keep it out of the configuration: \`pulumi config rm ${fullKey}\` and \`pulumi config set ${fullKey} <value>\``,
                    "the value, set without --secret",
                );
            }
            return undefined;
        }
        return value === undefined || value.trim() === "" ? undefined : value.trim();
    }

    /**
     * A single value. Pulumi hands a list or map in the stack file to the program as JSON text, which a text rule such as
     * "1 to 120 characters" would otherwise accept: `appDisplayName: [a, b]` is not a name.
     */
    private scalarValue(key: string): string | undefined {
        const value = this.rawValue(key);
        if (value !== undefined && /^[[{]/.test(value)) {
            try {
                const parsed: unknown = JSON.parse(value);
                if (typeof parsed === "object" && parsed !== null) {
                    this.report(key, `must be a single value, not a ${Array.isArray(parsed) ? "list" : "map"}`, this.exampleFor(key));
                    return undefined;
                }
            } catch {
                // Not JSON: an ordinary value that happens to start with a bracket; the key's own rule judges it.
            }
        }
        return value;
    }

    private readonly examples = new Map<string, string>();

    private exampleFor(key: string): string {
        return this.examples.get(key) ?? "a single text value";
    }

    isSet(key: string): boolean {
        return this.rawValue(key) !== undefined;
    }

    string(key: string, defaultValue: string, options: ValueOptions & { pattern?: RegExp; rule?: string }): string {
        this.examples.set(key, options.example);
        const value = this.scalarValue(key) ?? defaultValue;
        if (options.pattern && !options.pattern.test(value)) {
            this.report(key, `${shown(value)} is not valid: ${options.rule ?? `it must match ${options.pattern}`}`, options.example);
        }
        return value;
    }

    optionalString(key: string, options: ValueOptions & { pattern?: RegExp; rule?: string }): string | undefined {
        this.examples.set(key, options.example);
        const value = this.scalarValue(key);
        if (value !== undefined && options.pattern && !options.pattern.test(value)) {
            this.report(key, `${shown(value)} is not valid: ${options.rule ?? `it must match ${options.pattern}`}`, options.example);
        }
        return value;
    }

    oneOf<T extends string>(key: string, allowed: readonly T[], defaultValue: T): T {
        this.examples.set(key, allowed[0]);
        const value = this.scalarValue(key);
        if (value === undefined) {
            return defaultValue;
        }
        const match = allowed.find((candidate) => candidate.toLowerCase() === value.toLowerCase());
        if (match === undefined) {
            this.report(key, `${shown(value)} is not one of ${allowed.map((a) => `"${a}"`).join(", ")}`, allowed[0]);
            return defaultValue;
        }
        return match;
    }

    boolean(key: string, defaultValue: boolean): boolean {
        this.examples.set(key, String(!defaultValue));
        const value = this.scalarValue(key);
        if (value === undefined) {
            return defaultValue;
        }
        if (value === "true" || value === "false") {
            return value === "true";
        }
        this.report(key, `${shown(value)} is not a boolean`, String(!defaultValue));
        return defaultValue;
    }

    integer(key: string, defaultValue: number, range: { min: number; max: number; why?: string }): number {
        this.examples.set(key, String(defaultValue));
        const value = this.scalarValue(key);
        if (value === undefined) {
            return defaultValue;
        }
        if (!/^-?\d+$/.test(value)) {
            this.report(key, `${shown(value)} is not a whole number`, String(defaultValue));
            return defaultValue;
        }
        const parsed = Number(value);
        if (parsed < range.min || parsed > range.max) {
            const why = range.why ? ` (${range.why})` : "";
            this.report(key, `${parsed} is outside ${range.min}..${range.max}${why}`, String(defaultValue));
            return defaultValue;
        }
        return parsed;
    }

    /**
     * A JSON value: structured keys are set in the stack file as YAML (Pulumi stores them as JSON) or with
     * `pulumi config set --path`. Returns undefined when unset or unparseable (the latter is reported).
     */
    /**
     * A key that takes either one word or a structure (`privateDnsZones: create`, or a map): the word as text, or the
     * parsed list or map. Undefined when unset.
     */
    wordOrStructure(key: string): { readonly word: string } | { readonly structure: unknown } | undefined {
        const value = this.rawValue(key);
        if (value === undefined) {
            return undefined;
        }
        if (/^[[{]/.test(value)) {
            try {
                return { structure: JSON.parse(value) };
            } catch {
                // Not JSON: a word that happens to start with a bracket; the key's own rule judges it.
            }
        }
        return { word: value };
    }

    json(key: string, example: string): unknown {
        const value = this.rawValue(key);
        if (value === undefined) {
            return undefined;
        }
        try {
            return JSON.parse(value);
        } catch {
            this.report(key, `the value is not a list or object: ${shown(value)}`, example);
            return undefined;
        }
    }

    /**
     * A list of strings, each checked by `item`, which returns a problem sentence or undefined when fine. `normalize`
     * gives the form entries are compared and returned in (GUIDs in lower case); `limit` is the most entries Azure takes.
     */
    stringList(
        key: string,
        options: ValueOptions & { item?: (value: string) => string | undefined; normalize?: (value: string) => string; limit?: CountLimit },
    ): string[] {
        const value = this.json(key, options.example);
        if (value === undefined) {
            return [];
        }
        if (!Array.isArray(value) || value.some((entry) => typeof entry !== "string")) {
            this.report(key, "the value must be a list of strings", options.example);
            return [];
        }
        (value as string[]).forEach((entry, index) => {
            const problem = options.item?.(entry);
            if (problem !== undefined) {
                this.report(`${key}[${index}]`, problem, options.example);
            }
        });
        const items = (value as string[]).map(options.normalize ?? ((entry) => entry));
        const duplicates = items.filter((entry, index) => items.indexOf(entry) !== index);
        if (duplicates.length > 0) {
            this.report(key, `lists ${shown(duplicates[0])} more than once`, options.example);
        }
        if (options.limit !== undefined && items.length > options.limit.max) {
            this.report(key, `lists ${items.length} entries; ${options.limit.why}`, options.example);
        }
        return items;
    }

    /** An object ID, or undefined when unset; in lower case, as guidList hands them on. The nil GUID gets a warning. */
    optionalGuid(key: string): string | undefined {
        const value = this.optionalString(key, { example: EXAMPLE_GUID });
        if (value !== undefined && !isGuid(value)) {
            this.report(key, `${shown(value)} is not an object ID (a GUID)`, EXAMPLE_GUID);
            return undefined;
        }
        if (value !== undefined) {
            this.warnIfNilGuid(key, value.toLowerCase());
        }
        return value?.toLowerCase();
    }

    /**
     * Object IDs: compared without case, as Entra ID compares them, and handed on in lower case. Each must be a GUID,
     * and the nil GUID gets a warning (see warnIfNilGuid).
     */
    guidList(key: string, limit?: CountLimit): string[] {
        const ids = this.stringList(key, {
            example: `["${EXAMPLE_GUID}"]`,
            item: (value) => (isGuid(value) ? undefined : `${shown(value)} is not an object ID (a GUID)`),
            normalize: (value) => value.toLowerCase(),
            limit,
        });
        ids.forEach((id, index) => this.warnIfNilGuid(`${key}[${index}]`, id));
        return ids;
    }

    /**
     * The nil GUID is a valid GUID but no principal's object ID: it is what a template or an unset variable leaves
     * behind, and Azure answers it with PrincipalNotFound only at deploy time.
     */
    warnIfNilGuid(key: string, objectId: string): void {
        if (objectId === NIL_GUID) {
            this.warn(key, `${NIL_GUID} (the nil GUID) is no principal's object ID`, "use the object ID shown by `az ad user show`, `az ad group show` or `az ad sp show`");
        }
    }

    /** Throws one error with every problem found, including keys in this namespace nothing reads (typos). */
    finish(suggestions: readonly string[] = []): void {
        this.warnAboutPlainTextCredentials();
        const prefix = `${this.namespace}:`;
        for (const key of this.raw.keys()) {
            if (key.startsWith(prefix) && !this.readKeys.has(key)) {
                const near = closest(key.slice(prefix.length), [...this.readKeys, ...suggestions].map((k) => k.replace(prefix, "")));
                this.report(
                    key,
                    `batch-entra has no such key${near ? `; did you mean "${prefix}${near}"?` : ""}`,
                    near ? `${prefix}${near}` : "see the README's configuration reference",
                );
            }
        }
        if (this.problems.length > 0) {
            const secrets = this.secretValues();
            throw new ConfigValidationError(
                this.problems.map((p) => ({ key: redact(p.key, secrets), problem: redact(p.problem, secrets), example: redact(p.example, secrets) })),
            );
        }
    }
}
