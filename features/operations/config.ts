import { SUBSCRIPTION_ID_PREFIX } from "../../azure/limits";
import { ConfigReader } from "../../config/reader";
import { defineKey } from "../../config/keys";
import { TextRule } from "../argRules";

/** What operations teams ask of a production stack: logs in their workspace, and locks on what must not be deleted. */
export interface OperationsSettings {
    /** ARM ID of the Log Analytics workspace that receives the account's and the vault's diagnostic logs. */
    readonly logAnalyticsWorkspaceId: string | undefined;
    /** CanNotDelete locks on the Batch account and the pools' vault. */
    readonly resourceLocks: boolean;
}

export const WORKSPACE_ID_EXAMPLE =
    "/subscriptions/00000000-1111-2222-3333-444444444444/resourceGroups/rg-monitoring/providers/Microsoft.OperationalInsights/workspaces/law-platform";

/** The logAnalyticsWorkspaceId key's rule and LogAnalyticsDiagnostics' workspaceId arg's. */
export const WORKSPACE_ID_RULE: TextRule = {
    // Workspace names: 4 to 63 letters, digits and hyphens, starting and ending with a letter or digit
    // (learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules#microsoftoperationalinsights).
    pattern: new RegExp(
        `^${SUBSCRIPTION_ID_PREFIX}/resourceGroups/[^/]+/providers/Microsoft\\.OperationalInsights/workspaces/[A-Za-z0-9][A-Za-z0-9-]{2,61}[A-Za-z0-9]$`,
        "i",
    ),
    rule: "it must be the resource ID of a Log Analytics workspace (Microsoft.OperationalInsights/workspaces)",
    example: WORKSPACE_ID_EXAMPLE,
};

export function readOperationsSettings(reader: ConfigReader): OperationsSettings {
    const logAnalyticsWorkspaceId = reader.optionalString(LOG_ANALYTICS_WORKSPACE_ID_KEY.name, WORKSPACE_ID_RULE);
    const resourceLocks = reader.boolean(RESOURCE_LOCKS_KEY.name, RESOURCE_LOCKS_KEY.default);
    return { logAnalyticsWorkspaceId, resourceLocks };
}

export const LOG_ANALYTICS_WORKSPACE_ID_KEY = defineKey({
    name: "logAnalyticsWorkspaceId",
    type: "string",
    default: "",
    section: "privateNetworking",
    description: "Resource ID of a Log Analytics workspace for the diagnostic settings of the Batch account (all logs, metrics) and the pools' vault (audit logs). Default (empty) is none.",
    example: "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-ops/providers/Microsoft.OperationalInsights/workspaces/logs",
    reference: { meaning: "Diagnostic settings: the account's logs and metrics, the vault's audit logs.", type: "workspace ID", default: "none" },
});

export const RESOURCE_LOCKS_KEY = defineKey({
    name: "resourceLocks",
    type: "boolean",
    default: false,
    section: "privateNetworking",
    description: "Put CanNotDelete locks on the Batch account and the pools' vault (remove them before pulumi destroy; see docs/private-networking-and-operations.md).",
    example: "true",
    reference: { meaning: "`CanNotDelete` locks on the account and the vault. Remove them before `pulumi destroy`." },
});

/** This feature's configuration keys, in the README's order. Pulumi.yaml and the README's reference are generated from them (npm run generate:config). */
export const OPERATIONS_KEYS = [LOG_ANALYTICS_WORKSPACE_ID_KEY, RESOURCE_LOCKS_KEY];
