import { IPV4_OR_CIDR } from "../batchAccount/config";
import { BATCH_IP_RULES_PER_ENDPOINT, GUID_PATTERN_TEXT } from "../../azure/limits";
import { shown } from "../../config/messages";
import { CloudName } from "../../azure/clouds";
import { ConfigReader } from "../../config/reader";
import type { Settings } from "../../config/settings";
import { defineKey } from "../../config/keys";

/**
 * The private-link sub-resources (group IDs) the program connects: the Batch account's two endpoints and the vault
 * (an `as const` object, an enum in the component provider's schema).
 */
export const PrivateEndpointGroup = { BatchAccount: "batchAccount", NodeManagement: "nodeManagement", Vault: "vault" } as const;
export type PrivateEndpointGroup = (typeof PrivateEndpointGroup)[keyof typeof PrivateEndpointGroup];
export const PRIVATE_ENDPOINT_GROUPS: readonly PrivateEndpointGroup[] = Object.values(PrivateEndpointGroup);

/**
 * Private DNS zone per sub-resource and cloud. Both Batch sub-resources resolve in one zone: the account endpoint as
 * `<account>.<region>.privatelink.batch.azure.com`, node management as `<account>.<region>.service.privatelink.batch.azure.com`.
 * Sources: "Azure Private Endpoint private DNS zone values" (learn.microsoft.com/azure/private-link/private-endpoint-dns,
 * rows Microsoft.Batch/batchAccounts and Microsoft.KeyVault/vaults, tabs Commercial, Government and China) and
 * "Use private endpoints with Azure Batch accounts" (learn.microsoft.com/azure/batch/private-connectivity).
 */
export const PRIVATE_DNS_ZONE_NAMES: Readonly<Record<CloudName, Readonly<Record<PrivateEndpointGroup, string>>>> = {
    public: {
        batchAccount: "privatelink.batch.azure.com",
        nodeManagement: "privatelink.batch.azure.com",
        vault: "privatelink.vaultcore.azure.net",
    },
    usgovernment: {
        batchAccount: "privatelink.batch.usgovcloudapi.net",
        nodeManagement: "privatelink.batch.usgovcloudapi.net",
        vault: "privatelink.vaultcore.usgovcloudapi.net",
    },
    china: {
        batchAccount: "privatelink.batch.chinacloudapi.cn",
        nodeManagement: "privatelink.batch.chinacloudapi.cn",
        vault: "privatelink.vaultcore.azure.cn",
    },
};

/** A subnet named by its ARM ID, with the parts the program needs (the network to link zones to, the group it lives in). */
export interface SubnetReference {
    readonly id: string;
    readonly subscriptionId: string;
    readonly resourceGroup: string;
    readonly virtualNetworkName: string;
    /** The virtual network's ARM ID: the subnet ID without `/subnets/<name>`. */
    readonly virtualNetworkId: string;
    readonly name: string;
}

export type PrivateDnsZoneChoice =
    /** The program creates the zones (per cloud) and links them to the endpoint subnet's network and the pools' networks. */
    | { readonly kind: "create" }
    /** Zones that exist (often in a hub subscription), by sub-resource; `vault` is absent when no pool (and so no vault) exists. */
    | { readonly kind: "existing"; readonly zoneIds: Readonly<Partial<Record<PrivateEndpointGroup, string>>> };

export interface PrivateNetworkingSettings {
    /** Where the private endpoints go; undefined means no private endpoint at all. */
    readonly endpointSubnet: SubnetReference | undefined;
    readonly dnsZones: PrivateDnsZoneChoice;
    /** IPv4 addresses or CIDR ranges allowed to reach the node-management endpoint; empty leaves it open. */
    readonly nodeManagementIpRanges: readonly string[];
}

const SUBNET_ID = new RegExp(
    `^/subscriptions/(${GUID_PATTERN_TEXT})/resourceGroups/([^/]+)/providers/Microsoft\\.Network/virtualNetworks/([^/]+)/subnets/([^/]+)$`,
    "i",
);
const PRIVATE_DNS_ZONE_ID = new RegExp(`^/subscriptions/${GUID_PATTERN_TEXT}/resourceGroups/([^/]+)/providers/Microsoft\\.Network/privateDnsZones/([^/]+)$`, "i");
const VIRTUAL_NETWORK_ID = new RegExp(`^/subscriptions/${GUID_PATTERN_TEXT}/resourceGroups/[^/]+/providers/Microsoft\\.Network/virtualNetworks/[^/]+$`, "i");

export const SUBNET_ID_EXAMPLE =
    "/subscriptions/00000000-1111-2222-3333-444444444444/resourceGroups/rg-network/providers/Microsoft.Network/virtualNetworks/vnet-batch/subnets/snet-endpoints";

export const VIRTUAL_NETWORK_ID_EXAMPLE = SUBNET_ID_EXAMPLE.slice(0, SUBNET_ID_EXAMPLE.lastIndexOf("/subnets/"));

/** Why a value is not a virtual network's ARM ID (what a subnet ID is without `/subnets/<name>`), if it is not. */
export function virtualNetworkIdProblem(value: string): string | undefined {
    return VIRTUAL_NETWORK_ID.test(value.trim())
        ? undefined
        : `${shown(value)} is not a virtual network resource ID (/subscriptions/<id>/resourceGroups/<group>/providers/Microsoft.Network/virtualNetworks/<network>)`;
}

/** An example ARM ID of the zone `group` endpoints resolve in, in `cloud`. */
export function privateDnsZoneIdExample(cloud: CloudName, group: PrivateEndpointGroup): string {
    return `/subscriptions/00000000-1111-2222-3333-444444444444/resourceGroups/rg-dns/providers/Microsoft.Network/privateDnsZones/${PRIVATE_DNS_ZONE_NAMES[cloud][group]}`;
}

/**
 * Why `id` cannot be the private DNS zone of `group` endpoints in any of `clouds`: not a zone's ARM ID, or a zone
 * no client of those clouds asks for that sub-resource's records.
 */
export function privateDnsZoneIdProblem(group: PrivateEndpointGroup, id: string, clouds: readonly CloudName[]): string | undefined {
    const match = PRIVATE_DNS_ZONE_ID.exec(id.trim());
    if (match === null) {
        return `${shown(id)} is not a private DNS zone resource ID`;
    }
    const expected = [...new Set(clouds.map((cloud) => PRIVATE_DNS_ZONE_NAMES[cloud][group]))];
    if (expected.includes(match[2].toLowerCase())) {
        return undefined;
    }
    const resolveIn =
        clouds.length === 1
            ? `${group} endpoints of the ${clouds[0]} cloud resolve in "${expected[0]}"`
            : `${group} endpoints resolve in ${expected.map((name) => `"${name}"`).join(", ")} (the ${clouds.join(", ")} clouds)`;
    return `names zone ${shown(match[2])}, but ${resolveIn}; records in any other zone are never asked for, so clients and nodes would reach the public address instead`;
}

/** Parses a subnet's ARM ID, or returns why it is not one. */
export function parseSubnetId(value: string): SubnetReference | string {
    const match = SUBNET_ID.exec(value.trim());
    if (match === null) {
        return `${shown(value)} is not a subnet resource ID (/subscriptions/<id>/resourceGroups/<group>/providers/Microsoft.Network/virtualNetworks/<network>/subnets/<subnet>)`;
    }
    const id = value.trim();
    return {
        id,
        subscriptionId: match[1].toLowerCase(),
        resourceGroup: match[2],
        virtualNetworkName: match[3],
        virtualNetworkId: id.slice(0, id.toLowerCase().lastIndexOf("/subnets/")),
        name: match[4],
    };
}

/** The resource group named in an ARM ID (`/subscriptions/<id>/resourceGroups/<group>/...`), if any. */
export function resourceGroupOf(armId: string): string | undefined {
    return /^\/subscriptions\/[^/]+\/resourceGroups\/([^/]+)/i.exec(armId)?.[1];
}

export function readPrivateNetworkingSettings(reader: ConfigReader, cloud: CloudName): PrivateNetworkingSettings {
    const rawSubnet = reader.optionalString(PRIVATE_ENDPOINT_SUBNET_ID_KEY.name, { example: SUBNET_ID_EXAMPLE });
    let endpointSubnet: SubnetReference | undefined;
    if (rawSubnet !== undefined) {
        const parsed = parseSubnetId(rawSubnet);
        if (typeof parsed === "string") {
            reader.report(PRIVATE_ENDPOINT_SUBNET_ID_KEY.name, parsed, SUBNET_ID_EXAMPLE);
        } else {
            endpointSubnet = parsed;
        }
    }
    const dnsZones = readDnsZones(reader, cloud, rawSubnet !== undefined);
    const nodeManagementIpRanges = reader.stringList(ALLOWED_NODE_MANAGEMENT_IP_RANGES_KEY.name, {
        example: '["203.0.113.0/24"]',
        item: (value) => (IPV4_OR_CIDR.test(value) ? undefined : `${shown(value)} is not an IPv4 address or an IPv4 CIDR range`),
        limit: BATCH_IP_RULES_PER_ENDPOINT,
    });
    return { endpointSubnet, dnsZones, nodeManagementIpRanges };
}

function readDnsZones(reader: ConfigReader, cloud: CloudName, withEndpoints: boolean): PrivateDnsZoneChoice {
    const key = PRIVATE_DNS_ZONES_KEY.name;
    const zoneId = (group: PrivateEndpointGroup) => privateDnsZoneIdExample(cloud, group);
    const mapExample = JSON.stringify({ batchAccount: zoneId("batchAccount"), nodeManagement: zoneId("nodeManagement"), vault: zoneId("vault") });
    const given = reader.wordOrStructure(key);
    if (given === undefined) {
        return { kind: "create" };
    }
    if (!withEndpoints) {
        reader.report(key, "only applies with privateEndpointSubnetId, which is unset: there is no private endpoint to give a zone to", "create");
        return { kind: "create" };
    }
    if ("word" in given) {
        if (given.word !== "create") {
            reader.report(key, `${shown(given.word)} is neither "create" nor a map of existing zone IDs by sub-resource`, `create, or ${mapExample}`);
        }
        return { kind: "create" };
    }
    const value = given.structure;
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
        reader.report(key, 'is neither "create" nor a map of existing zone IDs by sub-resource', mapExample);
        return { kind: "create" };
    }
    const zoneIds: Partial<Record<PrivateEndpointGroup, string>> = {};
    for (const [group, id] of Object.entries(value as Record<string, unknown>)) {
        if (!(PRIVATE_ENDPOINT_GROUPS as readonly string[]).includes(group)) {
            reader.report(`${key}.${group}`, `is not a private endpoint sub-resource (${PRIVATE_ENDPOINT_GROUPS.join(", ")})`, mapExample);
            continue;
        }
        const endpointGroup = group as PrivateEndpointGroup;
        const problem = typeof id === "string" ? privateDnsZoneIdProblem(endpointGroup, id, [cloud]) : `${shown(id)} is not a private DNS zone resource ID`;
        if (problem !== undefined) {
            reader.report(`${key}.${group}`, problem, zoneId(endpointGroup));
        } else {
            zoneIds[endpointGroup] = (id as string).trim();
        }
    }
    for (const group of ["batchAccount", "nodeManagement"] as const) {
        if (!(group in (value as object))) {
            reader.report(`${key}.${group}`, "is required when privateDnsZones is a map (or use \"create\")", zoneId(group));
        }
    }
    return { kind: "existing", zoneIds };
}

/** Where a resource named in the configuration lives, for the pipeline-rights rule. */
interface ExternalResource {
    readonly key: string;
    readonly id: string;
    /** What the deploy identity would have to do there. */
    readonly need: string;
}

/**
 * Rules between private networking, the account, the pools and the pipeline: nodes of a private account need the
 * node-management endpoint and a network to reach it from, and CI's identities have rights in the stack's resource
 * group only (docs/run-from-ci.md), so a subnet, zone or workspace elsewhere is refused while pipelineIdentity is on.
 */
export function checkPrivateNetworking(
    reader: ConfigReader,
    settings: Pick<Settings, "batchAccount" | "pools" | "pipeline" | "privateNetworking" | "operations">,
): void {
    const { batchAccount, pools, pipeline, privateNetworking, operations } = settings;
    const accountPrivate = batchAccount.publicNetworkAccess === "Disabled";
    const hasPools = pools.pools.length > 0;
    if (accountPrivate && hasPools && privateNetworking.endpointSubnet === undefined) {
        reader.report(
            "publicNetworkAccess",
            "is Disabled, which also closes the public node management endpoint, and privateEndpointSubnetId is unset, so no " +
                "nodeManagement private endpoint exists: the pools' nodes could never talk to the Batch service. Set " +
                "privateEndpointSubnetId (the program then creates the endpoint), or keep Enabled and narrow it with allowedIpRanges",
            `Enabled, or set privateEndpointSubnetId: ${SUBNET_ID_EXAMPLE}`,
        );
    }
    if (accountPrivate && privateNetworking.nodeManagementIpRanges.length > 0) {
        reader.report(
            "allowedNodeManagementIpRanges",
            "IP rules only apply while publicNetworkAccess is Enabled; with Disabled, nodes reach the service through the nodeManagement private endpoint",
            "[]",
        );
    }
    if (accountPrivate && privateNetworking.endpointSubnet !== undefined) {
        pools.pools.forEach((pool, index) => {
            if (pool.network === undefined) {
                reader.report(
                    `pools[${index}].subnetId`,
                    "is required while the account is private: nodes outside a virtual network cannot reach the nodeManagement " +
                        "private endpoint, so the pool would never get a usable node",
                    privateNetworking.endpointSubnet?.id ?? SUBNET_ID_EXAMPLE,
                );
            }
        });
    }
    pools.pools.forEach((pool, index) => {
        if (pool.nodeIdentity && batchAccount.autoStorageAccountId === undefined) {
            reader.report(
                `pools[${index}].nodeIdentity`,
                "is true but autoStorageAccountId is unset: the node identity is given to the account's auto-storage, and there is none",
                "/subscriptions/00000000-1111-2222-3333-444444444444/resourceGroups/rg-data/providers/Microsoft.Storage/storageAccounts/stbatchdata (autoStorageAccountId)",
            );
        }
    });
    const zones = privateNetworking.dnsZones;
    if (zones.kind === "existing" && hasPools && zones.zoneIds.vault === undefined) {
        reader.report("privateDnsZones.vault", "is required when pools exist: the pools' vault gets a private endpoint too", "create");
    }
    if (!accountPrivate && privateNetworking.nodeManagementIpRanges.length > 0 && pools.pools.some((pool) => pool.network?.publicIPs !== "none")) {
        reader.warn(
            "allowedNodeManagementIpRanges",
            "denies every other address, and pools without subnetId and publicIPs none get public IPs Batch picks, which the rules cannot list in advance",
            "put the pools in a subnet with publicIPs none and allow the subnet's outbound (NAT gateway) address",
        );
    }
    if (!pipeline.enabled) {
        return;
    }
    const external: ExternalResource[] = [];
    if (privateNetworking.endpointSubnet) {
        external.push({ key: "privateEndpointSubnetId", id: privateNetworking.endpointSubnet.id, need: "join the subnet (Microsoft.Network/virtualNetworks/subnets/join/action)" });
    }
    if (zones.kind === "existing") {
        for (const [group, id] of Object.entries(zones.zoneIds)) {
            external.push({ key: `privateDnsZones.${group}`, id, need: "add records to the zone (Microsoft.Network/privateDnsZones/join/action)" });
        }
    }
    if (operations.logAnalyticsWorkspaceId) {
        external.push({ key: "logAnalyticsWorkspaceId", id: operations.logAnalyticsWorkspaceId, need: "send diagnostic logs to the workspace" });
    }
    pools.pools.forEach((pool, index) => {
        if (pool.network) {
            external.push({ key: `pools[${index}].subnetId`, id: pool.network.subnet.id, need: "place the pool's nodes in the subnet" });
        }
    });
    const stackGroup = batchAccount.resourceGroup.name.toLowerCase();
    for (const resource of external) {
        const group = resourceGroupOf(resource.id);
        if (group !== undefined && group.toLowerCase() !== stackGroup) {
            reader.report(
                resource.key,
                `is in resource group ${shown(group)}, outside the stack's group "${batchAccount.resourceGroup.name}", and ` +
                    `${reader.fullKey("pipelineIdentity")} is true: the pipeline's identities have rights in the stack's group ` +
                    `only, so CI could not ${resource.need} nor read it on refresh. Move it into "${batchAccount.resourceGroup.name}", ` +
                    "or deploy this stack without pipelineIdentity (docs/private-networking-and-operations.md, Rights)",
                resource.id.replace(/\/resourceGroups\/[^/]+\//i, `/resourceGroups/${batchAccount.resourceGroup.name}/`),
            );
        }
    }
    if (operations.resourceLocks) {
        reader.warn(
            "resourceLocks",
            "is created by the bootstrap run only: the deploy identity (Contributor) may not write or delete locks (Microsoft.Authorization/locks/*)",
            "change resourceLocks, or destroy the stack, as the bootstrap administrator (Owner or User Access Administrator)",
        );
    }
    if (accountPrivate) {
        reader.warn(
            "publicNetworkAccess",
            "is Disabled with pipelineIdentity: GitHub-hosted runners cannot reach the private account or the private vault's data plane, where the certificates live",
            "run the deploy workflow on a self-hosted runner inside (or peered with) the endpoints' virtual network",
        );
    }
}

export const PRIVATE_ENDPOINT_SUBNET_ID_KEY = defineKey({
    name: "privateEndpointSubnetId",
    type: "string",
    default: "",
    section: "privateNetworking",
    description: "Resource ID of a subnet for private endpoints to the Batch account (batchAccount, nodeManagement) and the pools' vault. Default (empty) is none.",
    example: "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet/subnets/endpoints",
    reference: { meaning: "Private endpoints for the account's `batchAccount` and `nodeManagement` sub-resources and the pools' vault, each with a DNS zone group.", type: "subnet ID", default: "none" },
});

export const PRIVATE_DNS_ZONES_KEY = defineKey({
    name: "privateDnsZones",
    type: "object",
    default: "create",
    section: "privateNetworking",
    description: "Create the cloud's zones and link them to the endpoint and pool networks, or {batchAccount, nodeManagement, vault} existing zone IDs.",
    example: "create",
    reference: { meaning: "Create the cloud's zones and link them to the endpoint and pool networks, or `{batchAccount, nodeManagement, vault}` existing zone IDs.", type: "`create` or map" },
});

export const ALLOWED_NODE_MANAGEMENT_IP_RANGES_KEY = defineKey({
    name: "allowedNodeManagementIpRanges",
    type: "array",
    items: "string",
    default: [],
    section: "privateNetworking",
    description: "IPv4 addresses or CIDR ranges allowed to reach the node-management endpoint (where pool nodes talk to Batch); all others are denied. Empty allows every address.",
    example: "[\"203.0.113.0/24\"]",
    reference: { meaning: "IPv4 addresses or CIDR ranges allowed to reach the node-management endpoint; when set, every other address is denied." },
});

/** This feature's configuration keys, in the README's order. Pulumi.yaml and the README's reference are generated from them (npm run generate:config). */
export const PRIVATE_NETWORKING_KEYS = [PRIVATE_ENDPOINT_SUBNET_ID_KEY, PRIVATE_DNS_ZONES_KEY, ALLOWED_NODE_MANAGEMENT_IP_RANGES_KEY];
