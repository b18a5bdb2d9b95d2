/**
 * Which input paths make each provider replace a resource instead of updating it, per resource type the program
 * declares. The plan diff uses these together with the program's own `replaceOnChanges`, so a change the provider
 * turns into delete-and-create reads as a replacement in review.
 *
 * Each entry's `source` names the file it was checked against (repository and path; the commit is the stored
 * version that was read). Where an entry could not be confirmed against a provider file, its comment says so.
 *
 * - azure-native replaces when a URL path parameter of the resource (its name, resource group, parent names,
 *   scope) changes, when a property's `x-ms-mutability` in the Azure REST API spec lacks "update", and for the
 *   properties listed per resource in its `forceNewMap` (pulumi/pulumi-azure-native provider/pkg/gen/replacement.go,
 *   read at 1b7112af33c62b247daed1028686bf279f4d5e69; the generator consults it in provider/pkg/gen, after the
 *   spec's mutability). Azure refusing a change (a property only the create body has) is not a replacement rule:
 *   the provider then tries an update and Azure rejects it, which the plan cannot foresee.
 * - azuread and azure (azurerm) are bridged Terraform providers: an attribute with `ForceNew: true` in the
 *   Terraform schema forces a new resource.
 * - time (pulumiverse, bridged from hashicorp/terraform-provider-time): attributes with a `RequiresReplace()` plan
 *   modifier.
 */
export interface ReplacementRule {
    /** Input paths, in Pulumi's property-path syntax, whose change forces a replacement. */
    readonly paths: readonly string[];
    /** Where the rule comes from: repository and file of the provider schema. */
    readonly source: string;
}

const AZURE_NATIVE_RULES = "pulumi/pulumi-azure-native provider/pkg/gen/replacement.go";
/** terraform-provider-azuread read at f0169e0ecec4a7f87c0a512fd989368a182306c1 (2026-08-17). */
const AZUREAD = "hashicorp/terraform-provider-azuread internal/services";
/** terraform-provider-time read at 16bc819eb938f78171198ba2efb37bfe27f6b700 (2026-07-20). */
const TIME = "hashicorp/terraform-provider-time internal/provider";
/** Marks azure-native entries whose spec file was not read: the paths are the resource's URL path parameters. */
const PATH_PARAMETERS_ONLY = "URL path parameters of the resource's PUT; spec file not read for x-ms-mutability";

export const REPLACEMENT_RULES: Readonly<Record<string, ReplacementRule>> = {
    // location: forceNewMap "Resources"/"ResourceGroup". The path parameter is the group's name.
    "azure-native:resources:ResourceGroup": {
        paths: ["resourceGroupName", "location"],
        source: `${AZURE_NATIVE_RULES} (Resources.ResourceGroup: location)`,
    },
    // Read: BatchAccountCreateProperties in the 2024-07-01 spec (the SDK's API version). poolAllocationMode,
    // keyVaultReference and location carry no x-ms-mutability there and Batch is not in forceNewMap, so
    // azure-native does not replace on them (they are absent from BatchAccountUpdateProperties: Azure refuses
    // the change instead). Left: the path parameters. Not confirmed: the paths section itself was not read.
    "azure-native:batch:BatchAccount": {
        paths: ["resourceGroupName", "accountName"],
        source: "Azure/azure-rest-api-specs specification/batch/resource-manager/Microsoft.Batch/stable/2024-07-01/BatchManagement.json (BatchAccountCreateProperties)",
    },
    // Not confirmed: the Pool definitions of the same spec were not read for x-ms-mutability.
    "azure-native:batch:Pool": {
        paths: ["resourceGroupName", "accountName", "poolName"],
        source: `Azure/azure-rest-api-specs specification/batch/resource-manager/Microsoft.Batch/stable/2024-07-01/BatchManagement.json (${PATH_PARAMETERS_ONLY})`,
    },
    // Not confirmed: location as create-only (the spec's Vault definition was not read).
    "azure-native:keyvault:Vault": {
        paths: ["resourceGroupName", "vaultName", "location"],
        source: `Azure/azure-rest-api-specs specification/keyvault/resource-manager/Microsoft.KeyVault/stable/2024-11-01/keyvault.json (not read: ${PATH_PARAMETERS_ONLY}; location by ARM's tracked-resource rule)`,
    },
    // Not confirmed: a custom resource of azure-native; its keying by vault, tenant and object ID was not read.
    "azure-native:keyvault:AccessPolicy": {
        paths: ["resourceGroupName", "vaultName", "policy.objectId", "policy.tenantId"],
        source: "pulumi/pulumi-azure-native provider/pkg/resources/customresources/custom_keyvault_accesspolicy.go (not read)",
    },
    // Not confirmed: the Secret definitions were not read.
    "azure-native:keyvault:Secret": {
        paths: ["resourceGroupName", "vaultName", "secretName"],
        source: `Azure/azure-rest-api-specs specification/keyvault/resource-manager/Microsoft.KeyVault/stable/2024-11-01/secrets.json (not read: ${PATH_PARAMETERS_ONLY})`,
    },
    // Read: the path parameters of UserAssignedIdentities_CreateOrUpdate. Not confirmed: location as create-only
    // (the Identity definition, from common-types, was not read).
    "azure-native:managedidentity:UserAssignedIdentity": {
        paths: ["resourceGroupName", "resourceName", "location"],
        source: "Azure/azure-rest-api-specs specification/msi/resource-manager/Microsoft.ManagedIdentity/stable/2023-01-31/ManagedIdentity.json (UserAssignedIdentities_CreateOrUpdate path parameters)",
    },
    // Not confirmed: the spec was not read.
    "azure-native:authorization:RoleDefinition": {
        paths: ["scope", "roleDefinitionId"],
        source: `Azure/azure-rest-api-specs specification/authorization/resource-manager/Microsoft.Authorization (2022-05-01-preview RoleDefinitions_CreateOrUpdate; not read: ${PATH_PARAMETERS_ONLY})`,
    },
    // principalId and scope: forceNewMap "Authorization"/"RoleAssignment"; scope and roleAssignmentName are the
    // path parameters. Not confirmed: roleDefinitionId (not in forceNewMap; the spec's mutability was not read).
    "azure-native:authorization:RoleAssignment": {
        paths: ["scope", "roleAssignmentName", "principalId", "roleDefinitionId"],
        source: `${AZURE_NATIVE_RULES} (Authorization.RoleAssignment: principalId, scope)`,
    },
    // Not confirmed: the spec was not read.
    "azure-native:authorization:ManagementLockByScope": {
        paths: ["scope", "lockName"],
        source: `Azure/azure-rest-api-specs specification/resources/resource-manager/Microsoft.Authorization (2020-05-01 ManagementLocks_CreateOrUpdateByScope; not read: ${PATH_PARAMETERS_ONLY})`,
    },
    // subnet: forceNewMap "Network"/"PrivateEndpoint" (pulumi-azure-native#3883). Not confirmed: location.
    "azure-native:network:PrivateEndpoint": {
        paths: ["resourceGroupName", "privateEndpointName", "location", "subnet"],
        source: `${AZURE_NATIVE_RULES} (Network.PrivateEndpoint: subnet)`,
    },
    // Not confirmed: the spec was not read.
    "azure-native:network:PrivateDnsZoneGroup": {
        paths: ["resourceGroupName", "privateEndpointName", "privateDnsZoneGroupName"],
        source: `Azure/azure-rest-api-specs specification/network/resource-manager/Microsoft.Network (2024-05-01 PrivateDnsZoneGroups_CreateOrUpdate; not read: ${PATH_PARAMETERS_ONLY})`,
    },
    // Not confirmed: the spec was not read (location by ARM's tracked-resource rule).
    "azure-native:privatedns:PrivateZone": {
        paths: ["resourceGroupName", "privateZoneName", "location"],
        source: `Azure/azure-rest-api-specs specification/privatedns/resource-manager/Microsoft.Network/stable/2024-06-01/privatedns.json (not read: ${PATH_PARAMETERS_ONLY})`,
    },
    // Not confirmed: virtualNetwork as create-only; the spec was not read.
    "azure-native:privatedns:VirtualNetworkLink": {
        paths: ["resourceGroupName", "privateZoneName", "virtualNetworkLinkName", "location", "virtualNetwork"],
        source: `Azure/azure-rest-api-specs specification/privatedns/resource-manager/Microsoft.Network/stable/2024-06-01/privatedns.json (not read: ${PATH_PARAMETERS_ONLY})`,
    },
    // Not confirmed: the spec was not read.
    "azure-native:monitor:DiagnosticSetting": {
        paths: ["resourceUri", "name"],
        source: `Azure/azure-rest-api-specs specification/monitor/resource-manager/Microsoft.Insights (2021-05-01-preview DiagnosticSettings_CreateOrUpdate; not read: ${PATH_PARAMETERS_ONLY})`,
    },
    // Not confirmed: the spec was not read.
    "azure-native:monitor:ActionGroup": {
        paths: ["resourceGroupName", "actionGroupName", "location"],
        source: `Azure/azure-rest-api-specs specification/monitor/resource-manager/Microsoft.Insights (2024-10-01-preview ActionGroups_CreateOrUpdate; not read: ${PATH_PARAMETERS_ONLY})`,
    },
    // Not confirmed: source and topicType as create-only; the spec was not read.
    "azure-native:eventgrid:SystemTopic": {
        paths: ["resourceGroupName", "systemTopicName", "location", "source", "topicType"],
        source: `Azure/azure-rest-api-specs specification/eventgrid/resource-manager/Microsoft.EventGrid/stable/2025-02-15/EventGrid.json (not read: ${PATH_PARAMETERS_ONLY})`,
    },
    // Not confirmed: the spec was not read.
    "azure-native:eventgrid:SystemTopicEventSubscription": {
        paths: ["resourceGroupName", "systemTopicName", "eventSubscriptionName"],
        source: `Azure/azure-rest-api-specs specification/eventgrid/resource-manager/Microsoft.EventGrid/stable/2025-02-15/EventGrid.json (not read: ${PATH_PARAMETERS_ONLY})`,
    },
    // Read (stored version 02c4d19af540fab27de6b44a0bb9ba21255cef9a): only name and key_vault_id are ForceNew;
    // a changed certificate is imported as a new version and a changed certificate_policy creates a new version,
    // both in resourceKeyVaultCertificateUpdate. Not confirmed: that @pulumi/azure 6.40 bridges this version.
    "azure:keyvault/certificate:Certificate": {
        paths: ["name", "keyVaultId"],
        source: "hashicorp/terraform-provider-azurerm internal/services/keyvault/key_vault_certificate_resource.go (ForceNew)",
    },
    "azuread:index/application:Application": {
        paths: ["templateId"],
        source: `${AZUREAD}/applications/application_resource.go (ForceNew)`,
    },
    "azuread:index/servicePrincipal:ServicePrincipal": {
        paths: ["clientId"],
        source: `${AZUREAD}/serviceprincipals/service_principal_resource.go (ForceNew)`,
    },
    "azuread:index/applicationPassword:ApplicationPassword": {
        paths: ["applicationId", "displayName", "endDate", "endDateRelative", "rotateWhenChanged", "startDate"],
        source: `${AZUREAD}/applications/application_password_resource.go (every argument ForceNew; the resource has no update)`,
    },
    "azuread:index/applicationCertificate:ApplicationCertificate": {
        paths: ["applicationId", "encoding", "endDate", "endDateRelative", "keyId", "startDate", "type", "value"],
        source: `${AZUREAD}/applications/application_certificate_resource.go (every argument ForceNew; the resource has no update)`,
    },
    "azuread:index/applicationFederatedIdentityCredential:ApplicationFederatedIdentityCredential": {
        paths: ["applicationId", "displayName"],
        source: `${AZUREAD}/applications/application_federated_identity_credential_resource.go (ForceNew)`,
    },
    "azuread:index/appRoleAssignment:AppRoleAssignment": {
        paths: ["appRoleId", "principalObjectId", "resourceObjectId"],
        source: `${AZUREAD}/approleassignments/app_role_assignment_resource.go (every argument ForceNew)`,
    },
    "azuread:index/servicePrincipalDelegatedPermissionGrant:ServicePrincipalDelegatedPermissionGrant": {
        paths: ["servicePrincipalObjectId", "resourceServicePrincipalObjectId", "userObjectId"],
        source: `${AZUREAD}/serviceprincipals/service_principal_delegated_permission_grant_resource.go (ForceNew)`,
    },
    // Only rfc3339 and triggers have RequiresReplace(). The rotation_* arguments update in place (ModifyPlan
    // recomputes the rotation time); rotation_rfc3339 has RequiresReplaceIf(ReplaceIfOutdated), which replaces when
    // the clock has passed the stored rotation time, not on an input change, so an offline plan cannot show it.
    // The same holds at the framework migration (ea34431), so every @pulumiverse/time 0.1 upstream agrees.
    "time:index/rotating:Rotating": {
        paths: ["rfc3339", "triggers"],
        source: `${TIME}/resource_time_rotating.go (RequiresReplace)`,
    },
    "time:index/sleep:Sleep": {
        paths: ["triggers"],
        source: `${TIME}/resource_time_sleep.go (RequiresReplace)`,
    },
    "time:index/static:Static": {
        paths: ["rfc3339", "triggers"],
        source: `${TIME}/resource_time_static.go (RequiresReplace)`,
    },
    "pulumi-nodejs:dynamic/batch-entra:GrantPropagationWait": {
        paths: [],
        source: "features/keyVault/grantPropagationWait.ts: the wait's diff never replaces; a changed grant re-runs it as an update",
    },
    "pulumi-nodejs:dynamic/batch-entra:PoolScale": {
        paths: ["poolResourceId"],
        source: "features/pools/poolScale.ts: its diff replaces only when the pool it scales is another one",
    },
};

/** The provider names the rules come from, for the plan's statement of how it decided replacements. */
export function providersWithRules(): string[] {
    return [...new Set(Object.keys(REPLACEMENT_RULES).map((type) => type.split(":")[0]))].sort();
}
