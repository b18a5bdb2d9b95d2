// The provider module alone: the package root loads every @pulumi/azure module, seconds per program load.
import * as azureClassic from "@pulumi/azure/provider";
import * as pulumi from "@pulumi/pulumi";

/**
 * A provider for the Key Vault certificates, which exist only in @pulumi/azure. It takes the subscription the
 * azure-native provider uses (azure v6 needs one explicitly), the stack's cloud, and registers no resource
 * providers, so the deploying identity needs no subscription-wide write for it.
 */
export function certificateProvider(name: string, subscriptionId: pulumi.Input<string>, environment: string): azureClassic.Provider {
    return new azureClassic.Provider(name, {
        subscriptionId,
        environment,
        resourceProviderRegistrations: "none",
        features: {
            keyVault: {
                // The vaults have purge protection: a destroyed certificate stays soft-deleted and is recovered
                // (not recreated under a clashing name) when the stack declares it again.
                purgeSoftDeletedCertificatesOnDestroy: false,
                recoverSoftDeletedCertificates: true,
            },
        },
    });
}
