/**
 * Lookups of user-typed names in tables. A plain `table[name]` also finds what every object inherits
 * (`constructor`, `toString`, `__proto__`), so a value such as `image: constructor` would pass as a table entry
 * and fail later with a message about `undefined` or a function's source. Every table lookup goes through here.
 */
export function ownEntry<T>(table: Readonly<Record<string, T>>, name: string): T | undefined {
    return Object.hasOwn(table, name) ? table[name] : undefined;
}
