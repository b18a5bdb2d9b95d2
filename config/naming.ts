import { createHash } from "crypto";

/**
 * A GUID that depends only on `parts`: role definition and role assignment names must be GUIDs, and the same
 * configuration must give the same names on every run (a random GUID would replace the resource each time).
 */
export function stableGuid(...parts: readonly string[]): string {
    const hex = createHash("sha256").update(parts.map((part) => part.toLowerCase()).join("\n")).digest("hex");
    // Shaped as a version 5 (name-based) UUID so tools that check the version and variant bits accept it.
    const variant = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** Lowercase hex of the SHA-256 of `seed`, cut to `length` characters. */
export function shortHash(seed: string, length: number): string {
    return createHash("sha256").update(seed).digest("hex").slice(0, length);
}

/**
 * `<project>-<stack>`, the stack's name in names Azure and Entra ID show: the app's default display name, the custom
 * role's suffix and the pool identity's name start with it, so two stacks never share one.
 */
export function stackLabel(stack: { readonly projectName: string; readonly stackName: string }): string {
    return `${stack.projectName}-${stack.stackName}`;
}
