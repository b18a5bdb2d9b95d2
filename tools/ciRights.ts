import { GRAPH_APPLICATION_READWRITE_OWNEDBY, GRAPH_APPLICATION_READ_ALL, PIPELINE_ROLES, roleDefinitionGuid } from "../components/pipelineIdentity";
import { FAKE_GRAPH_APP_ROLE_IDS } from "./fakeCloud";
import { DeclaredResource, OfflineRun } from "./offlineRuntime";

/**
 * What the pipeline's identities must be able to do for the stack they run, derived from an offline run: every
 * resource the program declares and every resource it reads, with the scope it lives at and the right a refresh (the
 * preview identity) or an update (the deploy identity) needs there, matched against the grants the same run declares
 * for those identities. Nothing here lists the stack's resources: a new feature's resources show up by being declared.
 */

export type PipelineIdentityKind = "preview" | "deploy";

/** The kinds of right the table distinguishes; each maps to the roles and Graph permissions that give it. */
export type Right = "arm-read" | "arm-write" | "rbac-write" | "vault-data-read" | "vault-data-write" | "graph-read" | "graph-write-owned" | "graph-consent-read";

export interface RightRow {
    readonly identity: PipelineIdentityKind;
    /** `type name` of the declared resource, or `invoke token` of a read. */
    readonly resource: string;
    readonly scope: string;
    readonly right: Right;
    /** For `rbac-write`: the role the assignment assigns, which the RBAC Administrator condition must list. */
    readonly role?: string;
    /** The grant that gives the right, or undefined when none does (a gap). */
    readonly grantedBy?: string;
}

/**
 * Rights each Azure role gives (Azure built-in roles: Reader and Key Vault Reader read; Contributor writes everything
 * but Microsoft.Authorization; RBAC Administrator writes role assignments, within its condition; Key Vault
 * Certificates Officer manages certificates).
 */
const ROLE_RIGHTS: Record<string, readonly Right[]> = {
    [PIPELINE_ROLES.reader]: ["arm-read"],
    [PIPELINE_ROLES.contributor]: ["arm-read", "arm-write"],
    [PIPELINE_ROLES.roleBasedAccessControlAdministrator]: ["arm-read", "rbac-write"],
    [PIPELINE_ROLES.keyVaultReader]: ["arm-read", "vault-data-read"],
    [PIPELINE_ROLES.keyVaultCertificatesOfficer]: ["arm-read", "vault-data-read", "vault-data-write"],
};
/** Rights each Graph application permission gives; none of them reads delegated permission grants. */
const GRAPH_RIGHTS: Record<string, readonly Right[]> = {
    [GRAPH_APPLICATION_READ_ALL]: ["graph-read"],
    [GRAPH_APPLICATION_READWRITE_OWNEDBY]: ["graph-write-owned"],
};
const GRAPH_SCOPE = "Microsoft Graph";

interface Grant {
    readonly name: string;
    readonly scope: string;
    readonly rights: readonly Right[];
    /** Roles an RBAC Administrator grant may assign (parsed from its condition); undefined when unconstrained. */
    readonly assignable?: readonly string[];
}

/** Resources a CI run never changes: the pipeline's own identities and rights, which only the bootstrap gives. */
function isBootstrapOnly(resource: DeclaredResource): boolean {
    return resource.parent?.includes("batch-entra:pipeline:PipelineIdentity") === true;
}

export function deriveCiRights(run: OfflineRun): RightRow[] {
    const principal = (suffix: string) => {
        const found = run.resources.find((r) => r.type === "azuread:index/servicePrincipal:ServicePrincipal" && r.name.endsWith(`-${suffix}-sp`) && isBootstrapOnly(r));
        if (!found) {
            throw new Error(`The run declares no pipeline ${suffix} identity; turn pipelineIdentity on`);
        }
        return found;
    };
    const identities: Record<PipelineIdentityKind, DeclaredResource> = { preview: principal("preview"), deploy: principal("deploy") };
    const grants = { preview: grantsOf(run, identities.preview), deploy: grantsOf(run, identities.deploy) };
    const subscription = `/subscriptions/${run.outputs.subscriptionId}`;

    const rows: RightRow[] = [];
    const need = (identity: PipelineIdentityKind, resource: string, scope: string, right: Right, role?: string) => {
        const grant = grants[identity].find(
            (candidate) =>
                candidate.rights.includes(right) &&
                within(scope, candidate.scope) &&
                (role === undefined || candidate.assignable === undefined || candidate.assignable.includes(role)),
        );
        rows.push({ identity, resource, scope, right, role, grantedBy: grant?.name });
    };

    for (const resource of run.resources) {
        if (!resource.custom || isBootstrapOnly(resource) || resource.type.startsWith("pulumi:providers:") || resource.type.startsWith("time:")) {
            continue;
        }
        const label = `${resource.type} ${resource.name}`;
        const { inputs } = resource;
        if (resource.type.startsWith("azuread:")) {
            const consent = resource.type === "azuread:index/servicePrincipalDelegatedPermissionGrant:ServicePrincipalDelegatedPermissionGrant";
            need("preview", label, GRAPH_SCOPE, consent ? "graph-consent-read" : "graph-read");
            need("deploy", label, GRAPH_SCOPE, consent ? "graph-consent-read" : "graph-write-owned");
        } else if (resource.type === "azure:keyvault/certificate:Certificate") {
            need("preview", label, inputs.keyVaultId, "vault-data-read");
            need("deploy", label, inputs.keyVaultId, "vault-data-write");
        } else if (resource.type === "azure-native:authorization:RoleAssignment") {
            need("preview", label, inputs.scope, "arm-read");
            need("deploy", label, inputs.scope, "rbac-write", roleDefinitionGuid(inputs.roleDefinitionId));
        } else if (resource.type === "azure-native:authorization:RoleDefinition") {
            // Read by every refresh; a change needs Microsoft.Authorization/roleDefinitions/write, which no pipeline
            // identity holds (it could rewrite a role it may assign), so changes of the custom role are the
            // bootstrap administrator's (docs/run-from-ci.md).
            need("preview", label, inputs.scope, "arm-read");
            need("deploy", label, inputs.scope, "arm-read");
        } else if (resource.type === "pulumi-nodejs:dynamic/batch-entra:GrantPropagationWait") {
            // Nothing to refresh; it lists the vault's certificates as the deployer only when the grant it waits for
            // changes. The grant's ID is the vault's ID with the assignment appended.
            need("deploy", label, String(inputs.grantId).split("/providers/Microsoft.Authorization/")[0], "vault-data-read");
        } else {
            const scope =
                resource.type === "pulumi-nodejs:dynamic/batch-entra:PoolScale"
                    ? inputs.poolResourceId
                    : `${subscription}/resourceGroups/${inputs.resourceGroupName}`;
            need("preview", label, scope, "arm-read");
            need("deploy", label, scope, "arm-write");
        }
    }
    for (const invoke of run.invokes) {
        const label = `invoke ${invoke.token}`;
        if (invoke.token === "azure-native:resources:getResourceGroup") {
            for (const identity of ["preview", "deploy"] as const) need(identity, label, `${subscription}/resourceGroups/${invoke.inputs.resourceGroupName}`, "arm-read");
        } else if (invoke.token.startsWith("azuread:") && !invoke.token.includes("getClientConfig")) {
            for (const identity of ["preview", "deploy"] as const) need(identity, label, GRAPH_SCOPE, "graph-read");
        }
    }
    return rows;
}

/** The grants a run declares for one pipeline identity: role assignments and Graph app roles whose principal it is. */
function grantsOf(run: OfflineRun, servicePrincipal: DeclaredResource): Grant[] {
    const ofPrincipal = run.resources.filter((r) => r.dependencies.includes(servicePrincipal.urn));
    const roleGrants = ofPrincipal
        .filter((r) => r.type === "azure-native:authorization:RoleAssignment")
        .map((r) => {
            const role = roleDefinitionGuid(r.inputs.roleDefinitionId);
            return { name: r.name, scope: r.inputs.scope, rights: ROLE_RIGHTS[role] ?? [], assignable: conditionRoles(r.inputs.condition) };
        });
    const permissionById = Object.fromEntries(Object.entries(FAKE_GRAPH_APP_ROLE_IDS).map(([permission, id]) => [id, permission]));
    const graphGrants = ofPrincipal
        .filter((r) => r.type === "azuread:index/appRoleAssignment:AppRoleAssignment")
        .map((r) => ({ name: r.name, scope: GRAPH_SCOPE, rights: GRAPH_RIGHTS[permissionById[r.inputs.appRoleId]] ?? [] }));
    return [...roleGrants, ...graphGrants];
}

/** The role GUIDs a "Constrain roles" condition allows, or undefined without a condition. */
export function conditionRoles(condition: string | undefined): string[] | undefined {
    if (condition === undefined) {
        return undefined;
    }
    const match = /GuidEquals \{([^}]*)\}/.exec(condition);
    return match ? match[1].split(",").map((guid) => guid.trim().toLowerCase()) : [];
}

/** True when `scope` is `parent` or lies under it (ARM scopes inherit downwards). */
function within(scope: string, parent: string): boolean {
    const [child, ancestor] = [scope.toLowerCase(), parent.toLowerCase().replace(/\/+$/, "")];
    return child === ancestor || child.startsWith(`${ancestor}/`);
}

/** The table as text: one line per need, gaps marked. */
export function formatCiRights(rows: readonly RightRow[]): string {
    return rows
        .map((row) => `${row.grantedBy ? "ok  " : "GAP "} ${row.identity.padEnd(7)} ${row.right.padEnd(18)} ${row.scope}  ${row.resource}${row.role ? ` (role ${row.role})` : ""}${row.grantedBy ? `  <- ${row.grantedBy}` : ""}`)
        .join("\n");
}
