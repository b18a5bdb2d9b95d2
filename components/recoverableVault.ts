import * as pulumi from "@pulumi/pulumi";

/**
 * The properties every vault of this program starts from: standard SKU, soft delete for 90 days and purge protection
 * (irreversible by design: nobody, this program included, can purge what clients or pools depend on), and no access
 * for the VM platform's deployment channels, since identities read the vault themselves.
 */
export function recoverableVaultProperties(tenantId: pulumi.Input<string>, enableRbacAuthorization: boolean) {
    return {
        tenantId,
        sku: { family: "A", name: "standard" } as const,
        enableRbacAuthorization,
        enableSoftDelete: true,
        softDeleteRetentionInDays: 90,
        enablePurgeProtection: true,
        enabledForDeployment: false,
        enabledForTemplateDeployment: false,
        enabledForDiskEncryption: false,
    };
}
