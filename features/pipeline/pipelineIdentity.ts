import * as authorization from "@pulumi/azure-native/authorization";
import * as azuread from "@pulumi/azuread";
import * as pulumi from "@pulumi/pulumi";
import { ownEntry } from "../../config/lookup";
import { stableGuid } from "../../config/naming";
import { BUILT_IN_ROLE_GUIDS, PRIVILEGED_BUILT_IN_ROLES } from "../../azure/roles";
import {
    AZURE_TOKEN_EXCHANGE_AUDIENCE,
    GITHUB_ACTIONS_ISSUER,
    environmentCredentialName,
    environmentSubject,
    pullRequestSubject,
} from "./config";
import { aliasFormerType } from "../typeToken";

/** Built-in Azure roles the pipeline identities hold. Source: "Azure built-in roles" (learn.microsoft.com). */
export const PIPELINE_ROLES = {
    reader: BUILT_IN_ROLE_GUIDS.reader,
    contributor: BUILT_IN_ROLE_GUIDS.contributor,
    roleBasedAccessControlAdministrator: BUILT_IN_ROLE_GUIDS.roleBasedAccessControlAdministrator,
    keyVaultReader: BUILT_IN_ROLE_GUIDS.keyVaultReader,
    keyVaultCertificatesOfficer: BUILT_IN_ROLE_GUIDS.keyVaultCertificatesOfficer,
} as const;

/**
 * Roles that hand out access: a delegate able to assign one of them could grant itself anything. The deploy
 * identity's condition may never list them. The catalog is azure/roles.ts, which validation refuses them from.
 */
export const PRIVILEGE_GRANTING_ROLES: readonly string[] = PRIVILEGED_BUILT_IN_ROLES.map((role) => role.guid);

/** Microsoft Graph's application ID, the same in every tenant. */
export const MICROSOFT_GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000";
/** Reads every app registration and service principal: what a refresh of this stack's Entra resources needs. */
export const GRAPH_APPLICATION_READ_ALL = "Application.Read.All";
/** Creates apps and manages only the apps the identity owns (the Batch client app). */
export const GRAPH_APPLICATION_READWRITE_OWNEDBY = "Application.ReadWrite.OwnedBy";

export interface PipelineIdentityArgs {
    /** Required. The GitHub repository as `owner/name`, exactly as GitHub spells it (subjects match case-sensitively). */
    repository: string;
    /**
     * Required. GitHub environments whose jobs may deploy; one federated credential each on the deploy identity.
     * See https://docs.github.com/actions/reference/security/oidc#filtering-for-a-specific-environment
     */
    deployEnvironments: string[];
    /** Required. Display names start with this, e.g. `batch-entra-dev` gives `batch-entra-dev-pipeline-deploy`. */
    displayNamePrefix: string;
    /**
     * Required. The resource group ID the program deploys into: the preview identity reads it, the deploy
     * identity contributes to it and may assign (only) `assignableRoleDefinitionIds` on it.
     */
    resourceGroupId: pulumi.Input<string>;
    /**
     * Required. Role definitions (GUIDs or full IDs) the program assigns; the deploy identity's Role Based Access
     * Control Administrator assignment carries a condition that lets it assign or remove these and nothing else.
     * The batch-entra program passes what it observed being declared (see AssignedRoles).
     * See https://learn.microsoft.com/azure/role-based-access-control/delegate-role-assignments-examples
     */
    assignableRoleDefinitionIds: pulumi.Input<pulumi.Input<string>[]>;
    /** Optional. Owners of both app registrations by object ID. Default: none (Entra administrators manage them). */
    owners?: string[];
    /** Optional. The OIDC issuer; only GitHub Enterprise Server changes it. Default: `https://token.actions.githubusercontent.com`. */
    issuer?: string;
}

/**
 * The identities a GitHub Actions pipeline signs in with, without any stored secret (workload identity
 * federation). Two app registrations, because roles attach to service principals and not to federated subjects:
 * the preview identity trusts pull-request workflows and can only read; the deploy identity trusts jobs of the
 * named environments and holds what `pulumi up` of this program needs, nothing more.
 */
export class PipelineIdentity extends pulumi.ComponentResource {
    public readonly previewApplication: azuread.Application;
    public readonly deployApplication: azuread.Application;
    public readonly previewClientId: pulumi.Output<string>;
    public readonly deployClientId: pulumi.Output<string>;
    public readonly previewServicePrincipalObjectId: pulumi.Output<string>;
    public readonly deployServicePrincipalObjectId: pulumi.Output<string>;

    constructor(name: string, args: PipelineIdentityArgs, opts?: pulumi.ComponentResourceOptions) {
        // Checked before anything is declared: a privileged role here would let the pipeline grant itself anything.
        if (Array.isArray(args.assignableRoleDefinitionIds)) {
            args.assignableRoleDefinitionIds.filter((id): id is string => typeof id === "string").forEach(assertAssignable);
        }
        super("batch-entra:index:PipelineIdentity", name, {}, aliasFormerType(opts, "batch-entra:pipeline:PipelineIdentity"));

        const conditionRoles = pulumi
            .output(args.assignableRoleDefinitionIds)
            .apply((ids) => [...new Set(ids.map(assertAssignable))].sort());

        const issuer = args.issuer ?? GITHUB_ACTIONS_ISSUER;
        const owners = [...(args.owners ?? [])];
        const graph = azuread.getServicePrincipalOutput({ clientId: MICROSOFT_GRAPH_APP_ID }, { parent: this });
        const graphAppRole = (permission: string) =>
            graph.appRoleIds.apply((ids) => {
                const id = ownEntry(ids, permission);
                if (!id) {
                    throw new pulumi.ResourceError(`Microsoft Graph in this tenant has no application permission "${permission}"`, this);
                }
                return id;
            });

        const preview = this.identity(`${name}-preview`, `${args.displayNamePrefix}-pipeline-preview`, owners);
        new azuread.ApplicationFederatedIdentityCredential(
            `${name}-preview-pull-request`,
            {
                applicationId: preview.application.id,
                displayName: "github-pull-request",
                description: `Workflows run for pull requests in ${args.repository}; read-only roles`,
                issuer,
                audiences: [AZURE_TOKEN_EXCHANGE_AUDIENCE],
                subject: pullRequestSubject(args.repository),
            },
            { parent: this },
        );

        const deploy = this.identity(`${name}-deploy`, `${args.displayNamePrefix}-pipeline-deploy`, owners);
        for (const environment of args.deployEnvironments) {
            const credentialName = environmentCredentialName(environment);
            new azuread.ApplicationFederatedIdentityCredential(
                `${name}-deploy-${credentialName}`,
                {
                    applicationId: deploy.application.id,
                    displayName: credentialName,
                    description: `Jobs of the "${environment}" environment in ${args.repository}`,
                    issuer,
                    audiences: [AZURE_TOKEN_EXCHANGE_AUDIENCE],
                    subject: environmentSubject(args.repository, environment),
                },
                { parent: this },
            );
        }

        const grantGraph = (suffix: string, principal: azuread.ServicePrincipal, permission: string) =>
            new azuread.AppRoleAssignment(
                `${name}-${suffix}`,
                { appRoleId: graphAppRole(permission), principalObjectId: principal.objectId, resourceObjectId: graph.objectId },
                { parent: this },
            );
        grantGraph("preview-graph-read", preview.servicePrincipal, GRAPH_APPLICATION_READ_ALL);
        grantGraph("deploy-graph-read", deploy.servicePrincipal, GRAPH_APPLICATION_READ_ALL);
        grantGraph("deploy-graph-owned-apps", deploy.servicePrincipal, GRAPH_APPLICATION_READWRITE_OWNEDBY);

        this.assignRole(`${name}-preview-reader`, args.resourceGroupId, preview.servicePrincipal, PIPELINE_ROLES.reader);
        this.assignRole(`${name}-deploy-contributor`, args.resourceGroupId, deploy.servicePrincipal, PIPELINE_ROLES.contributor);
        this.assignRole(
            `${name}-deploy-rbac-admin`,
            args.resourceGroupId,
            deploy.servicePrincipal,
            PIPELINE_ROLES.roleBasedAccessControlAdministrator,
            conditionRoles.apply(constrainAssignableRoles),
        );

        this.previewApplication = preview.application;
        this.deployApplication = deploy.application;
        this.previewClientId = preview.application.clientId;
        this.deployClientId = deploy.application.clientId;
        this.previewServicePrincipalObjectId = preview.servicePrincipal.objectId;
        this.deployServicePrincipalObjectId = deploy.servicePrincipal.objectId;

        this.registerOutputs({
            previewClientId: this.previewClientId,
            deployClientId: this.deployClientId,
            previewServicePrincipalObjectId: this.previewServicePrincipalObjectId,
            deployServicePrincipalObjectId: this.deployServicePrincipalObjectId,
        });
    }

    private identity(name: string, displayName: string, owners: string[]) {
        const application = new azuread.Application(
            `${name}-app`,
            { displayName, signInAudience: "AzureADMyOrg", owners },
            { parent: this },
        );
        const servicePrincipal = new azuread.ServicePrincipal(
            `${name}-sp`,
            { clientId: application.clientId, owners },
            { parent: this },
        );
        return { application, servicePrincipal };
    }

    private assignRole(
        name: string,
        scope: pulumi.Input<string>,
        principal: azuread.ServicePrincipal,
        roleGuid: string,
        condition?: pulumi.Input<string>,
    ): authorization.RoleAssignment {
        return new authorization.RoleAssignment(
            name,
            {
                scope,
                principalId: principal.objectId,
                // A principal created moments ago is not yet visible to Azure RBAC without its type.
                principalType: "ServicePrincipal",
                roleDefinitionId: pulumi.output(scope).apply((s) => `${subscriptionOf(s)}/providers/Microsoft.Authorization/roleDefinitions/${roleGuid}`),
                roleAssignmentName: pulumi.all([scope, principal.objectId]).apply(([s, principalId]) => stableGuid(s, principalId, roleGuid)),
                ...(condition === undefined ? {} : { condition, conditionVersion: "2.0" }),
            },
            // Assignment names are GUIDs derived from (scope, principal, role): the new one cannot exist beside the old.
            { parent: this, deleteBeforeReplace: true },
        );
    }
}

/**
 * The ABAC condition of the "Constrain roles" example: writes and deletes of role assignments are allowed only
 * when the assignment's role is one of `roleGuids`. Writes are checked on the request, deletes on the existing
 * assignment, so both halves are needed.
 */
export function constrainAssignableRoles(roleGuids: readonly string[]): string {
    if (roleGuids.length === 0) {
        throw new Error("The deploy identity's condition needs at least one assignable role");
    }
    const list = roleGuids.join(", ");
    return (
        "((!(ActionMatches{'Microsoft.Authorization/roleAssignments/write'})) OR " +
        `(@Request[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {${list}})) AND ` +
        "((!(ActionMatches{'Microsoft.Authorization/roleAssignments/delete'})) OR " +
        `(@Resource[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {${list}}))`
    );
}

/** The GUID of a role the deploy identity may assign; refuses the roles that grant access. */
export function assertAssignable(idOrGuid: string): string {
    const guid = roleDefinitionGuid(idOrGuid);
    if (PRIVILEGE_GRANTING_ROLES.includes(guid)) {
        throw new Error(
            `The deploy identity may not be allowed to assign ${guid}: a role that grants access would let the ` +
                "pipeline give itself any right. Remove it from assignableRoleDefinitionIds.",
        );
    }
    return guid;
}

/** The GUID of a role definition given as a GUID or as a full `.../roleDefinitions/<guid>` ID. */
export function roleDefinitionGuid(idOrGuid: string): string {
    const guid = idOrGuid.split("/").pop() ?? "";
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(guid)) {
        throw new Error(`"${idOrGuid}" is not a role definition ID or GUID`);
    }
    return guid.toLowerCase();
}

/** `/subscriptions/<id>` of an Azure resource ID. */
export function subscriptionOf(resourceId: string): string {
    const match = /^\/subscriptions\/[^/]+/i.exec(resourceId);
    if (!match) {
        throw new Error(`"${resourceId}" is not an Azure resource ID under a subscription`);
    }
    return match[0];
}

