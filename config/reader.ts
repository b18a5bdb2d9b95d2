import { ConfigProblem, ConfigValidationError, ConfigWarning } from "./problems";

/** Where raw configuration values come from: Pulumi's config in a real run, a plain map in tests and the plan. */
export interface RawConfig {
    /** The raw string stored for a fully qualified key (`namespace:key`), or undefined when unset. */
    get(fullKey: string): string | undefined;
    /** Every fully qualified key that has a value, so misspelled keys can be reported instead of ignored. */
    keys(): readonly string[];
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isGuid(value: string): boolean {
    return GUID.test(value);
}

export const EXAMPLE_GUID = "00000000-1111-2222-3333-444444444444";

interface ValueOptions {
    /** A good value, shown in the error so the user can copy its shape. */
    readonly example: string;
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

    /** Every warning recorded so far, in the order the sections read their keys. */
    get warnings(): readonly ConfigWarning[] {
        return [...this.recordedWarnings];
    }

    get hasProblems(): boolean {
        return this.problems.length > 0;
    }

    /** The raw string of a key, marking it as known. Empty strings count as unset: `pulumi config set k ""`. */
    private rawValue(key: string): string | undefined {
        this.readKeys.add(this.fullKey(key));
        const value = this.raw.get(this.fullKey(key));
        return value === undefined || value.trim() === "" ? undefined : value.trim();
    }

    isSet(key: string): boolean {
        return this.rawValue(key) !== undefined;
    }

    string(key: string, defaultValue: string, options: ValueOptions & { pattern?: RegExp; rule?: string }): string {
        const value = this.rawValue(key) ?? defaultValue;
        if (options.pattern && !options.pattern.test(value)) {
            this.report(key, `"${value}" is not valid: ${options.rule ?? `it must match ${options.pattern}`}`, options.example);
        }
        return value;
    }

    optionalString(key: string, options: ValueOptions & { pattern?: RegExp; rule?: string }): string | undefined {
        const value = this.rawValue(key);
        if (value !== undefined && options.pattern && !options.pattern.test(value)) {
            this.report(key, `"${value}" is not valid: ${options.rule ?? `it must match ${options.pattern}`}`, options.example);
        }
        return value;
    }

    oneOf<T extends string>(key: string, allowed: readonly T[], defaultValue: T): T {
        const value = this.rawValue(key);
        if (value === undefined) {
            return defaultValue;
        }
        const match = allowed.find((candidate) => candidate.toLowerCase() === value.toLowerCase());
        if (match === undefined) {
            this.report(key, `"${value}" is not one of ${allowed.map((a) => `"${a}"`).join(", ")}`, allowed[0]);
            return defaultValue;
        }
        return match;
    }

    boolean(key: string, defaultValue: boolean): boolean {
        const value = this.rawValue(key);
        if (value === undefined) {
            return defaultValue;
        }
        if (value === "true" || value === "false") {
            return value === "true";
        }
        this.report(key, `"${value}" is not a boolean`, String(!defaultValue));
        return defaultValue;
    }

    integer(key: string, defaultValue: number, range: { min: number; max: number; why?: string }): number {
        const value = this.rawValue(key);
        if (value === undefined) {
            return defaultValue;
        }
        if (!/^-?\d+$/.test(value)) {
            this.report(key, `"${value}" is not a whole number`, String(defaultValue));
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
    json(key: string, example: string): unknown {
        const value = this.rawValue(key);
        if (value === undefined) {
            return undefined;
        }
        try {
            return JSON.parse(value);
        } catch {
            this.report(key, `the value is not a list or object: ${JSON.stringify(value)}`, example);
            return undefined;
        }
    }

    /** A list of strings, each checked by `item`, which returns a problem sentence or undefined when fine. */
    stringList(key: string, options: ValueOptions & { item?: (value: string) => string | undefined }): string[] {
        const value = this.json(key, options.example);
        if (value === undefined) {
            return [];
        }
        if (!Array.isArray(value) || value.some((entry) => typeof entry !== "string")) {
            this.report(key, "the value must be a list of strings", options.example);
            return [];
        }
        const items = value as string[];
        items.forEach((entry, index) => {
            const problem = options.item?.(entry);
            if (problem !== undefined) {
                this.report(`${key}[${index}]`, problem, options.example);
            }
        });
        const duplicates = items.filter((entry, index) => items.indexOf(entry) !== index);
        if (duplicates.length > 0) {
            this.report(key, `lists ${JSON.stringify(duplicates[0])} more than once`, options.example);
        }
        return items;
    }

    /** An object ID, or undefined when unset. */
    optionalGuid(key: string): string | undefined {
        const value = this.optionalString(key, { example: EXAMPLE_GUID });
        if (value !== undefined && !isGuid(value)) {
            this.report(key, `"${value}" is not an object ID (a GUID)`, EXAMPLE_GUID);
            return undefined;
        }
        return value;
    }

    guidList(key: string): string[] {
        return this.stringList(key, {
            example: `["${EXAMPLE_GUID}"]`,
            item: (value) => (isGuid(value) ? undefined : `"${value}" is not an object ID (a GUID)`),
        });
    }

    /** Throws one error with every problem found, including keys in this namespace nothing reads (typos). */
    finish(suggestions: readonly string[] = []): void {
        const prefix = `${this.namespace}:`;
        for (const key of this.raw.keys()) {
            if (key.startsWith(prefix) && !this.readKeys.has(key)) {
                const near = closestKey(key.slice(prefix.length), [...this.readKeys, ...suggestions].map((k) => k.replace(prefix, "")));
                this.report(
                    key,
                    `batch-entra has no such key${near ? `; did you mean "${prefix}${near}"?` : ""}`,
                    near ? `${prefix}${near}` : "see the README's configuration reference",
                );
            }
        }
        if (this.problems.length > 0) {
            throw new ConfigValidationError(this.problems);
        }
    }
}

function closestKey(key: string, candidates: readonly string[]): string | undefined {
    let best: { key: string; distance: number } | undefined;
    for (const candidate of candidates) {
        const distance = editDistance(key.toLowerCase(), candidate.toLowerCase());
        if (distance <= Math.max(2, Math.floor(candidate.length / 4)) && (!best || distance < best.distance)) {
            best = { key: candidate, distance };
        }
    }
    return best?.key;
}

function editDistance(a: string, b: string): number {
    const row = Array.from({ length: b.length + 1 }, (_, i) => i);
    for (let i = 1; i <= a.length; i++) {
        let previousDiagonal = row[0];
        row[0] = i;
        for (let j = 1; j <= b.length; j++) {
            const current = row[j];
            row[j] = Math.min(row[j] + 1, row[j - 1] + 1, previousDiagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
            previousDiagonal = current;
        }
    }
    return row[b.length];
}
