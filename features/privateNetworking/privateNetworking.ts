import * as network from "@pulumi/azure-native/network";
import * as privatedns from "@pulumi/azure-native/privatedns";
import * as pulumi from "@pulumi/pulumi";
import { shortHash } from "../../config/naming";
import { ConfigProblem } from "../../config/problems";
import { shown } from "../../config/messages";
import type { CloudName } from "../../azure/clouds";
import { ArgProblem, listArgProblems, refuseBadArgs } from "../argRules";
import { aliasFormerType } from "../typeToken";
import {
    PRIVATE_DNS_ZONE_NAMES,
    PRIVATE_ENDPOINT_GROUPS,
    PrivateEndpointGroup,
    SUBNET_ID_EXAMPLE,
    VIRTUAL_NETWORK_ID_EXAMPLE,
    parseSubnetId,
    privateDnsZoneIdExample,
    privateDnsZoneIdProblem,
    virtualNetworkIdProblem,
} from "./config";

export interface PrivateDnsZonesArgs {
    /** Required. Resource group that holds the zones (the stack's group). */
    resourceGroupName: pulumi.Input<string>;
    /**
     * Required. Zone names to create, e.g. `privatelink.batch.azure.com`; duplicates are created once.
     * See https://learn.microsoft.com/azure/private-link/private-endpoint-dns
     */
    zoneNames: string[];
    /** Required. ARM IDs of the virtual networks whose resolvers must answer from the zones (endpoints' and pools' networks). */
    virtualNetworkIds: string[];
    /** Optional. Tags for the zones and links. Default: none. */
    tags?: Record<string, string>;
}

/**
 * Private DNS zones for private endpoints, each linked to the networks that must resolve the endpoints' private
 * addresses. Without a link, a node or client in that network resolves the public address, which a private account
 * refuses.
 */
export class PrivateDnsZones extends pulumi.ComponentResource {
    /** Zone ID by zone name. */
    public readonly zoneIds: Readonly<Record<string, pulumi.Output<string>>>;
    /** The links by zone name: a private endpoint is usable from a network only once its zone is linked there. */
    public readonly links: Readonly<Record<string, privatedns.VirtualNetworkLink[]>>;

    constructor(name: string, args: PrivateDnsZonesArgs, opts?: pulumi.ComponentResourceOptions) {
        super("batch-entra:index:PrivateDnsZones", name, {}, aliasFormerType(opts, "batch-entra:network:PrivateDnsZones"));
        refuseBadArgs(this, listArgProblems("virtualNetworkIds", args.virtualNetworkIds, VIRTUAL_NETWORK_ID_EXAMPLE, virtualNetworkIdProblem));
        const zoneIds: Record<string, pulumi.Output<string>> = {};
        const links: Record<string, privatedns.VirtualNetworkLink[]> = {};
        for (const zoneName of [...new Set(args.zoneNames)]) {
            // Private DNS zones and their links are global resources: ARM accepts only "global" as their location.
            const zone = new privatedns.PrivateZone(
                `${name}-${zoneName}`,
                { privateZoneName: zoneName, resourceGroupName: args.resourceGroupName, location: "global", tags: { ...args.tags } },
                { parent: this },
            );
            zoneIds[zoneName] = zone.id;
            links[zoneName] = [];
            for (const networkId of [...new Set(args.virtualNetworkIds.map((id) => id.toLowerCase()))]) {
                const networkName = networkId.split("/").pop() ?? "vnet";
                // Named after the network, with a hash of its full ID so networks of one name in two groups do not collide.
                const linkName = `${networkName.slice(0, 60)}-${shortHash(networkId, 8)}`;
                links[zoneName].push(
                    new privatedns.VirtualNetworkLink(
                        `${name}-${zoneName}-${linkName}`,
                        {
                            virtualNetworkLinkName: linkName,
                            privateZoneName: zone.name,
                            resourceGroupName: args.resourceGroupName,
                            location: "global",
                            virtualNetwork: { id: args.virtualNetworkIds.find((id) => id.toLowerCase() === networkId) },
                            // Endpoint records are written by the zone groups; VM auto-registration would mix node names in.
                            registrationEnabled: false,
                            tags: { ...args.tags },
                        },
                        { parent: this },
                    ),
                );
            }
        }
        this.zoneIds = zoneIds;
        this.links = links;
        this.registerOutputs({ zoneIds: this.zoneIds });
    }
}

export interface PrivateEndpointWithDnsArgs {
    /** Required. Name of the private endpoint resource. */
    endpointName: string;
    /** Required. Resource group of the endpoint (the stack's group). */
    resourceGroupName: pulumi.Input<string>;
    /** Required. Region of the endpoint; it must be the region of the subnet's virtual network. */
    location: pulumi.Input<string>;
    /** Required. ARM ID of the subnet the endpoint's network interface is placed in. */
    subnetId: string;
    /** Required. ARM ID of the resource the endpoint connects to. */
    targetResourceId: pulumi.Input<string>;
    /** Required. The target's private-link sub-resource: `batchAccount`, `nodeManagement` or `vault`. */
    groupId: PrivateEndpointGroup;
    /**
     * Required. ARM ID of the private DNS zone the endpoint's A record is written to: the zone of `groupId` in the
     * target's cloud, e.g. `privatelink.batch.azure.com` for both Batch sub-resources in the public cloud.
     */
    privateDnsZoneId: pulumi.Input<string>;
    /** Optional. Tags for the endpoint. Default: none. */
    tags?: Record<string, string>;
}

/**
 * The program's path for what the schema cannot carry: resources an endpoint is not usable without (the zone's
 * network links). Not an arg, because the component provider's schema models a resource as a bare URN.
 */
const endpointDependencies = new WeakMap<PrivateEndpointWithDnsArgs, pulumi.Resource[]>();

/** Endpoint args whose endpoint also waits for `dependsOn` (the batch-entra program's zone links). */
export function privateEndpointWaitingFor(args: PrivateEndpointWithDnsArgs, dependsOn: pulumi.Resource[] | undefined): PrivateEndpointWithDnsArgs {
    if (dependsOn !== undefined) {
        endpointDependencies.set(args, dependsOn);
    }
    return args;
}

/**
 * A private endpoint to one sub-resource, approved automatically (the deployer manages the target), and the DNS
 * zone group that keeps its A record in the private zone for as long as the endpoint exists.
 * See https://learn.microsoft.com/azure/private-link/private-endpoint-dns-integration
 */
export class PrivateEndpointWithDns extends pulumi.ComponentResource {
    public readonly endpoint: network.PrivateEndpoint;
    public readonly zoneGroup: network.PrivateDnsZoneGroup;
    public readonly endpointId: pulumi.Output<string>;

    constructor(name: string, args: PrivateEndpointWithDnsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("batch-entra:index:PrivateEndpointWithDns", name, {}, aliasFormerType(opts, "batch-entra:network:PrivateEndpointWithDns"));
        const knownGroup = PRIVATE_ENDPOINT_GROUPS.includes(args.groupId);
        const subnet = parseSubnetId(String(args.subnetId));
        refuseBadArgs(this, [
            typeof subnet === "string" ? { arg: "subnetId", problem: subnet, example: SUBNET_ID_EXAMPLE } : undefined,
            knownGroup ? undefined : { arg: "groupId", problem: `${shown(args.groupId)} is not a private endpoint sub-resource (${PRIVATE_ENDPOINT_GROUPS.join(", ")})`, example: "nodeManagement" },
            knownGroup && typeof args.privateDnsZoneId === "string" ? zoneIdArgProblem(args.groupId, args.privateDnsZoneId) : undefined,
        ]);
        this.endpoint = new network.PrivateEndpoint(
            `${name}-endpoint`,
            {
                privateEndpointName: args.endpointName,
                resourceGroupName: args.resourceGroupName,
                location: args.location,
                subnet: { id: args.subnetId },
                privateLinkServiceConnections: [{ name: args.endpointName, privateLinkServiceId: args.targetResourceId, groupIds: [args.groupId] }],
                tags: { ...args.tags },
            },
            { parent: this, dependsOn: endpointDependencies.get(args) },
        );
        this.zoneGroup = new network.PrivateDnsZoneGroup(
            `${name}-dns`,
            {
                privateDnsZoneGroupName: "default",
                privateEndpointName: this.endpoint.name,
                resourceGroupName: args.resourceGroupName,
                privateDnsZoneConfigs: [{ name: args.groupId, privateDnsZoneId: args.privateDnsZoneId }],
            },
            { parent: this },
        );
        this.endpointId = this.endpoint.id;
        this.registerOutputs({ endpointId: this.endpointId });
    }
}

/** The zone ID's problem for a library caller, who may target any cloud. */
function zoneIdArgProblem(group: PrivateEndpointGroup, zoneId: string): ArgProblem | undefined {
    const problem = privateDnsZoneIdProblem(group, zoneId, Object.keys(PRIVATE_DNS_ZONE_NAMES) as CloudName[]);
    return problem === undefined ? undefined : { arg: "privateDnsZoneId", problem, example: privateDnsZoneIdExample("public", group) };
}

/** A pool's subnet as the configuration named it, with the key it came from. */
export interface PoolSubnet {
    readonly key: string;
    readonly subnet: { readonly id: string; readonly subscriptionId: string; readonly resourceGroup: string; readonly virtualNetworkName: string };
}

/**
 * Looks up the pools' virtual networks before anything is declared: Batch refuses a pool whose network is in another
 * region or subscription, and says so only when the pool is created, after everything else. Returns the problems.
 * See https://learn.microsoft.com/azure/batch/batch-virtual-network#general-virtual-network-requirements
 */
export async function poolSubnetProblems(subnets: readonly PoolSubnet[], location: string, subscriptionId: string): Promise<ConfigProblem[]> {
    const problems: ConfigProblem[] = [];
    for (const { key, subnet } of subnets) {
        const example = `a subnet of a virtual network in ${location}, subscription ${subscriptionId}`;
        if (subnet.subscriptionId !== subscriptionId.toLowerCase()) {
            problems.push({ key, problem: `is in subscription ${subnet.subscriptionId}, but Batch pools need a network in the account's subscription ${subscriptionId}`, example });
            continue;
        }
        const found = await network.getVirtualNetwork({ resourceGroupName: subnet.resourceGroup, virtualNetworkName: subnet.virtualNetworkName });
        const region = (found.location ?? "").toLowerCase().replace(/\s+/g, "");
        if (region !== location) {
            problems.push({
                key,
                problem: `names virtual network ${subnet.virtualNetworkName}, which is in ${found.location}, but the Batch account is in ${location}; a pool's network must be in the account's region`,
                example,
            });
        }
    }
    return problems;
}
