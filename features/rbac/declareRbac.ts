import * as pulumi from "@pulumi/pulumi";
import { BatchRbac, PrincipalType } from "./batchRbac";
import { RbacSettings } from "./config";

/** What only the running program knows of the roles: the account, the subscription and the app's service principal. */
export interface RbacContext {
    readonly batchAccountId: pulumi.Input<string>;
    /** Where the custom Job Submitter role is defined unless jobSubmitterRoleScope is `subscription`. */
    readonly resourceGroupId: pulumi.Input<string>;
    readonly subscriptionId: pulumi.Input<string>;
    readonly appServicePrincipalObjectId: pulumi.Input<string>;
}

/**
 * The stack's roles: the custom Job Submitter role (or the existing one), the app's role on the account and on the
 * extra scopes, and the configured principals' roles, in that order.
 */
export function declareRbac(rbac: RbacSettings, context: RbacContext): BatchRbac {
    const { appRole, roleAssignments, appExtraScopes, jobSubmitterRole, ...configured } = rbac;
    const { create, existingRoleDefinitionGuid } = jobSubmitterRole;
    const app = { principalId: context.appServicePrincipalObjectId, principalType: PrincipalType.ServicePrincipal };
    return new BatchRbac("batch-rbac", {
        ...configured,
        batchAccountId: context.batchAccountId,
        subscriptionId: context.subscriptionId,
        jobSubmitterRole: create
            ? {
                  create: {
                      ...create,
                      assignableScope: create.assignableScope === "subscription" ? pulumi.interpolate`/subscriptions/${context.subscriptionId}` : context.resourceGroupId,
                  },
              }
            : { existingRoleDefinitionGuid },
        grants: [{ key: "app", ...app, role: appRole }, ...roleAssignments, ...appExtraScopes.map((grant) => ({ ...app, ...grant }))],
    });
}
