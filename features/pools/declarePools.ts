import * as pulumi from "@pulumi/pulumi";
import { certificateProvider } from "../../azure/classicProvider";
import { ownEntry } from "../../config/lookup";
import type { Settings } from "../../config/settings";
import type { BatchAccount } from "../batchAccount/batchAccount";
import { generationalVaultName } from "../keyVault/recoverableVault";
import type { PipelineIdentity } from "../pipeline/pipelineIdentity";
import type { PrivateNetwork } from "../privateNetworking/networkAndOperations";
import { CertificateRotatingPool, certificateRotatingPoolWaitingFor } from "./certificateRotatingPool";
import { NodeIdentityAutoStorage } from "./nodeIdentity";
import { PoolIdentityVault, poolIdentityAccess } from "./poolIdentityVault";

/** What only the running program knows of the pools: the account, the subscription, the pipeline and the network. */
export interface PoolsContext {
    readonly batchAccount: BatchAccount;
    readonly subscriptionId: pulumi.Output<string>;
    readonly pipeline: PipelineIdentity | undefined;
    readonly privateNetwork: PrivateNetwork;
}

/** The pools' stack outputs, the vault that operations watch and lock, and what the locks must wait for. */
export interface DeclaredPools {
    readonly outputs: Record<string, unknown>;
    readonly vaultId?: pulumi.Output<string>;
    readonly components: pulumi.Resource[];
}

/**
 * The certificate-rotating pools (seed 004): one identity and vault for all pools, then each pool with the
 * certificates it observes. Declares nothing, and adds no output, when the `pools` list is empty.
 */
export function declarePools(settings: Settings, context: PoolsContext): DeclaredPools {
    const { batchAccount, subscriptionId, pipeline, privateNetwork } = context;
    const { pools, keyVaultName, ...configuredVault } = settings.pools;
    if (pools.length === 0) {
        return { outputs: {}, components: [] };
    }
    const classicProvider = certificateProvider("azure-certificates", subscriptionId, settings.cloud.azureNativeEnvironment);
    const vault = new PoolIdentityVault(
        "pool-vault",
        {
            // The certificate manager is a configured principal, the same whoever deploys: a grant that followed
            // whoever runs `pulumi up` would move at every change of deployer.
            ...configuredVault,
            // The group's output, so the identity and the vault wait for a group this stack creates.
            resourceGroupName: batchAccount.resourceGroupName,
            location: settings.batchAccount.location,
            vaultName: keyVaultName ?? generationalVaultName("pool-vault", settings, subscriptionId),
            // From CI the deploy identity manages certificates too (the bootstrap run creates them as a member of the
            // configured group) and the preview identity reads them.
            certificateOfficers: pipeline ? [{ key: "pipeline-deploy", principalId: pipeline.deployServicePrincipalObjectId }] : [],
            certificateReaders: pipeline ? [{ key: "pipeline-preview", principalId: pipeline.previewServicePrincipalObjectId }] : [],
            certificates: pools.flatMap((pool) => pool.certificates.flatMap((cert) => (cert.kind === "created" ? [cert] : []))),
            existingCertificates: pools.flatMap((pool) => pool.certificates.flatMap((cert) => (cert.kind === "existing" ? [cert] : []))),
            tags: settings.tags,
            // A private account makes a private vault: nodes and the deployer reach both through private endpoints.
            publicNetworkAccess: settings.privateNetworking.endpointSubnet ? settings.batchAccount.publicNetworkAccess : undefined,
            privateEndpoint: privateNetwork.vaultEndpoint,
        },
        { providers: [classicProvider] },
    );
    const { autoStorageAccountId } = settings.batchAccount;
    // Nodes that use the identity for auto-storage must not boot before it may read there.
    const nodeIdentityAccess =
        autoStorageAccountId !== undefined && pools.some((pool) => pool.nodeIdentity)
            ? [new NodeIdentityAutoStorage("pool-node-identity", { storageAccountId: autoStorageAccountId, principalId: vault.identityPrincipalId, subscriptionId })]
            : [];
    const declared = pools.map((pool) => {
        const { certificates, network, nodeIdentity, ...configuredPool } = pool;
        return new CertificateRotatingPool(
            `pool-${pool.poolName}`,
            certificateRotatingPoolWaitingFor(
                {
                    ...configuredPool,
                    // A plain name and the account's output: the pool waits for the account and nothing else of it.
                    resourceGroupName: settings.batchAccount.resourceGroup.name,
                    batchAccountName: batchAccount.name,
                    identity: { id: vault.identityId, clientId: vault.identityClientId },
                    certificates: certificates.map((cert) => ({ secretUrl: ownEntry(vault.certificateSecretUrls, cert.name)! })),
                    network: privateNetwork.poolNetwork(pool),
                    resourceManager: settings.cloud.resourceManager,
                },
                // The identity, its read access to the vault(s) (with requireInitialSync a node that boots before
                // access exists never becomes usable), what nodes need before they boot, and the created certificates.
                [
                    vault.identity,
                    ...poolIdentityAccess(vault),
                    ...(nodeIdentity ? nodeIdentityAccess : []),
                    ...privateNetwork.nodeManagementReady,
                    ...certificates.flatMap((cert) => {
                        const created = ownEntry(vault.createdCertificates, cert.name);
                        return created ? [created] : [];
                    }),
                ],
            ),
        );
    });
    const outputs = {
        poolIdentityClientId: vault.identityClientId,
        poolIdentityPrincipalId: vault.identityPrincipalId,
        poolIdentityId: vault.identityId,
        keyVaultUri: vault.keyVaultUri,
        certificateSecretUrls: vault.certificateSecretUrls,
        poolIds: Object.fromEntries(declared.map((declaredPool, index) => [pools[index].poolName, declaredPool.poolId])),
    };
    return { outputs, vaultId: vault.vault.id, components: [vault, ...nodeIdentityAccess, ...declared] };
}
