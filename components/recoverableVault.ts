import * as pulumi from "@pulumi/pulumi";
import * as time from "@pulumiverse/time";
import { defaultKeyVaultName } from "../config/pools";

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

/**
 * A derived vault name. It hashes in the time this stack first declared the vault (a `time.Static` named after the
 * vault's resource, kept in state), so every run and every deployer of the stack get the same name, while a stack
 * destroyed and created again gets a new one: the destroyed vault keeps its name for 90 days under purge protection.
 */
export function generationalVaultName(
    resourceName: string,
    stack: { projectName: string; stackName: string },
    subscriptionId: pulumi.Output<string>,
): pulumi.Output<string> {
    const generation = new time.Static(`${resourceName}-generation`, {});
    return pulumi.all([subscriptionId, generation.rfc3339]).apply(([id, created]) => defaultKeyVaultName(stack, id, created));
}
