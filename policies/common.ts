import type { PolicyConfigSchema, ReportViolation, ResourceValidation, ResourceValidationArgs, StackValidationArgs } from "@pulumi/policy";
import { BUILT_IN_ROLE_GUIDS } from "../azure/roles";

/**
 * Shared helpers for the batch-entra policies. Nothing here imports @pulumi/policy at run time, so the policies load
 * the same way in the pack's server, in the offline plan and in jest.
 */

/** Built-in role definition GUIDs the policies look for (Azure built-in roles page). */
export const OWNER_ROLE_ID = BUILT_IN_ROLE_GUIDS.owner;
export const USER_ACCESS_ADMINISTRATOR_ROLE_ID = BUILT_IN_ROLE_GUIDS.userAccessAdministrator;
export const RBAC_ADMINISTRATOR_ROLE_ID = BUILT_IN_ROLE_GUIDS.roleBasedAccessControlAdministrator;

export const ROLE_NAMES: Readonly<Record<string, string>> = {
    [OWNER_ROLE_ID]: "Owner",
    [USER_ACCESS_ADMINISTRATOR_ROLE_ID]: "User Access Administrator",
    [RBAC_ADMINISTRATOR_ROLE_ID]: "Role Based Access Control Administrator",
};

/**
 * True when `type` is the azure-native resource `module:Type`, including the explicit API-version modules
 * (`azure-native:batch/v20240701:BatchAccount`) someone may pick when adding a resource by hand.
 */
export function isAzureNativeType(type: string, module: string, resource: string): boolean {
    return new RegExp(`^azure-native:${module}(/v[0-9a-z]+)?:${resource}$`).test(type);
}

/**
 * Whether a property was given at all. The policy server hands unknown preview values to policies behind a proxy
 * that throws on read; this check does not read the value, so a value that is set but not yet known counts as set.
 */
export function isSet(props: unknown, key: string): boolean {
    if (props === undefined || props === null || typeof props !== "object") {
        return false;
    }
    // A property descriptor is read from the proxy's target without going through its throwing `get`.
    const descriptor = Object.getOwnPropertyDescriptor(props, key);
    return descriptor !== undefined && descriptor.value !== undefined && descriptor.value !== null;
}

export function asArray<T = unknown>(value: unknown): T[] {
    return Array.isArray(value) ? (value as T[]) : [];
}

export function asObject(value: unknown): Record<string, any> | undefined {
    return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, any>) : undefined;
}

export function equalsIgnoreCase(left: unknown, right: string): boolean {
    return typeof left === "string" && left.toLowerCase() === right.toLowerCase();
}

/**
 * The policy's configuration with the defaults of its schema filled in. The CLI applies schema defaults too, but
 * the offline plan and tests call policies directly, so the defaults live in one place: the schema.
 */
export function configWithDefaults<T extends object>(
    schema: PolicyConfigSchema,
    args: Pick<ResourceValidationArgs | StackValidationArgs, "getConfig">,
): T {
    const defaults: Record<string, unknown> = {};
    for (const [key, property] of Object.entries(schema.properties)) {
        if (typeof property === "object" && property.default !== undefined) {
            defaults[key] = property.default;
        }
    }
    const given = Object.fromEntries(Object.entries(args.getConfig<Record<string, unknown>>() ?? {}).filter(([, value]) => value !== undefined));
    return { ...defaults, ...given } as T;
}

/** Matches an Azure RBAC operation against a permission pattern (`*` is a wildcard), case-insensitively as Azure does. */
export function operationMatches(pattern: string, operation: string): boolean {
    const escaped = pattern
        .split("*")
        .map((part) => part.replace(/[.+?^${}()|[\]\\/]/g, "\\$&"))
        .join(".*");
    return new RegExp(`^${escaped}$`, "i").test(operation);
}

/** True when the actions grant `operation` and no notAction takes it away again. */
export function grants(actions: readonly string[], notActions: readonly string[], operation: string): boolean {
    return (
        actions.some((action) => operationMatches(action, operation)) &&
        !notActions.some((notAction) => operationMatches(notAction, operation))
    );
}

/**
 * Runs `validate` only for resources whose type passes `appliesTo`; props may be missing entirely (a resource
 * declared with no arguments), so validations receive an object in every case.
 */
export function forResources(
    appliesTo: (type: string) => boolean,
    validate: (props: Record<string, any>, args: ResourceValidationArgs, reportViolation: ReportViolation) => void,
): ResourceValidation {
    return (args, reportViolation) => {
        if (appliesTo(args.type)) {
            validate(args.props ?? {}, args, reportViolation);
        }
    };
}

/** The GUID at the end of a role definition ID (`/subscriptions/.../roleDefinitions/<guid>`) or the GUID itself. */
export function roleDefinitionGuid(roleDefinitionId: string): string {
    const last = roleDefinitionId.split("/").filter((part) => part !== "").pop() ?? "";
    return last.toLowerCase();
}
