import { stackLabel } from "../../config/naming";
import * as authorization from "@pulumi/azure-native/authorization";
import * as pulumi from "@pulumi/pulumi";
import type { PoolDefinition } from "../pools/config";
import { PRIVATE_DNS_ZONE_NAMES, PRIVATE_ENDPOINT_GROUPS, PrivateEndpointGroup } from "./config";
import { CONFIG_NAMESPACE, Settings } from "../../config/settings";
import type { BatchAccount } from "../batchAccount/batchAccount";
import { DiagnosticCategoryGroup, LogAnalyticsDiagnostics } from "../operations/diagnostics";
import { ConfigValidationError } from "../../config/problems";
import { PrivateDnsZones, PrivateEndpointWithDns, PrivateEndpointWithDnsArgs, poolSubnetProblems, privateEndpointWaitingFor } from "./privateNetworking";
import { ResourceLocks, resourceLocksWaitingFor } from "../operations/resourceLocks";
import { VaultPrivateEndpointArgs, vaultEndpointWaitingFor } from "../pools/poolIdentityVault";

/** What the pools and their vault take from the private network the stack declares. */
export interface PrivateNetwork {
    /** The vault's endpoint, declared by the vault component so certificates wait for it; undefined without endpoints. */
    readonly vaultEndpoint: VaultPrivateEndpointArgs | undefined;
    /** What a pool's nodes need before they boot: the node-management endpoint's DNS record. */
    readonly nodeManagementReady: pulumi.Resource[];
    /** The endpoints and zones declared, for what must be deleted before the locks (see declareOperations). */
    readonly components: pulumi.Resource[];
    /** A pool's network configuration, its subnet checked against the account's region and subscription. */
    poolNetwork(pool: PoolDefinition): { subnetId: string; publicIPs: "none" | "batchManaged" } | undefined;
}

/**
 * The private endpoints of the Batch account (`batchAccount`, `nodeManagement`) and the DNS zones they resolve in,
 * created and linked to the endpoints' and pools' networks (`privateDnsZones: create`) or taken as they exist.
 */
export function declarePrivateNetwork(settings: Settings, batchAccount: BatchAccount): PrivateNetwork {
    const { endpointSubnet, dnsZones } = settings.privateNetworking;
    const location = settings.batchAccount.location;
    const poolNetwork: PrivateNetwork["poolNetwork"] = (pool) => pool.network && { subnetId: pool.network.subnet.id, publicIPs: pool.network.publicIPs };
    if (endpointSubnet === undefined) {
        return { vaultEndpoint: undefined, nodeManagementReady: [], components: [], poolNetwork };
    }
    const hasPools = settings.pools.pools.length > 0;
    const groups = PRIVATE_ENDPOINT_GROUPS.filter((group) => group !== "vault" || hasPools);
    const zoneNames = PRIVATE_DNS_ZONE_NAMES[settings.cloud.name];
    let zoneIdFor: (group: PrivateEndpointGroup) => pulumi.Input<string>;
    let linksFor: (group: PrivateEndpointGroup) => pulumi.Resource[] = () => [];
    const components: pulumi.Resource[] = [];
    if (dnsZones.kind === "create") {
        const zones = new PrivateDnsZones("private-dns", {
            resourceGroupName: batchAccount.resourceGroupName,
            zoneNames: groups.map((group) => zoneNames[group]),
            virtualNetworkIds: [endpointSubnet.virtualNetworkId, ...settings.pools.pools.flatMap((pool) => (pool.network ? [pool.network.subnet.virtualNetworkId] : []))],
            tags: { ...settings.tags },
        });
        zoneIdFor = (group) => zones.zoneIds[zoneNames[group]];
        linksFor = (group) => zones.links[zoneNames[group]];
        components.push(zones);
    } else {
        zoneIdFor = (group) => dnsZones.zoneIds[group] ?? "";
    }
    const endpointArgs = (group: PrivateEndpointGroup): Omit<PrivateEndpointWithDnsArgs, "targetResourceId" | "groupId"> => ({
        endpointName: `pe-${stackLabel(settings)}-${group}`.slice(0, 80),
        resourceGroupName: batchAccount.resourceGroupName,
        location,
        subnetId: endpointSubnet.id,
        privateDnsZoneId: zoneIdFor(group),
        tags: { ...settings.tags },
    });
    // A record in a zone no network resolves from is no use: each endpoint is ready once its zone's links exist.
    const accountEndpoints = (["batchAccount", "nodeManagement"] as const).map(
        (group) =>
            new PrivateEndpointWithDns(`batch-${group}`, privateEndpointWaitingFor({ ...endpointArgs(group), targetResourceId: batchAccount.id, groupId: group }, linksFor(group))),
    );
    return {
        vaultEndpoint: hasPools ? vaultEndpointWaitingFor(endpointArgs("vault"), linksFor("vault")) : undefined,
        nodeManagementReady: [accountEndpoints[1].zoneGroup],
        components: [...components, ...accountEndpoints],
        poolNetwork,
    };
}

/**
 * Stops the run, before any resource is declared, when a pool's network is not in the account's region and
 * subscription; the provider's lookup is the only way to learn a network's region.
 */
export async function checkPoolNetworks(settings: Settings): Promise<void> {
    const subnets = settings.pools.pools.flatMap((pool, index) =>
        pool.network ? [{ key: `${CONFIG_NAMESPACE}:pools[${index}].subnetId`, subnet: pool.network.subnet }] : [],
    );
    if (subnets.length === 0) {
        return;
    }
    const { subscriptionId } = await authorization.getClientConfig();
    const problems = await poolSubnetProblems(subnets, settings.batchAccount.location, subscriptionId);
    if (problems.length > 0) {
        throw new ConfigValidationError(problems);
    }
}

/** The resources operations watch and protect: the Batch account always, the pools' vault when pools exist. */
export interface OperatedResources {
    readonly batchAccountId: pulumi.Input<string>;
    readonly vaultId?: pulumi.Input<string>;
    /**
     * Everything declared at or under the locked resources (pools, role assignments, endpoints, certificates): the
     * locks depend on it, so `pulumi destroy` deletes the locks first, and then the rest without `ScopeLocked`.
     */
    readonly lockedContents: pulumi.Resource[];
}

/**
 * Diagnostic settings (`logAnalyticsWorkspaceId`: the account's every log category and its metrics, the vault's audit
 * logs) and `CanNotDelete` locks (`resourceLocks`) on the account and the vault.
 */
export function declareOperations(settings: Settings, resources: OperatedResources): void {
    const { logAnalyticsWorkspaceId, resourceLocks } = settings.operations;
    const stackName = stackLabel(settings);
    const vaultTarget = resources.vaultId ? [{ key: "pool-vault", id: resources.vaultId }] : [];
    const diagnostics =
        logAnalyticsWorkspaceId === undefined
            ? []
            : [
                  new LogAnalyticsDiagnostics("diagnostics", {
                      workspaceId: logAnalyticsWorkspaceId,
                      settingName: `${stackName}-to-log-analytics`,
                      targets: [
                          { key: "batch-account", resourceId: resources.batchAccountId, categoryGroups: [DiagnosticCategoryGroup.AllLogs], allMetrics: true },
                          ...vaultTarget.map(({ key, id }) => ({ key, resourceId: id, categoryGroups: [DiagnosticCategoryGroup.Audit] })),
                      ],
                  }),
              ];
    if (!resourceLocks) {
        return;
    }
    const lockArgs = {
        lockName: `${stackName}-do-not-delete`,
        notes:
            `Set by the Pulumi stack ${stackName} (batch-entra:resourceLocks true). To delete or replace this resource or ` +
            "its pools, run `pulumi config set batch-entra:resourceLocks false` and `pulumi up` first.",
        targets: [{ key: "batch-account", scope: resources.batchAccountId }, ...vaultTarget.map(({ key, id }) => ({ key, scope: id }))],
    };
    new ResourceLocks("locks", resourceLocksWaitingFor(lockArgs, [...resources.lockedContents, ...diagnostics]));
}
