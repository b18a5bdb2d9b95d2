/**
 * Which input paths make each provider replace a resource instead of updating it, per resource type the program
 * declares. The plan diff uses these together with the program's own `replaceOnChanges`, so a change the provider
 * turns into delete-and-create reads as a replacement in review.
 *
 * - azure-native replaces when a URL path parameter of the resource (its name, resource group, parent names,
 *   scope) or a create-only property (`x-ms-mutability: ["create", "read"]` in the Azure REST API spec, e.g.
 *   `location`) changes: pulumi/pulumi-azure-native marks those `forceNew` in its metadata (provider/pkg/gen).
 * - azuread and azure (azurerm) are bridged Terraform providers: an attribute with `ForceNew: true` in the
 *   Terraform schema forces a new resource (hashicorp/terraform-provider-azuread, terraform-provider-azurerm).
 * - time (pulumiverse, bridged from hashicorp/terraform-provider-time): attributes with `RequiresReplace()`.
 */
export interface ReplacementRule {
    /** Input paths, in Pulumi's property-path syntax, whose change forces a replacement. */
    readonly paths: readonly string[];
    /** Where the rule comes from: repository and file of the provider schema. */
    readonly source: string;
}

const AZURE_NATIVE = "pulumi/pulumi-azure-native (path parameters and create-only properties are forceNew)";
const AZUREAD = "hashicorp/terraform-provider-azuread internal/services";
const TIME = "hashicorp/terraform-provider-time internal/provider";

export const REPLACEMENT_RULES: Readonly<Record<string, ReplacementRule>> = {
    "azure-native:resources:ResourceGroup": {
        paths: ["resourceGroupName", "location"],
        source: `${AZURE_NATIVE}; azure-rest-api-specs resources/Microsoft.Resources ResourceGroups_CreateOrUpdate`,
    },
    "azure-native:batch:BatchAccount": {
        paths: ["resourceGroupName", "accountName", "location", "poolAllocationMode", "keyVaultReference"],
        source: `${AZURE_NATIVE}; azure-rest-api-specs batch/Microsoft.Batch BatchAccount_Create (poolAllocationMode, keyVaultReference are create-only)`,
    },
    "azure-native:batch:Pool": {
        paths: ["resourceGroupName", "accountName", "poolName"],
        source: `${AZURE_NATIVE}; azure-rest-api-specs batch/Microsoft.Batch Pool_Create`,
    },
    "azure-native:keyvault:Vault": {
        paths: ["resourceGroupName", "vaultName", "location"],
        source: `${AZURE_NATIVE}; azure-rest-api-specs keyvault/Microsoft.KeyVault Vaults_CreateOrUpdate`,
    },
    "azure-native:keyvault:AccessPolicy": {
        paths: ["resourceGroupName", "vaultName", "policy.objectId", "policy.tenantId"],
        source: `${AZURE_NATIVE} provider/pkg/resources/customresources (keyvault access policy: the entry is keyed by vault, tenant and object ID)`,
    },
    "azure-native:keyvault:Secret": {
        paths: ["resourceGroupName", "vaultName", "secretName"],
        source: `${AZURE_NATIVE}; azure-rest-api-specs keyvault/Microsoft.KeyVault Secrets_CreateOrUpdate`,
    },
    "azure-native:managedidentity:UserAssignedIdentity": {
        paths: ["resourceGroupName", "resourceName", "location"],
        source: `${AZURE_NATIVE}; azure-rest-api-specs msi/Microsoft.ManagedIdentity UserAssignedIdentities_CreateOrUpdate`,
    },
    "azure-native:authorization:RoleDefinition": {
        paths: ["scope", "roleDefinitionId"],
        source: `${AZURE_NATIVE}; azure-rest-api-specs authorization/Microsoft.Authorization RoleDefinitions_CreateOrUpdate`,
    },
    "azure-native:authorization:RoleAssignment": {
        paths: ["scope", "roleAssignmentName", "principalId", "roleDefinitionId"],
        source: `${AZURE_NATIVE}; azure-rest-api-specs authorization/Microsoft.Authorization RoleAssignments_Create (an assignment cannot be updated)`,
    },
    "azure-native:authorization:ManagementLockByScope": {
        paths: ["scope", "lockName"],
        source: `${AZURE_NATIVE}; azure-rest-api-specs resources/Microsoft.Authorization ManagementLocks_CreateOrUpdateByScope`,
    },
    "azure-native:network:PrivateEndpoint": {
        paths: ["resourceGroupName", "privateEndpointName", "location"],
        source: `${AZURE_NATIVE}; azure-rest-api-specs network/Microsoft.Network PrivateEndpoints_CreateOrUpdate`,
    },
    "azure-native:network:PrivateDnsZoneGroup": {
        paths: ["resourceGroupName", "privateEndpointName", "privateDnsZoneGroupName"],
        source: `${AZURE_NATIVE}; azure-rest-api-specs network/Microsoft.Network PrivateDnsZoneGroups_CreateOrUpdate`,
    },
    "azure-native:privatedns:PrivateZone": {
        paths: ["resourceGroupName", "privateZoneName", "location"],
        source: `${AZURE_NATIVE}; azure-rest-api-specs privatedns/Microsoft.Network PrivateZones_CreateOrUpdate`,
    },
    "azure-native:privatedns:VirtualNetworkLink": {
        paths: ["resourceGroupName", "privateZoneName", "virtualNetworkLinkName", "location", "virtualNetwork"],
        source: `${AZURE_NATIVE}; azure-rest-api-specs privatedns/Microsoft.Network VirtualNetworkLinks_CreateOrUpdate (virtualNetwork is create-only)`,
    },
    "azure-native:monitor:DiagnosticSetting": {
        paths: ["resourceUri", "name"],
        source: `${AZURE_NATIVE}; azure-rest-api-specs monitor/Microsoft.Insights DiagnosticSettings_CreateOrUpdate`,
    },
    "azure-native:monitor:ActionGroup": {
        paths: ["resourceGroupName", "actionGroupName", "location"],
        source: `${AZURE_NATIVE}; azure-rest-api-specs monitor/Microsoft.Insights ActionGroups_CreateOrUpdate`,
    },
    "azure-native:eventgrid:SystemTopic": {
        paths: ["resourceGroupName", "systemTopicName", "location", "source", "topicType"],
        source: `${AZURE_NATIVE}; azure-rest-api-specs eventgrid/Microsoft.EventGrid SystemTopics_CreateOrUpdate (source, topicType are create-only)`,
    },
    "azure-native:eventgrid:SystemTopicEventSubscription": {
        paths: ["resourceGroupName", "systemTopicName", "eventSubscriptionName"],
        source: `${AZURE_NATIVE}; azure-rest-api-specs eventgrid/Microsoft.EventGrid SystemTopicEventSubscriptions_CreateOrUpdate`,
    },
    "azure:keyvault/certificate:Certificate": {
        paths: ["name", "keyVaultId", "certificate", "certificatePolicy.issuerParameters", "certificatePolicy.keyProperties", "certificatePolicy.secretProperties"],
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
    "time:index/rotating:Rotating": {
        paths: ["rfc3339", "rotationDays", "rotationHours", "rotationMinutes", "rotationMonths", "rotationYears", "triggers"],
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
        source: "components/grantPropagationWait.ts: the wait's diff never replaces; a changed grant re-runs it as an update",
    },
    "pulumi-nodejs:dynamic/batch-entra:PoolScale": {
        paths: ["poolResourceId"],
        source: "components/poolScale.ts: its diff replaces only when the pool it scales is another one",
    },
};

/** The provider names the rules come from, for the plan's statement of how it decided replacements. */
export function providersWithRules(): string[] {
    return [...new Set(Object.keys(REPLACEMENT_RULES).map((type) => type.split(":")[0]))].sort();
}
