/** The types Pulumi.yaml's `config:` block can declare, plus `object` for maps, which it cannot. */
export type KeyType = "string" | "integer" | "boolean" | "array" | "object";

/** Where a key's row goes in the README's configuration reference: one marked table per section. */
export type ReferenceSection = "general" | "batchAccount" | "privateNetworking" | "rbac" | "pools" | "pipeline";

/** What a key's default can be: the value of its declared type. */
export type KeyDefault = string | number | boolean | readonly unknown[] | Readonly<Record<string, unknown>>;

export interface KeyDeclaration<Default extends KeyDefault = KeyDefault> {
    /** The key without the `batch-entra:` namespace. */
    readonly name: string;
    readonly type: KeyType;
    /** The type of an array's entries; `object` keeps the key out of Pulumi.yaml, which cannot type it. */
    readonly items?: Exclude<KeyType, "array">;
    /** The value the readers use when the key is unset; also Pulumi.yaml's `default`. */
    readonly default: Default;
    /** One line for Pulumi.yaml (and `pulumi config`). */
    readonly description: string;
    /** A good value, as `pulumi config set` takes it (JSON for lists and maps). */
    readonly example: string;
    readonly section: ReferenceSection;
    /** The README row, where it says more or says it differently than the fields above. */
    readonly reference: {
        readonly meaning: string;
        /** Defaults to the declared type (`list` for arrays). */
        readonly type?: string;
        /** Defaults to the declared default in backquotes. */
        readonly default?: string;
    };
    /** No key of batch-entra holds a secret: the reader refuses secret values. */
    readonly secret?: never;
}

/** Keeps the default's own type, so a reader can pass `KEY.default` where it expects a boolean or a number. */
export function defineKey<Default extends KeyDefault>(declaration: KeyDeclaration<Default>): KeyDeclaration<Default> {
    return declaration;
}

/** Whether Pulumi.yaml can declare the key: strings, integers, booleans and arrays of those. */
export function typedInProject(key: KeyDeclaration): boolean {
    return key.type !== "object" && !(key.type === "array" && key.items === "object");
}
