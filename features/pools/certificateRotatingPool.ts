import * as batch from "@pulumi/azure-native/batch";
import * as pulumi from "@pulumi/pulumi";
import { CLOUDS } from "../../azure/clouds";
import { PoolScale, PoolScaleSettings } from "./poolScale";
import { aliasFormerType } from "../typeToken";
import { refuseBadArgs, textArgProblem } from "../argRules";
import { POOL_NAME_RULE, VM_SIZE_RULE } from "./config";

/** The Key Vault VM extension's current major version (Key Vault VM extension for Linux / Windows, version history). */
export const KEY_VAULT_EXTENSION_VERSION = "3.0";
/** Instance Metadata Service identity endpoint on every Azure VM. */
export const IMDS_IDENTITY_ENDPOINT = "http://169.254.169.254/metadata/identity";

/**
 * Properties Batch cannot change on an existing pool (`PropertyCannotBeUpdated`; extensions in particular cannot be
 * added to or changed on an existing pool): a change to any of them replaces the pool instead of failing the update.
 */
export const POOL_REPLACE_ON_CHANGES = ["deploymentConfiguration", "identity", "vmSize", "networkConfiguration"];

export interface CertificateRotatingPoolArgs {
    /** Required. Resource group of the Batch account. */
    resourceGroupName: pulumi.Input<string>;
    /** Required. The Batch account's name; pass the account's output so the pool waits for the account. */
    batchAccountName: pulumi.Input<string>;
    /** Required. Pool ID, unique per account (case-insensitive). */
    poolName: string;
    /** Required. VM size, e.g. `Standard_D2s_v5`. See https://learn.microsoft.com/azure/batch/batch-pool-vm-sizes */
    vmSize: string;
    /**
     * Required. Marketplace image and the node agent SKU Batch pairs with it.
     * See https://learn.microsoft.com/azure/batch/batch-linux-nodes#node-agent-sku
     */
    image: { publisher: string; offer: string; sku: string; version: string; nodeAgentSkuId: string; osFamily: "linux" | "windows" };
    /** Required. The user-assigned identity nodes use to read the vault: its resource ID and client ID. */
    identity: { id: pulumi.Input<string>; clientId: pulumi.Input<string>; resource: pulumi.Resource };
    /**
     * Required. The identity's read access to the vault(s). The pool waits for it: with `requireInitialSync` a node
     * that boots before access exists never becomes usable.
     */
    vaultAccess: readonly pulumi.Resource[];
    /**
     * Required. Versionless secret URLs the nodes observe, and the certificate resources behind them (absent for
     * certificates that existed before). See https://learn.microsoft.com/azure/batch/automatic-certificate-rotation
     */
    certificates: readonly { secretUrl: pulumi.Input<string>; resource?: pulumi.Resource }[];
    /** Optional. Seconds between the extension's checks for a renewed certificate. Default: 3600. */
    pollingIntervalSeconds?: number;
    /**
     * Optional. Where certificates are installed: a directory on Linux (default
     * `/var/lib/waagent/Microsoft.Azure.KeyVault`), `LocalMachine` (default) or `CurrentUser` on Windows.
     */
    certificateStoreLocation?: string;
    /**
     * Optional. Fixed node counts (default: 0 dedicated, 0 low-priority: no cost until someone scales the pool) or an
     * autoscale formula. See https://learn.microsoft.com/azure/batch/batch-automatic-scaling
     */
    scale?:
        | { kind: "fixed"; dedicatedNodes: number; lowPriorityNodes: number }
        | { kind: "auto"; formula: string; evaluationInterval: string };
    /**
     * Optional. The subnet nodes join, and `none` for nodes without public IPs (`NoPublicIPAddresses`), which reach the
     * service through the node-management endpoint. Default: no virtual network, Batch-managed public IPs.
     * See https://learn.microsoft.com/azure/batch/simplified-node-communication-pool-no-public-ip
     */
    network?: { subnetId: pulumi.Input<string>; publicIPs: "none" | "batchManaged" };
    /** Optional. What nodes need before they boot, such as the node-management private endpoint. Default: none. */
    networkReady?: readonly pulumi.Resource[];
    /** Optional. Resource Manager endpoint of the stack's cloud, where scale changes are sent. Default: the public cloud's. */
    resourceManager?: string;
}

/**
 * A Batch pool whose nodes install certificates from Key Vault and pick up every renewal (seed 004, "Create a Batch
 * pool with a user-assigned managed identity"), with today's versions: extension 3.0 on a supported image.
 */
export class CertificateRotatingPool extends pulumi.ComponentResource {
    public readonly pool: batch.Pool;
    /** Applies changes of `scale` to the existing pool. */
    public readonly scale: PoolScale;
    public readonly poolId: pulumi.Output<string>;
    public readonly poolName: pulumi.Output<string>;

    constructor(name: string, args: CertificateRotatingPoolArgs, opts?: pulumi.ComponentResourceOptions) {
        super("batch-entra:index:CertificateRotatingPool", name, {}, aliasFormerType(opts, "batch-entra:pools:CertificateRotatingPool"));
        refuseBadArgs(this, [textArgProblem("poolName", args.poolName, POOL_NAME_RULE), textArgProblem("vmSize", args.vmSize, VM_SIZE_RULE)]);

        const windows = args.image.osFamily === "windows";
        const storeLocation = args.certificateStoreLocation ?? (windows ? "LocalMachine" : "/var/lib/waagent/Microsoft.Azure.KeyVault");
        const urls = args.certificates.map((certificate) => certificate.secretUrl);
        // Extension 3.0 takes one object per certificate on both systems, with the store location in each: a top-level
        // certificateStoreLocation is the 1.x/2.x form, which 3.0 for Linux ignores (certificates would land in the
        // default directory). Windows adds the store name.
        const observedCertificates = urls.map((url) =>
            windows ? { url, certificateStoreName: "MY", certificateStoreLocation: storeLocation } : { url, certificateStoreLocation: storeLocation },
        );
        const secretsManagementSettings = {
            pollingIntervalInS: String(args.pollingIntervalSeconds ?? 3600),
            // Nodes stay unusable until the certificate is installed, so no task runs without it. KeyVaultForWindows
            // 4.0 drops this setting (docs/certificate-rotating-pools.md), one reason 3.x stays pinned.
            requireInitialSync: true,
            observedCertificates,
        };
        const scale = args.scale ?? { kind: "fixed", dedicatedNodes: 0, lowPriorityNodes: 0 };
        const scaleSettings: PoolScaleSettings =
            scale.kind === "fixed"
                ? { fixedScale: { targetDedicatedNodes: scale.dedicatedNodes, targetLowPriorityNodes: scale.lowPriorityNodes } }
                : { autoScale: { formula: scale.formula, evaluationInterval: scale.evaluationInterval } };

        this.pool = new batch.Pool(
            `${name}-pool`,
            {
                resourceGroupName: args.resourceGroupName,
                accountName: args.batchAccountName,
                poolName: args.poolName,
                vmSize: args.vmSize,
                identity: { type: batch.PoolIdentityType.UserAssigned, userAssignedIdentities: [args.identity.id] },
                deploymentConfiguration: {
                    virtualMachineConfiguration: {
                        imageReference: {
                            publisher: args.image.publisher,
                            offer: args.image.offer,
                            sku: args.image.sku,
                            version: args.image.version,
                        },
                        nodeAgentSkuId: args.image.nodeAgentSkuId,
                        extensions: [
                            {
                                name: "keyvault-certificates",
                                publisher: "Microsoft.Azure.KeyVault",
                                type: windows ? "KeyVaultForWindows" : "KeyVaultForLinux",
                                typeHandlerVersion: KEY_VAULT_EXTENSION_VERSION,
                                autoUpgradeMinorVersion: true,
                                settings: {
                                    secretsManagementSettings,
                                    // With a user-assigned identity the extension must be told which identity to use.
                                    authenticationSettings: { msiEndpoint: IMDS_IDENTITY_ENDPOINT, msiClientId: args.identity.clientId },
                                },
                            },
                        ],
                    },
                },
                networkConfiguration: args.network
                    ? {
                          subnetId: args.network.subnetId,
                          publicIPAddressConfiguration: { provision: args.network.publicIPs === "none" ? "NoPublicIPAddresses" : "BatchManaged" },
                      }
                    : undefined,
                // Classic communication is retired; simplified is the mode private endpoints and no-public-IP pools need.
                targetNodeCommunicationMode: args.network ? "Simplified" : undefined,
                // The size the pool is created with; later changes go through PoolScale below.
                scaleSettings,
            },
            {
                parent: this,
                dependsOn: [
                    args.identity.resource,
                    ...args.vaultAccess,
                    ...(args.networkReady ?? []),
                    ...args.certificates.flatMap((certificate) => (certificate.resource ? [certificate.resource] : [])),
                ],
                replaceOnChanges: POOL_REPLACE_ON_CHANGES,
                // azure-native updates a pool with a full PUT, which repeats deploymentConfiguration and is refused
                // (PropertyCannotBeUpdated); a scale change alone would fail the update, so PoolScale sends it instead.
                ignoreChanges: ["scaleSettings"],
                // Pool IDs are unique per account: the old pool must go before its replacement can take the name.
                deleteBeforeReplace: true,
            },
        );

        this.scale = new PoolScale(
            `${name}-scale`,
            { poolResourceId: this.pool.id, scaleSettings, resourceManager: args.resourceManager ?? CLOUDS.public.resourceManager },
            { parent: this },
        );

        this.poolId = this.pool.id;
        this.poolName = pulumi.output(args.poolName);
        this.registerOutputs({ poolId: this.poolId, poolName: this.poolName });
    }
}
