import type { PoolEntryReader } from "../pools/config";
import { shown } from "../../config/messages";
import { SUBNET_ID_EXAMPLE, SubnetReference, parseSubnetId } from "./config";

/**
 * `none`: nodes get no public IP (`NoPublicIPAddresses`) and reach the Batch service through the node-management
 * endpoint (private, or public through the subnet's outbound route); `batchManaged`: Batch gives them public IPs.
 * See https://learn.microsoft.com/azure/batch/simplified-node-communication-pool-no-public-ip
 */
export const PoolPublicIPs = { None: "none", BatchManaged: "batchManaged" } as const;
export type PoolPublicIPs = (typeof PoolPublicIPs)[keyof typeof PoolPublicIPs];

export interface PoolNetwork {
    readonly subnet: SubnetReference;
    readonly publicIPs: PoolPublicIPs;
}

const PUBLIC_IP_CHOICES: readonly PoolPublicIPs[] = Object.values(PoolPublicIPs);

/** A pool's `subnetId` and `publicIPs`; `defaultPublicIPs` is `none` when the account is private. */
export function readPoolNetwork(fields: PoolEntryReader, defaultPublicIPs: PoolPublicIPs): PoolNetwork | undefined {
    const subnetText = fields.has("subnetId") ? fields.requiredString("subnetId", SUBNET_ID_EXAMPLE) : undefined;
    let publicIPs = defaultPublicIPs;
    if (fields.has("publicIPs")) {
        const raw = fields.raw("publicIPs");
        const match = PUBLIC_IP_CHOICES.find((choice) => typeof raw === "string" && choice.toLowerCase() === raw.trim().toLowerCase());
        if (match === undefined) {
            fields.report("publicIPs", `${shown(raw)} is not one of "none", "batchManaged"`, "none");
        } else if (!fields.has("subnetId")) {
            fields.report(
                "publicIPs",
                "needs subnetId: only a pool in a virtual network can go without public IPs or choose how they are provisioned",
                `{"subnetId": "${SUBNET_ID_EXAMPLE}", "publicIPs": "none"}`,
            );
        } else {
            publicIPs = match;
        }
    }
    if (subnetText === undefined) {
        return undefined;
    }
    const subnet = parseSubnetId(subnetText);
    if (typeof subnet === "string") {
        fields.report("subnetId", subnet, SUBNET_ID_EXAMPLE);
        return undefined;
    }
    return { subnet, publicIPs };
}

/**
 * A pool's `nodeIdentity: true`: its nodes use the pools' user-assigned identity for auto-storage (the account's
 * `autoStorage.nodeIdentityReference`), instead of having no identity for it. Needs `autoStorageAccountId`.
 */
export function readNodeIdentity(fields: PoolEntryReader): boolean {
    if (!fields.has("nodeIdentity")) {
        return false;
    }
    const value = fields.raw("nodeIdentity");
    if (typeof value !== "boolean") {
        fields.report("nodeIdentity", `${shown(value)} is not a boolean`, "true");
        return false;
    }
    return value;
}
