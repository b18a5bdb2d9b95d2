import { SUBSCRIPTION_ID_PREFIX } from "./limits";
import { ConfigReader } from "./reader";

/** What operations teams ask of a production stack: logs in their workspace, and locks on what must not be deleted. */
export interface OperationsSettings {
    /** ARM ID of the Log Analytics workspace that receives the account's and the vault's diagnostic logs. */
    readonly logAnalyticsWorkspaceId: string | undefined;
    /** CanNotDelete locks on the Batch account and the pools' vault. */
    readonly resourceLocks: boolean;
}

const WORKSPACE_ID = new RegExp(
    `^${SUBSCRIPTION_ID_PREFIX}/resourceGroups/[^/]+/providers/Microsoft\\.OperationalInsights/workspaces/[A-Za-z0-9][A-Za-z0-9-]{2,61}[A-Za-z0-9]$`,
    "i",
);

export const WORKSPACE_ID_EXAMPLE =
    "/subscriptions/00000000-1111-2222-3333-444444444444/resourceGroups/rg-monitoring/providers/Microsoft.OperationalInsights/workspaces/law-platform";

export function readOperationsSettings(reader: ConfigReader): OperationsSettings {
    const logAnalyticsWorkspaceId = reader.optionalString("logAnalyticsWorkspaceId", {
        example: WORKSPACE_ID_EXAMPLE,
        pattern: WORKSPACE_ID,
        // Workspace names: 4 to 63 letters, digits and hyphens, starting and ending with a letter or digit
        // (learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules#microsoftoperationalinsights).
        rule: "it must be the resource ID of a Log Analytics workspace (Microsoft.OperationalInsights/workspaces)",
    });
    const resourceLocks = reader.boolean("resourceLocks", false);
    return { logAnalyticsWorkspaceId, resourceLocks };
}
