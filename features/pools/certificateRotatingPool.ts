import * as batch from "@pulumi/azure-native/batch";
import * as pulumi from "@pulumi/pulumi";
import { CLOUDS } from "../../azure/clouds";
import { PoolScale, PoolScaleSettings } from "./poolScale";
import { aliasFormerType } from "../typeToken";
import { exactlyOneArgProblem, refuseBadArgs, textArgProblem } from "../argRules";
import {
    DEFAULT_POLLING_INTERVAL_SECONDS,
    DEFAULT_NODE_COUNTS,
    LINUX_CERTIFICATE_STORE,
    POOL_NAME_RULE,
    PoolImage,
    VM_SIZE_RULE,
    WINDOWS_CERTIFICATE_STORE,
} from "./config";
import { PoolPublicIPs } from "../privateNetworking/poolNetwork";
import { refuseUnrunnableDynamicResource } from "../dynamicResourceHost";

/** The Key Vault VM extension's current major version (Key Vault VM extension for Linux / Windows, version history). */
export const KEY_VAULT_EXTENSION_VERSION = "3.0";
/** Instance Metadata Service identity endpoint on every Azure VM. */
export const IMDS_IDENTITY_ENDPOINT = "http://169.254.169.254/metadata/identity";

/**
 * Properties Batch cannot change on an existing pool (`PropertyCannotBeUpdated`; extensions in particular cannot be
 * added to or changed on an existing pool): a change to any of them replaces the pool instead of failing the update.
 */
export const POOL_REPLACE_ON_CHANGES = ["deploymentConfiguration", "identity", "vmSize", "networkConfiguration"];

/** The user-assigned identity nodes use to read the vault: its resource ID and client ID. */
export interface CertificateRotatingPoolIdentity {
    id: pulumi.Input<string>;
    clientId: pulumi.Input<string>;
}

/** A versionless secret URL the nodes observe. */
export interface CertificateRotatingPoolCertificate {
    secretUrl: pulumi.Input<string>;
}

/** Fixed node counts. */
export interface FixedPoolScale {
    dedicatedNodes: number;
    lowPriorityNodes: number;
}

/** An autoscale formula and how often Batch evaluates it (ISO 8601 duration, e.g. `PT5M`). */
export interface AutoPoolScale {
    formula: string;
    evaluationInterval: string;
}

/** Exactly one of `fixed` and `auto` (the schema has no unions). */
export interface CertificateRotatingPoolScale {
    fixed?: FixedPoolScale;
    auto?: AutoPoolScale;
}

/** The subnet nodes join, and `none` for nodes without public IPs. */
export interface CertificateRotatingPoolNetwork {
    subnetId: pulumi.Input<string>;
    publicIPs: PoolPublicIPs;
}

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
    image: PoolImage;
    /**
     * Required. The user-assigned identity nodes use to read the vault. Its outputs make the pool wait for the
     * identity; the identity's read access to the vault(s), which the pool must also wait for (with
     * `requireInitialSync` a node that boots before access exists never becomes usable), is passed by the program
     * through `certificateRotatingPoolWaitingFor`, since the schema models a resource as a bare URN.
     */
    identity: CertificateRotatingPoolIdentity;
    /**
     * Required. Versionless secret URLs the nodes observe (pass the certificates' outputs so the pool waits for them).
     * See https://learn.microsoft.com/azure/batch/automatic-certificate-rotation
     */
    certificates: CertificateRotatingPoolCertificate[];
    /** Optional. Seconds between the extension's checks for a renewed certificate. Default: 3600. */
    pollingIntervalSeconds?: number;
    /**
     * Optional. Where certificates are installed: a directory on Linux (default
     * `/var/lib/waagent/Microsoft.Azure.KeyVault`), `LocalMachine` (default) or `CurrentUser` on Windows.
     */
    certificateStoreLocation?: string;
    /**
     * Optional. Exactly one of fixed node counts and an autoscale formula. Default: fixed, 0 dedicated, 0 low-priority
     * (no cost until someone scales the pool). See https://learn.microsoft.com/azure/batch/batch-automatic-scaling
     */
    scale?: CertificateRotatingPoolScale;
    /**
     * Optional. The subnet nodes join, and `none` for nodes without public IPs (`NoPublicIPAddresses`), which reach the
     * service through the node-management endpoint. Default: no virtual network, Batch-managed public IPs.
     * See https://learn.microsoft.com/azure/batch/simplified-node-communication-pool-no-public-ip
     */
    network?: CertificateRotatingPoolNetwork;
    /** Optional. Resource Manager endpoint of the stack's cloud, where scale changes are sent. Default: the public cloud's. */
    resourceManager?: string;
}

/**
 * The program's path for what the schema cannot carry: the resources the pool must not be created before (the
 * identity, its vault access, what nodes need before they boot such as the node-management private endpoint, and
 * the certificates). Not an arg, because the component provider's schema models a resource as a bare URN.
 */
const poolDependencies = new WeakMap<CertificateRotatingPoolArgs, pulumi.Resource[]>();

/** Pool args whose pool also waits for `dependsOn` (the batch-entra program's identity, grants, endpoints, certificates). */
export function certificateRotatingPoolWaitingFor(args: CertificateRotatingPoolArgs, dependsOn: pulumi.Resource[]): CertificateRotatingPoolArgs {
    poolDependencies.set(args, dependsOn);
    return args;
}

/** Each pool's scale resource, kept off the instance (see poolScaleOf). */
const poolScales = new WeakMap<CertificateRotatingPool, PoolScale>();

/**
 * The resource that applies changes of `scale` to the existing pool. A function, not a field: the component
 * provider's analyzer lists every field as an output.
 */
export function poolScaleOf(pool: CertificateRotatingPool): PoolScale | undefined {
    return poolScales.get(pool);
}

/** A pool's scale as a kind-tagged union, the form programs that build their own pool lists may hold. */
export type TaggedPoolScale =
    | { readonly kind: "fixed"; readonly dedicatedNodes: number; readonly lowPriorityNodes: number }
    | { readonly kind: "auto"; readonly formula: string; readonly evaluationInterval: string };

/** A kind-tagged scale as the component's one-of arg (the stack's reader produces the one-of arg itself). */
export function poolScaleChoice(scale: TaggedPoolScale): CertificateRotatingPoolScale {
    return scale.kind === "fixed"
        ? { fixed: { dedicatedNodes: scale.dedicatedNodes, lowPriorityNodes: scale.lowPriorityNodes } }
        : { auto: { formula: scale.formula, evaluationInterval: scale.evaluationInterval } };
}

/**
 * A Batch pool whose nodes install certificates from Key Vault and pick up every renewal (seed 004, "Create a Batch
 * pool with a user-assigned managed identity"), with today's versions: extension 3.0 on a supported image.
 */
export class CertificateRotatingPool extends pulumi.ComponentResource {
    public readonly pool: batch.Pool;
    public readonly poolId: pulumi.Output<string>;
    public readonly poolName: pulumi.Output<string>;

    constructor(name: string, args: CertificateRotatingPoolArgs, opts?: pulumi.ComponentResourceOptions) {
        super("batch-entra:index:CertificateRotatingPool", name, {}, aliasFormerType(opts, "batch-entra:pools:CertificateRotatingPool"));
        refuseBadArgs(this, [
            textArgProblem("poolName", args.poolName, POOL_NAME_RULE),
            textArgProblem("vmSize", args.vmSize, VM_SIZE_RULE),
            args.scale === undefined ? undefined : exactlyOneArgProblem("scale", args.scale, ["fixed", "auto"], "{ fixed: { dedicatedNodes: 0, lowPriorityNodes: 0 } }"),
        ]);
        refuseUnrunnableDynamicResource(this, `CertificateRotatingPool "${name}": its scale (${name}-scale)`);

        const windows = args.image.osFamily === "windows";
        const storeLocation = args.certificateStoreLocation ?? (windows ? WINDOWS_CERTIFICATE_STORE : LINUX_CERTIFICATE_STORE);
        const urls = args.certificates.map((certificate) => certificate.secretUrl);
        // Extension 3.0 takes one object per certificate on both systems, with the store location in each: a top-level
        // certificateStoreLocation is the 1.x/2.x form, which 3.0 for Linux ignores (certificates would land in the
        // default directory). Windows adds the store name.
        const observedCertificates = urls.map((url) =>
            windows ? { url, certificateStoreName: "MY", certificateStoreLocation: storeLocation } : { url, certificateStoreLocation: storeLocation },
        );
        const secretsManagementSettings = {
            pollingIntervalInS: String(args.pollingIntervalSeconds ?? DEFAULT_POLLING_INTERVAL_SECONDS),
            // Nodes stay unusable until the certificate is installed, so no task runs without it. KeyVaultForWindows
            // 4.0 drops this setting (docs/certificate-rotating-pools.md), one reason 3.x stays pinned.
            requireInitialSync: true,
            observedCertificates,
        };
        const { fixed, auto } = args.scale ?? { fixed: DEFAULT_NODE_COUNTS };
        const scaleSettings: PoolScaleSettings = fixed
            ? { fixedScale: { targetDedicatedNodes: fixed.dedicatedNodes, targetLowPriorityNodes: fixed.lowPriorityNodes } }
            : { autoScale: { formula: auto!.formula, evaluationInterval: auto!.evaluationInterval } };

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
                dependsOn: poolDependencies.get(args) ?? [],
                replaceOnChanges: POOL_REPLACE_ON_CHANGES,
                // azure-native updates a pool with a full PUT, which repeats deploymentConfiguration and is refused
                // (PropertyCannotBeUpdated); a scale change alone would fail the update, so PoolScale sends it instead.
                ignoreChanges: ["scaleSettings"],
                // Pool IDs are unique per account: the old pool must go before its replacement can take the name.
                deleteBeforeReplace: true,
            },
        );

        poolScales.set(
            this,
            new PoolScale(
                `${name}-scale`,
                { poolResourceId: this.pool.id, scaleSettings, resourceManager: args.resourceManager ?? CLOUDS.public.resourceManager },
                { parent: this },
            ),
        );

        this.poolId = this.pool.id;
        this.poolName = pulumi.output(args.poolName);
        this.registerOutputs({ poolId: this.poolId, poolName: this.poolName });
    }
}
