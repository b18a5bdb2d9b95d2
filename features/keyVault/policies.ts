import type { ResourceValidationPolicy } from "@pulumi/policy";
import { BUILT_IN_ROLE_GUIDS } from "../../azure/roles";
import { asObject, equalsIgnoreCase, forResources, isAzureNativeType } from "../../policies/common";

const isVault = (type: string) => isAzureNativeType(type, "keyvault", "Vault");

export const keyVaultRecoverable: ResourceValidationPolicy = {
    name: "key-vault-soft-delete-purge-protection",
    description:
        "Key Vaults keep deleted certificates and secrets recoverable: soft delete stays on and purge protection is on, " +
        "so neither a mistake nor a compromised identity can destroy the pools' certificates for good.",
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps:
        "Set properties.enablePurgeProtection: true and leave properties.enableSoftDelete unset or true. Purge protection " +
        "cannot be turned off again, and a purge-protected vault name stays reserved for the retention period after deletion.",
    url: "https://learn.microsoft.com/azure/key-vault/general/soft-delete-overview",
    validateResource: forResources(isVault, (props, _args, reportViolation) => {
        const properties = asObject(props.properties) ?? {};
        if (properties.enableSoftDelete === false) {
            reportViolation("properties.enableSoftDelete is false; deleted certificates and secrets could not be recovered.");
        }
        if (properties.enablePurgeProtection !== true) {
            reportViolation(
                `properties.enablePurgeProtection is ${properties.enablePurgeProtection ?? "unset"}; anyone allowed to purge ` +
                    "could destroy deleted certificates and secrets before the retention period ends.",
            );
        }
    }),
};

export const keyVaultPublicNetworkAccess: ResourceValidationPolicy = {
    name: "key-vault-public-network-access",
    description: "Key Vaults are not reachable from every network: public network access is disabled or the firewall denies by default.",
    enforcementLevel: "advisory",
    severity: "medium",
    remediationSteps:
        'Set properties.publicNetworkAccess: "Disabled" and use a private endpoint, or properties.networkAcls with ' +
        'defaultAction: "Deny", bypass: "AzureServices" and the pools\' subnets in virtualNetworkRules.',
    url: "https://learn.microsoft.com/azure/key-vault/general/network-security",
    validateResource: forResources(isVault, (props, _args, reportViolation) => {
        const properties = asObject(props.properties) ?? {};
        if (equalsIgnoreCase(properties.publicNetworkAccess, "Disabled")) {
            return;
        }
        if (!equalsIgnoreCase(asObject(properties.networkAcls)?.defaultAction, "Deny")) {
            reportViolation(
                `properties.publicNetworkAccess is ${properties.publicNetworkAccess ?? "unset (Enabled)"} and networkAcls ` +
                    "do not deny by default, so the vault answers from any network.",
            );
        }
    }),
};

export const keyVaultRbacPermissionModel: ResourceValidationPolicy = {
    name: "key-vault-rbac-permission-model",
    description:
        "Key Vaults use the Azure RBAC permission model rather than access policies, so data-plane access is granted, " +
        "reviewed and conditioned like every other role assignment.",
    enforcementLevel: "advisory",
    severity: "low",
    remediationSteps:
        "Set properties.enableRbacAuthorization: true and give the pool identity Key Vault Secrets User " +
        `(${BUILT_IN_ROLE_GUIDS.keyVaultSecretsUser}) on the vault instead of an access policy.`,
    url: "https://learn.microsoft.com/azure/key-vault/general/rbac-migration",
    validateResource: forResources(isVault, (props, _args, reportViolation) => {
        const properties = asObject(props.properties) ?? {};
        if (properties.enableRbacAuthorization !== true) {
            reportViolation("properties.enableRbacAuthorization is not true, so the vault uses the access-policy permission model.");
        }
    }),
};
