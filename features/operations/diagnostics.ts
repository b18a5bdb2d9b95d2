import * as monitor from "@pulumi/azure-native/monitor";
import * as pulumi from "@pulumi/pulumi";
import { shown } from "../../config/messages";
import { ArgProblem, listArgProblems, refuseBadArgs, repeatedKeyArgProblems, textArgProblem } from "../argRules";
import { aliasFormerType } from "../typeToken";
import { WORKSPACE_ID_RULE } from "./config";

/**
 * Log category groups: `allLogs` (every category the resource has) or `audit` (an `as const` object, an enum in
 * the component provider's schema). See https://learn.microsoft.com/azure/azure-monitor/essentials/diagnostic-settings#category-groups
 */
export const DiagnosticCategoryGroup = { AllLogs: "allLogs", Audit: "audit" } as const;
export type DiagnosticCategoryGroup = (typeof DiagnosticCategoryGroup)[keyof typeof DiagnosticCategoryGroup];

const CATEGORY_GROUPS: readonly string[] = Object.values(DiagnosticCategoryGroup);
const TARGETS_EXAMPLE = '[{"key": "batch-account", "resourceId": "<account ID>", "categoryGroups": ["allLogs"], "allMetrics": true}]';

export interface DiagnosticTarget {
    /** Required. A short key for the resource, used in the child's name (`batch-account`, `pool-vault`). */
    key: string;
    /** Required. ARM ID of the resource whose logs are sent. */
    resourceId: pulumi.Input<string>;
    /** Required. Log category groups: `allLogs` (every category the resource has) or `audit`. */
    categoryGroups: DiagnosticCategoryGroup[];
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
        super("batch-entra:index:LogAnalyticsDiagnostics", name, {}, aliasFormerType(opts, "batch-entra:operations:LogAnalyticsDiagnostics"));
        refuseBadArgs(this, [
            textArgProblem("workspaceId", args.workspaceId, WORKSPACE_ID_RULE),
            ...repeatedKeyArgProblems("targets", args.targets, TARGETS_EXAMPLE),
            ...args.targets.flatMap((target, index): ArgProblem[] =>
                listArgProblems(`targets[${index}].categoryGroups`, target.categoryGroups, '["allLogs"]', (group) =>
                    CATEGORY_GROUPS.includes(group) ? undefined : `${shown(group)} is not one of ${CATEGORY_GROUPS.join(", ")}`,
                ),
            ),
        ]);
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
