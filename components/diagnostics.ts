import * as monitor from "@pulumi/azure-native/monitor";
import * as pulumi from "@pulumi/pulumi";

export interface DiagnosticTarget {
    /** Required. A short key for the resource, used in the child's name (`batch-account`, `pool-vault`). */
    key: string;
    /** Required. ARM ID of the resource whose logs are sent. */
    resourceId: pulumi.Input<string>;
    /**
     * Required. Log category groups: `allLogs` (every category the resource has) or `audit`.
     * See https://learn.microsoft.com/azure/azure-monitor/essentials/diagnostic-settings#category-groups
     */
    categoryGroups: string[];
    /** Optional. Also send the platform metrics (`AllMetrics`). Default: false. */
    allMetrics?: boolean;
}

export interface LogAnalyticsDiagnosticsArgs {
    /** Required. ARM ID of the Log Analytics workspace. */
    workspaceId: string;
    /** Required. Name of each diagnostic setting; unique per resource, so it names the stack. */
    settingName: string;
    /** Required. The resources and what each sends. */
    targets: DiagnosticTarget[];
}

/**
 * Diagnostic settings that send resource logs (and metrics) to one Log Analytics workspace. The destination table is
 * left at its default, `AzureDiagnostics`, for every resource, so the queries in docs/private-networking-and-operations.md
 * read one table whatever the resource.
 */
export class LogAnalyticsDiagnostics extends pulumi.ComponentResource {
    public readonly settings: monitor.DiagnosticSetting[];

    constructor(name: string, args: LogAnalyticsDiagnosticsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("batch-entra:operations:LogAnalyticsDiagnostics", name, {}, opts);
        this.settings = args.targets.map(
            (target) =>
                new monitor.DiagnosticSetting(
                    `${name}-${target.key}`,
                    {
                        name: args.settingName,
                        resourceUri: target.resourceId,
                        workspaceId: args.workspaceId,
                        logs: target.categoryGroups.map((categoryGroup) => ({ categoryGroup, enabled: true })),
                        metrics: target.allMetrics ? [{ category: "AllMetrics", enabled: true }] : [],
                    },
                    { parent: this },
                ),
        );
        this.registerOutputs({});
    }
}
