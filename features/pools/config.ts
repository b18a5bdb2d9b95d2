import { createHash } from "crypto";
import { CloudName } from "../../azure/clouds";
import { PoolNetwork, PoolPublicIPs, readNodeIdentity, readPoolNetwork } from "../privateNetworking/poolNetwork";
import { SUBSCRIPTION_ID_PREFIX, hostNameProblem, isVmSizeShaped } from "../../azure/limits";
import { ownEntry } from "../../config/lookup";
import { shown } from "../../config/messages";
import { ConfigReader, EXAMPLE_GUID } from "../../config/reader";
import { TextRule } from "../argRules";
import { defineKey } from "../../config/keys";
import { stackLabel } from "../../config/naming";
import type { CertificateRotatingPoolArgs, CertificateRotatingPoolScale, FixedPoolScale } from "./certificateRotatingPool";
import type { CertificateToCreate, ExistingCertificateReference, PoolIdentityVaultArgs, VaultPermissionModel } from "./poolIdentityVault";

/**
 * The PoolIdentityVault args the stack's keys configure (seed 004: one user-assigned identity and one Key Vault shared
 * by every pool of the stack), as the component takes them, and the pools. declarePools adds what only the running
 * program knows (the account's group, the derived vault name, the pipeline's identities, the private endpoint) and
 * collects the vault's certificates from the pools.
 */
export interface PoolSettings
    extends Omit<
        PoolIdentityVaultArgs,
        "resourceGroupName" | "location" | "vaultName" | "certificateOfficers" | "certificateReaders" | "certificates" | "existingCertificates" | "publicNetworkAccess" | "privateEndpoint" | "tags"
    > {
    /** The pools to declare; empty means no pool, identity or vault at all. */
    readonly pools: PoolDefinition[];
    /** The vault name given in config; undefined means derive one (see defaultKeyVaultName). */
    readonly keyVaultName: string | undefined;
    readonly permissionModel: VaultPermissionModel;
    /** Undefined means the Batch account's group. */
    readonly identityResourceGroupName?: string;
    /** Undefined only when no pool creates a certificate. */
    readonly certificateManager: CertificateManager | undefined;
}

export type CertificateManagerType = "User" | "Group" | "ServicePrincipal";

export interface CertificateManager {
    readonly principalId: string;
    /** RBAC grants must name the principal's type, or ARM refuses them (UnmatchedPrincipalType). */
    readonly principalType: CertificateManagerType;
}

/** A pool image's operating system (an `as const` object, an enum in the component provider's schema). */
export const OsFamily = { Linux: "linux", Windows: "windows" } as const;
export type OsFamily = (typeof OsFamily)[keyof typeof OsFamily];

export interface PoolImage {
    readonly publisher: string;
    readonly offer: string;
    readonly sku: string;
    readonly version: string;
    readonly nodeAgentSkuId: string;
    readonly osFamily: OsFamily;
}

/** A certificate the program creates in the pools' vault, with the defaults filled in. */
export interface CreatedCertificate extends CertificateToCreate {
    readonly kind: "created";
    readonly dnsNames: string[];
    readonly issuerName: string;
}

/** A certificate that exists already, by its versionless secret URL (normalised to this cloud's host). */
export interface ExistingCertificate extends ExistingCertificateReference {
    readonly kind: "existing";
    /** The vault's host name label from the URL. */
    readonly vaultName: string;
}

export type PoolCertificate = CreatedCertificate | ExistingCertificate;

/**
 * A pool's CertificateRotatingPool args, as the component takes them, with its certificates and network as the stack
 * configures them: declarePools adds the account, the identity, the certificates' secret URLs and the cloud.
 */
export interface PoolDefinition
    extends Omit<CertificateRotatingPoolArgs, "resourceGroupName" | "batchAccountName" | "identity" | "certificates" | "network" | "resourceManager"> {
    readonly scale: CertificateRotatingPoolScale;
    readonly pollingIntervalSeconds: number;
    readonly certificateStoreLocation: string;
    readonly certificates: PoolCertificate[];
    /** The subnet the nodes join and whether they get public IPs; undefined keeps them outside any virtual network. */
    readonly network: PoolNetwork | undefined;
    /** Nodes use the pools' identity for auto-storage (`nodeIdentityReference`). */
    readonly nodeIdentity: boolean;
}

interface ImagePreset {
    readonly publisher: string;
    readonly offer: string;
    readonly sku: string;
    readonly nodeAgentSkuId: string;
    readonly osFamily: OsFamily;
}

/**
 * Images the Key Vault extension and the Batch node agent both support today, with the node agent SKU Batch pairs
 * with each (Batch "List Supported Images"; Key Vault VM extension for Linux / Windows, supported OS lists).
 * Ubuntu 18.04 from seed 004 is out of support and deliberately absent.
 */
export const POOL_IMAGES: Readonly<Record<string, ImagePreset>> = {
    "ubuntu-24.04": { publisher: "canonical", offer: "ubuntu-24_04-lts", sku: "server", nodeAgentSkuId: "batch.node.ubuntu 24.04", osFamily: "linux" },
    "ubuntu-22.04": {
        publisher: "canonical",
        offer: "0001-com-ubuntu-server-jammy",
        sku: "22_04-lts",
        nodeAgentSkuId: "batch.node.ubuntu 22.04",
        osFamily: "linux",
    },
    "azurelinux-3": {
        publisher: "microsoftcblmariner",
        offer: "azure-linux-3",
        sku: "azure-linux-3",
        nodeAgentSkuId: "batch.node.azurelinux 3",
        osFamily: "linux",
    },
    "windows-2022": {
        publisher: "microsoftwindowsserver",
        offer: "windowsserver",
        sku: "2022-datacenter",
        nodeAgentSkuId: "batch.node.windows amd64",
        osFamily: "windows",
    },
    "windows-2025": {
        publisher: "microsoftwindowsserver",
        offer: "windowsserver",
        sku: "2025-datacenter",
        nodeAgentSkuId: "batch.node.windows amd64",
        osFamily: "windows",
    },
};

export const DEFAULT_POOL_IMAGE = "ubuntu-24.04";

/** Where the Linux extension writes certificates (Key Vault VM extension for Linux, default store). */
export const LINUX_CERTIFICATE_STORE = "/var/lib/waagent/Microsoft.Azure.KeyVault";
/** The Windows extension's store location; the store name is always MY (Personal). */
export const WINDOWS_CERTIFICATE_STORE = "LocalMachine";

/** How often nodes ask the vault for a renewed certificate unless a pool says otherwise: hourly. */
export const DEFAULT_POLLING_INTERVAL_SECONDS = 3600;
/** A pool's fixed size unless it says otherwise: no node, so it costs nothing until someone scales it. */
export const DEFAULT_NODE_COUNTS: Readonly<FixedPoolScale> = { dedicatedNodes: 0, lowPriorityNodes: 0 };
/** Key Vault's own issuer: the vault signs the certificate itself. */
export const DEFAULT_CERTIFICATE_ISSUER = "Self";

/** Key Vault DNS suffix per cloud: secret URLs of another cloud cannot be reached by the nodes' identity. */
export const KEY_VAULT_DNS_SUFFIX: Readonly<Record<CloudName, string>> = {
    public: "vault.azure.net",
    usgovernment: "vault.usgovcloudapi.net",
    china: "vault.azure.cn",
};

const POOL_EXAMPLE = '[{"name": "pool-01", "vmSize": "Standard_D2s_v5"}]';
const POOL_FIELDS = [
    "name",
    "vmSize",
    "image",
    "nodeAgentSkuId",
    "dedicatedNodes",
    "lowPriorityNodes",
    "autoScale",
    "pollingIntervalSeconds",
    "certificateStoreLocation",
    "certificates",
    "subnetId",
    "publicIPs",
    "nodeIdentity",
];
const CREATED_CERTIFICATE_FIELDS = ["name", "subject", "dnsNames", "validityMonths", "daysBeforeExpiry", "issuer"];
const EXISTING_CERTIFICATE_FIELDS = ["name", "secretUrl", "keyVaultId"];

/** Batch pool IDs: letters, digits, hyphens and underscores, at most 64 characters (Batch "Pool - Add"). */
export const POOL_NAME_RULE: TextRule = { pattern: /^[A-Za-z0-9_-]{1,64}$/, rule: "a pool ID is 1 to 64 letters, digits, hyphens or underscores", example: "pool-01" };
export const VM_SIZE_RULE: TextRule = { pattern: /^[A-Za-z0-9_-]+$/, rule: "a VM size is a single word such as Standard_D2s_v5", example: "Standard_D2s_v5" };
/** Key Vault object names: letters, digits and hyphens, 1 to 127 characters. */
const VAULT_OBJECT_NAME = /^[A-Za-z0-9-]{1,127}$/;
const KEY_VAULT_ID = new RegExp(`^${SUBSCRIPTION_ID_PREFIX}/resourceGroups/[^/]+/providers/Microsoft\\.KeyVault/vaults/([A-Za-z0-9-]{3,24})$`, "i");
const RESOURCE_GROUP_NAME = /^[-\w.()]{0,89}[-\w()]$/;
const ISO_DURATION = /^PT(?:(\d+)H)?(?:(\d+)M)?$/;

/**
 * Key Vault accepts a lifetime action's daysBeforeExpiry only below validity months x 27 (the LifetimeAction docs of
 * the Key Vault certificates API), which also keeps renewal inside the shortest possible validity.
 */
const SHORTEST_MONTH_DAYS = 27;

/** Azure's Key Vault name rules: 3-24 characters, letters, digits and hyphens, starts with a letter, ends with a letter or digit, no "--". */
export function keyVaultNameProblem(name: string): string | undefined {
    if (name.length < 3 || name.length > 24) {
        return `${shown(name)} has ${name.length} characters; a Key Vault name has 3 to 24`;
    }
    if (!/^[A-Za-z0-9-]+$/.test(name)) {
        return `${shown(name)} may contain only letters, digits and hyphens`;
    }
    if (!/^[A-Za-z]/.test(name)) {
        return `${shown(name)} must start with a letter`;
    }
    if (!/[A-Za-z0-9]$/.test(name)) {
        return `${shown(name)} must end with a letter or digit`;
    }
    if (name.includes("--")) {
        return `${shown(name)} contains consecutive hyphens, which Key Vault names cannot`;
    }
    return undefined;
}

/**
 * A Key Vault name derived from subscription, project, stack and the stack's vault generation. Vault names are
 * global across Azure and stay taken for 90 days after deletion (purge protection), so the hash keeps the same stack
 * in two subscriptions, and two stacks or projects, apart; the generation (the time the stack first declared its
 * vault, kept in state) gives a stack destroyed and created again a new name instead of the soft-deleted one.
 * Always satisfies keyVaultNameProblem.
 */
export function defaultKeyVaultName(stack: { projectName: string; stackName: string }, subscriptionId: string, generation: string): string {
    const { projectName, stackName } = stack;
    const hash = createHash("sha256").update(`${subscriptionId}/${projectName}/${stackName}/${generation}`).digest("hex").slice(0, 6);
    const stem = `kv-${stackName}`
        .toLowerCase()
        .replace(/[^a-z0-9-]/g, "-")
        .replace(/-+/g, "-")
        .slice(0, 24 - hash.length - 1)
        .replace(/-+$/, "");
    return `${stem}-${hash}`;
}

/** Certificate names derive from pool names, which may hold underscores that Key Vault names cannot. */
export function defaultCertificateName(poolName: string): string {
    return `${poolName.replace(/_/g, "-")}-cert`.slice(0, 127);
}

export interface SecretUrlParts {
    readonly vaultName: string;
    readonly secretName: string;
}

/**
 * Checks that a URL is a versionless Key Vault secret URL of this cloud. The extension reads a certificate with its
 * private key through the secret endpoint and follows the newest version only when the URL names no version.
 */
export function parseVersionlessSecretUrl(value: string, cloud: CloudName): SecretUrlParts | string {
    let url: URL;
    try {
        url = new URL(value);
    } catch {
        return `${shown(value)} is not a URL`;
    }
    const suffix = KEY_VAULT_DNS_SUFFIX[cloud];
    const host = url.hostname.toLowerCase();
    if (url.protocol !== "https:" || !host.endsWith(`.${suffix}`) || host.split(".").length !== suffix.split(".").length + 1) {
        return `${shown(value)} is not a Key Vault URL of the ${cloud} cloud (https://<vault>.${suffix}/secrets/<name>)`;
    }
    if (url.search !== "" || url.hash !== "") {
        return `${shown(value)} has a query or fragment; a secret URL has neither`;
    }
    const segments = url.pathname.split("/").filter((segment) => segment !== "");
    if (segments[0]?.toLowerCase() === "certificates") {
        return (
            `${shown(value)} is a /certificates/ URL, which returns only the public certificate; the Key Vault extension needs ` +
            "the certificate's secret (/secrets/<name>), which carries the private key"
        );
    }
    if (segments[0]?.toLowerCase() !== "secrets" || segments.length < 2 || segments.length > 3) {
        return `${shown(value)} is not a Key Vault secret URL (https://<vault>.${suffix}/secrets/<name>)`;
    }
    if (segments.length === 3) {
        return (
            `${shown(value)} names version ${segments[2]}: nodes would keep that version forever, so renewals would never ` +
            "reach them and they would hold an expired certificate; drop the version to follow every renewal"
        );
    }
    if (!VAULT_OBJECT_NAME.test(segments[1])) {
        return `${shown(value)} has a secret name Key Vault cannot hold (letters, digits and hyphens only)`;
    }
    return { vaultName: host.split(".")[0], secretName: segments[1] };
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Reads one pool-list section of the configuration; problems are reported through the reader with the entry's path. */
export class PoolEntryReader {
    constructor(
        private readonly reader: ConfigReader,
        private readonly entry: Json,
        readonly path: string,
    ) {}

    /** A reader for a nested object, e.g. one certificate of a pool. */
    nested(entry: Json, path: string): PoolEntryReader {
        return new PoolEntryReader(this.reader, entry, path);
    }

    report(field: string, problem: string, example: string): void {
        this.reader.report(field === "" ? this.path : `${this.path}.${field}`, problem, example);
    }

    warn(field: string, warning: string, fix: string): void {
        this.reader.warn(`${this.path}.${field}`, warning, fix);
    }

    unknownFields(allowed: readonly string[], example: string): void {
        for (const field of Object.keys(this.entry)) {
            if (!allowed.includes(field)) {
                this.report(field, `is not a field of this entry (fields: ${allowed.join(", ")})`, example);
            }
        }
    }

    has(field: string): boolean {
        return this.entry[field] !== undefined && this.entry[field] !== null;
    }

    raw(field: string): unknown {
        return this.entry[field];
    }

    requiredString(field: string, example: string, rule?: { pattern: RegExp; text: string }): string | undefined {
        const value = this.entry[field];
        if (typeof value !== "string" || value.trim() === "") {
            this.report(field, value === undefined ? "is required" : "must be a non-empty text value", example);
            return undefined;
        }
        if (rule && !rule.pattern.test(value.trim())) {
            this.report(field, `${shown(value)} is not valid: ${rule.text}`, example);
            return undefined;
        }
        return value.trim();
    }

    optionalString(field: string, defaultValue: string, example: string, rule?: { pattern: RegExp; text: string }): string {
        return this.has(field) ? (this.requiredString(field, example, rule) ?? defaultValue) : defaultValue;
    }

    integer(field: string, defaultValue: number, range: { min: number; max: number; why?: string }): number {
        if (!this.has(field)) {
            return defaultValue;
        }
        const value = this.entry[field];
        if (typeof value !== "number" || !Number.isInteger(value)) {
            this.report(field, `${JSON.stringify(value)} is not a whole number`, String(defaultValue));
            return defaultValue;
        }
        if (value < range.min || value > range.max) {
            this.report(field, `${value} is outside ${range.min}..${range.max}${range.why ? ` (${range.why})` : ""}`, String(defaultValue));
            return defaultValue;
        }
        return value;
    }

    stringList(field: string, example: string): string[] {
        if (!this.has(field)) {
            return [];
        }
        const value = this.entry[field];
        if (!Array.isArray(value) || value.some((item) => typeof item !== "string" || item.trim() === "")) {
            this.report(field, "must be a list of non-empty text values", example);
            return [];
        }
        return value.map((item: string) => item.trim());
    }
}

export function readPoolSettings(
    reader: ConfigReader,
    stack: { projectName: string; stackName: string },
    cloud: CloudName,
    defaultPublicIPs: PoolPublicIPs = "batchManaged",
): PoolSettings {
    const permissionModel = reader.oneOf<VaultPermissionModel>(POOL_KEY_VAULT_PERMISSION_MODEL_KEY.name, ["rbac", "accessPolicy"], POOL_KEY_VAULT_PERMISSION_MODEL_KEY.default);
    const keyVaultName = reader.optionalString(POOL_KEY_VAULT_NAME_KEY.name, { example: "kv-batch-pools-01" });
    const vaultNameProblem = keyVaultName === undefined ? undefined : keyVaultNameProblem(keyVaultName);
    if (vaultNameProblem !== undefined) {
        reader.report(POOL_KEY_VAULT_NAME_KEY.name, vaultNameProblem, "kv-batch-pools-01");
    }
    const identityResourceGroupName = reader.optionalString(POOL_IDENTITY_RESOURCE_GROUP_KEY.name, {
        example: "rg-batch-identities",
        pattern: RESOURCE_GROUP_NAME,
        rule: "a resource group name is 1 to 90 letters, digits, and - _ . ( ), not ending in a period",
    });
    const managerId = reader.optionalGuid(POOL_CERTIFICATE_MANAGER_KEY.name);
    const managerType = reader.oneOf<CertificateManagerType>(POOL_CERTIFICATE_MANAGER_TYPE_KEY.name, ["Group", "User", "ServicePrincipal"], POOL_CERTIFICATE_MANAGER_TYPE_KEY.default);
    const identityName = `${stackLabel(stack)}-pools`.replace(/[^A-Za-z0-9_-]/g, "-").slice(0, 128);

    const raw = reader.json(POOLS_KEY.name, POOL_EXAMPLE);
    let pools: PoolDefinition[] = [];
    if (raw !== undefined) {
        if (!Array.isArray(raw)) {
            reader.report(POOLS_KEY.name, "must be a list of pool entries", POOL_EXAMPLE);
        } else {
            pools = raw.flatMap((entry, index) => {
                const pool = readPool(reader, entry, `${POOLS_KEY.name}[${index}]`, cloud, defaultPublicIPs);
                return pool === undefined ? [] : [pool];
            });
            checkUnique(reader, pools, keyVaultName);
        }
    }
    const createsCertificates = pools.some((pool) => pool.certificates.some((certificate) => certificate.kind === "created"));
    if (createsCertificates && managerId === undefined) {
        reader.report(
            "poolCertificateManager",
            "is required when a pool creates certificates: name the group (or user or service principal) whose members run " +
                "pulumi up, so the vault grant is the same whoever deploys and every deployer can refresh the certificates",
            EXAMPLE_GUID,
        );
    }
    const certificateManager = managerId === undefined ? undefined : { principalId: managerId, principalType: managerType };
    return { pools, keyVaultName, permissionModel, identityResourceGroupName, identityName, certificateManager };
}

function readPool(reader: ConfigReader, entry: unknown, path: string, cloud: CloudName, defaultPublicIPs: PoolPublicIPs): PoolDefinition | undefined {
    if (!isObject(entry)) {
        reader.report(path, "must be an object with at least name and vmSize", '{"name": "pool-01", "vmSize": "Standard_D2s_v5"}');
        return undefined;
    }
    const fields = new PoolEntryReader(reader, entry, path);
    fields.unknownFields(POOL_FIELDS, '{"name": "pool-01", "vmSize": "Standard_D2s_v5"}');
    const poolName = fields.requiredString("name", POOL_NAME_RULE.example, { pattern: POOL_NAME_RULE.pattern, text: POOL_NAME_RULE.rule });
    const vmSize = fields.requiredString("vmSize", VM_SIZE_RULE.example, { pattern: VM_SIZE_RULE.pattern, text: VM_SIZE_RULE.rule });
    if (vmSize !== undefined && !isVmSizeShaped(vmSize)) {
        fields.warn(
            "vmSize",
            `${shown(vmSize)} does not have the shape of an Azure VM size (Standard_<family><vCPUs><features>[_<accelerator>][_v<version>])`,
            "check the name with `az batch location list-skus --location <region>`, e.g. Standard_D2s_v5 (the version follows an underscore)",
        );
    }
    const image = readImage(fields);
    const scale = readScale(fields);
    const pollingIntervalSeconds = fields.integer("pollingIntervalSeconds", DEFAULT_POLLING_INTERVAL_SECONDS, {
        min: 60,
        max: 86400,
        why: "how often nodes ask the vault for a renewed certificate: between a minute and a day",
    });
    const certificateStoreLocation = readStoreLocation(fields, image?.osFamily ?? "linux");
    const certificates = readCertificates(fields, poolName ?? "pool", cloud);
    const network = readPoolNetwork(fields, defaultPublicIPs);
    const nodeIdentity = readNodeIdentity(fields);
    if (poolName === undefined || vmSize === undefined || image === undefined) {
        return undefined;
    }
    return { poolName, vmSize, image, scale, pollingIntervalSeconds, certificateStoreLocation, certificates, network, nodeIdentity };
}

function readImage(fields: PoolEntryReader): PoolImage | undefined {
    const presetNames = Object.keys(POOL_IMAGES);
    const raw = fields.has("image") ? fields.raw("image") : DEFAULT_POOL_IMAGE;
    let preset: ImagePreset | undefined;
    let version = "latest";
    if (typeof raw === "string") {
        preset = ownEntry(POOL_IMAGES, raw.trim().toLowerCase());
        if (preset === undefined) {
            fields.report("image", `${shown(raw)} is not a supported image; choose one of ${presetNames.join(", ")}`, DEFAULT_POOL_IMAGE);
            return undefined;
        }
    } else if (isObject(raw) && typeof raw.publisher === "string" && typeof raw.offer === "string" && typeof raw.sku === "string") {
        const wanted = [raw.publisher, raw.offer, raw.sku].map((part) => part.trim().toLowerCase());
        preset = Object.values(POOL_IMAGES).find((image) => image.publisher === wanted[0] && image.offer === wanted[1] && image.sku === wanted[2]);
        if (preset === undefined) {
            fields.report(
                "image",
                `${raw.publisher}/${raw.offer}/${raw.sku} is not an image both Batch and the Key Vault extension support; ` +
                    `use one of ${presetNames.join(", ")}`,
                '{"publisher": "canonical", "offer": "ubuntu-24_04-lts", "sku": "server", "version": "latest"}',
            );
            return undefined;
        }
        if (raw.version !== undefined) {
            if (typeof raw.version !== "string" || !/^(latest|\d+\.\d+\.\d+)$/.test(raw.version)) {
                fields.report("image.version", `${JSON.stringify(raw.version)} is not "latest" or a version such as 24.04.202501010`, "latest");
            } else {
                version = raw.version;
            }
        }
    } else {
        fields.report("image", "must be an image name or an object with publisher, offer and sku", DEFAULT_POOL_IMAGE);
        return undefined;
    }

    const agent = fields.has("nodeAgentSkuId") ? fields.raw("nodeAgentSkuId") : preset.nodeAgentSkuId;
    if (typeof agent !== "string" || agent.trim().toLowerCase() !== preset.nodeAgentSkuId) {
        fields.report(
            "nodeAgentSkuId",
            `${JSON.stringify(agent)} does not match the image ${preset.publisher}/${preset.offer}/${preset.sku}, whose node agent ` +
                `SKU is "${preset.nodeAgentSkuId}"; Batch refuses to create a pool with a mismatched agent`,
            preset.nodeAgentSkuId,
        );
        return undefined;
    }
    return { ...preset, version };
}

/** Exactly one of `fixed` and `auto`, as CertificateRotatingPool takes it. */
function readScale(fields: PoolEntryReader): CertificateRotatingPoolScale {
    const autoScaleExample = '{"formula": "$TargetDedicatedNodes = 0;", "evaluationInterval": "PT15M"}';
    if (fields.has("autoScale")) {
        if (fields.has("dedicatedNodes") || fields.has("lowPriorityNodes")) {
            fields.report("autoScale", "cannot be combined with dedicatedNodes or lowPriorityNodes: the formula decides the node counts", autoScaleExample);
        }
        const autoScale = fields.raw("autoScale");
        if (!isObject(autoScale) || typeof autoScale.formula !== "string" || autoScale.formula.trim() === "") {
            fields.report("autoScale.formula", "is required: the autoscale formula Batch evaluates", autoScaleExample);
            return { fixed: { ...DEFAULT_NODE_COUNTS } };
        }
        const interval = autoScale.evaluationInterval ?? "PT15M";
        const minutes = typeof interval === "string" ? durationMinutes(interval) : undefined;
        if (minutes === undefined || minutes < 5 || minutes > 168 * 60) {
            fields.report(
                "autoScale.evaluationInterval",
                `${JSON.stringify(interval)} is not an ISO 8601 duration between PT5M and PT168H, the range Batch accepts`,
                "PT15M",
            );
        }
        for (const field of Object.keys(autoScale)) {
            if (!["formula", "evaluationInterval"].includes(field)) {
                fields.report(`autoScale.${field}`, "is not a field of autoScale (fields: formula, evaluationInterval)", autoScaleExample);
            }
        }
        return { auto: { formula: autoScale.formula.trim(), evaluationInterval: String(interval) } };
    }
    const limit = { min: 0, max: 10000, why: "node counts" };
    const { dedicatedNodes, lowPriorityNodes } = DEFAULT_NODE_COUNTS;
    return { fixed: { dedicatedNodes: fields.integer("dedicatedNodes", dedicatedNodes, limit), lowPriorityNodes: fields.integer("lowPriorityNodes", lowPriorityNodes, limit) } };
}

function durationMinutes(value: string): number | undefined {
    const match = ISO_DURATION.exec(value);
    if (match === null || (match[1] === undefined && match[2] === undefined)) {
        return undefined;
    }
    return Number(match[1] ?? 0) * 60 + Number(match[2] ?? 0);
}

function readStoreLocation(fields: PoolEntryReader, osFamily: OsFamily): string {
    if (osFamily === "windows") {
        const value = fields.optionalString("certificateStoreLocation", WINDOWS_CERTIFICATE_STORE, WINDOWS_CERTIFICATE_STORE);
        if (!["LocalMachine", "CurrentUser"].includes(value)) {
            fields.report("certificateStoreLocation", `${shown(value)} is not a Windows store location: LocalMachine or CurrentUser`, WINDOWS_CERTIFICATE_STORE);
        }
        return value;
    }
    return fields.optionalString("certificateStoreLocation", LINUX_CERTIFICATE_STORE, LINUX_CERTIFICATE_STORE, {
        pattern: /^\/[^\s]*$/,
        text: "the Linux store location is an absolute directory path",
    });
}

function readCertificates(fields: PoolEntryReader, poolName: string, cloud: CloudName): PoolCertificate[] {
    if (!fields.has("certificates")) {
        return [createdCertificate(undefined, poolName)];
    }
    const raw = fields.raw("certificates");
    const example = `[{"name": "${defaultCertificateName(poolName)}", "subject": "CN=${poolName}"}]`;
    if (!Array.isArray(raw) || raw.length === 0) {
        fields.report("certificates", "must be a non-empty list; leave it out for one certificate created by the program", example);
        return [];
    }
    return raw.flatMap((entry, index) => {
        const path = `${fields.path}.certificates[${index}]`;
        if (!isObject(entry)) {
            fields.report(`certificates[${index}]`, "must be an object", example);
            return [];
        }
        const certificate = fields.nested(entry, path);
        const parsed = certificate.has("secretUrl") ? existingCertificate(certificate, cloud) : createdCertificate(certificate, poolName);
        return parsed === undefined ? [] : [parsed];
    });
}

function createdCertificate(fields: PoolEntryReader | undefined, poolName: string): CreatedCertificate {
    const defaults: CreatedCertificate = {
        kind: "created",
        name: defaultCertificateName(poolName),
        subject: `CN=${poolName}`,
        dnsNames: [],
        validityMonths: 12,
        daysBeforeExpiry: 30,
        issuerName: DEFAULT_CERTIFICATE_ISSUER,
    };
    if (fields === undefined) {
        return defaults;
    }
    fields.unknownFields(CREATED_CERTIFICATE_FIELDS, `{"name": "${defaults.name}", "subject": "CN=${poolName}", "validityMonths": 12}`);
    const name = fields.optionalString("name", defaults.name, defaults.name, {
        pattern: VAULT_OBJECT_NAME,
        text: "a Key Vault certificate name is 1 to 127 letters, digits or hyphens",
    });
    const subject = fields.optionalString("subject", defaults.subject, "CN=batch.contoso.com", {
        pattern: /^[A-Za-z]+=.+$/,
        text: "an X.500 subject such as CN=batch.contoso.com",
    });
    const dnsNames = fields.stringList("dnsNames", '["batch.contoso.com"]');
    dnsNames.forEach((dnsName, index) => {
        const problem = hostNameProblem(dnsName);
        if (problem !== undefined) {
            fields.report(`dnsNames[${index}]`, `${shown(dnsName)} ${problem}`, "batch.contoso.com");
        }
    });
    const validityMonths = fields.integer("validityMonths", defaults.validityMonths, { min: 1, max: 120 });
    const daysBeforeExpiry = fields.integer("daysBeforeExpiry", defaults.daysBeforeExpiry, { min: 1, max: 120 * 31 });
    const validityDays = validityMonths * SHORTEST_MONTH_DAYS;
    if (daysBeforeExpiry >= validityDays) {
        fields.report(
            "daysBeforeExpiry",
            `${daysBeforeExpiry} days before expiry is not less than the ${validityMonths}-month validity (at least ${validityDays} days): ` +
                "Key Vault would renew the certificate as soon as it is issued, again and again",
            String(Math.max(1, Math.floor(validityDays / 4))),
        );
    }
    const issuerName = fields.optionalString("issuer", defaults.issuerName, "Self", {
        pattern: VAULT_OBJECT_NAME,
        text: 'an issuer is "Self", "Unknown" or the name of an issuer configured in the vault',
    });
    return { kind: "created", name, subject, dnsNames, validityMonths, daysBeforeExpiry, issuerName };
}

function existingCertificate(fields: PoolEntryReader, cloud: CloudName): ExistingCertificate | undefined {
    const suffix = KEY_VAULT_DNS_SUFFIX[cloud];
    const example = `https://kv-certs.${suffix}/secrets/web-tls`;
    fields.unknownFields(EXISTING_CERTIFICATE_FIELDS, `{"secretUrl": "${example}"}`);
    const value = fields.requiredString("secretUrl", example);
    if (value === undefined) {
        return undefined;
    }
    const parsed = parseVersionlessSecretUrl(value, cloud);
    if (typeof parsed === "string") {
        fields.report("secretUrl", parsed, example);
        return undefined;
    }
    let keyVaultId: string | undefined;
    if (fields.has("keyVaultId")) {
        const id = fields.raw("keyVaultId");
        const match = typeof id === "string" ? KEY_VAULT_ID.exec(id.trim()) : null;
        if (match === null) {
            fields.report(
                "keyVaultId",
                `${JSON.stringify(id)} is not a Key Vault resource ID`,
                `/subscriptions/<subscription-id>/resourceGroups/rg-certs/providers/Microsoft.KeyVault/vaults/${parsed.vaultName}`,
            );
        } else if (match[1].toLowerCase() !== parsed.vaultName) {
            fields.report("keyVaultId", `names vault "${match[1]}" but secretUrl points at vault "${parsed.vaultName}"`, parsed.vaultName);
        } else {
            keyVaultId = (id as string).trim();
        }
    }
    const name = fields.optionalString("name", parsed.secretName, parsed.secretName, {
        pattern: VAULT_OBJECT_NAME,
        text: "letters, digits or hyphens",
    });
    return { kind: "existing", name, secretUrl: `https://${parsed.vaultName}.${suffix}/secrets/${parsed.secretName}`, vaultName: parsed.vaultName, keyVaultId };
}

/**
 * Pool IDs are unique per account regardless of case, and certificates share one vault, so two pools creating a
 * certificate of the same name would fight over it. An existing certificate outside the stack's vault needs the
 * vault's ID, or nothing could grant the pool identity read access before the nodes boot.
 */
function checkUnique(reader: ConfigReader, pools: readonly PoolDefinition[], keyVaultName: string | undefined): void {
    const poolNames = new Set<string>();
    const certificates = new Map<string, { pool: string; secretUrl?: string }>();
    pools.forEach((pool, index) => {
        if (poolNames.has(pool.poolName.toLowerCase())) {
            reader.report(`${POOLS_KEY.name}[${index}].name`, `"${pool.poolName}" is used by another pool (pool IDs are case-insensitive)`, `${pool.poolName}-2`);
        }
        poolNames.add(pool.poolName.toLowerCase());
        pool.certificates.forEach((certificate, certIndex) => {
            const path = `${POOLS_KEY.name}[${index}].certificates[${certIndex}]`;
            const secretUrl = certificate.kind === "existing" ? certificate.secretUrl : undefined;
            const earlier = certificates.get(certificate.name.toLowerCase());
            // Two pools may observe the same existing certificate; anything else sharing a name would be one secret.
            if (earlier !== undefined && (secretUrl === undefined || earlier.secretUrl !== secretUrl)) {
                reader.report(
                    `${path}.name`,
                    `"${certificate.name}" already names a certificate of pool "${earlier.pool}"; each pool has its own certificates`,
                    `${certificate.name}-2`,
                );
            }
            certificates.set(certificate.name.toLowerCase(), { pool: pool.poolName, secretUrl });
            if (certificate.kind === "existing" && certificate.vaultName !== keyVaultName?.toLowerCase() && certificate.keyVaultId === undefined) {
                reader.report(
                    `${path}.keyVaultId`,
                    `is required: "${certificate.secretUrl}" lives outside the stack's vault, and the pool identity must be granted ` +
                        "read access to it before nodes boot (requireInitialSync blocks them otherwise). A certificate in the " +
                        "stack's own vault needs poolKeyVaultName set, since the derived name is only known at deploy time",
                    `/subscriptions/<subscription-id>/resourceGroups/rg-certs/providers/Microsoft.KeyVault/vaults/${certificate.vaultName}`,
                );
            }
        });
    });
}

export const POOLS_KEY = defineKey({
    name: "pools",
    type: "array",
    items: "object",
    default: [],
    section: "pools",
    description: "One entry per pool. The minimal entry is {name, vmSize}; images, scale, certificates and polling are described in the details. A vmSize not shaped like an Azure size (Standard_D2sv5) is warned about; certificate dnsNames must be host names. [] declares no pool, identity or vault.",
    example: POOL_EXAMPLE,
    reference: { meaning: "One entry per pool. The minimal entry is `{name, vmSize}`; images, scale, certificates and polling are described in the details. A `vmSize` not shaped like an Azure size (`Standard_D2sv5`) is warned about; certificate `dnsNames` must be host names. `[]` declares no pool, identity or vault.", type: "list of objects" },
});

export const POOL_KEY_VAULT_NAME_KEY = defineKey({
    name: "poolKeyVaultName",
    type: "string",
    default: "",
    section: "pools",
    description: "Name of the Key Vault holding the pools' certificates (3-24 characters, globally unique). Default (empty) is kv-<stack>-<hash of project/stack>.",
    example: "kv-batch-prod",
    reference: { meaning: "Key Vault name, 3–24 characters. Vault names are global and stay taken 90 days after deletion; the default hashes subscription, project, stack and the stack's creation, so a re-created stack gets a new one.", default: "`kv-<stack>-<hash>`" },
});

export const POOL_KEY_VAULT_PERMISSION_MODEL_KEY = defineKey({
    name: "poolKeyVaultPermissionModel",
    type: "string",
    default: "rbac",
    section: "pools",
    description: "How the pools' vault authorizes data access: rbac (Azure RBAC) or accessPolicy (vault access policies, as the original article).",
    example: "accessPolicy",
    reference: { meaning: "`rbac` or `accessPolicy` (as in seed 004)." },
});

export const POOL_IDENTITY_RESOURCE_GROUP_KEY = defineKey({
    name: "poolIdentityResourceGroup",
    type: "string",
    default: "",
    section: "pools",
    description: "Resource group of the pools' user-assigned identity. Default (empty) is the Batch account's resource group.",
    example: "rg-identities",
    reference: { meaning: "Where the user-assigned identity lives.", default: "the account's group" },
});

export const POOL_CERTIFICATE_MANAGER_KEY = defineKey({
    name: "poolCertificateManager",
    type: "string",
    default: "",
    section: "pools",
    description: "Object ID of who manages the pools' certificates (Key Vault Certificates Officer), usually a group of everyone who runs pulumi up. Required when a pool creates certificates.",
    example: "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9",
    reference: { meaning: "Who manages the certificates (Key Vault Certificates Officer): usually a group of everyone who runs `pulumi up`. Required when a pool creates certificates.", type: "GUID", default: "none" },
});

export const POOL_CERTIFICATE_MANAGER_TYPE_KEY = defineKey({
    name: "poolCertificateManagerType",
    type: "string",
    default: "Group",
    section: "pools",
    description: "The kind of principal poolCertificateManager is: Group (default), User or ServicePrincipal.",
    example: "User",
    reference: { meaning: "`Group`, `User` or `ServicePrincipal`: the kind of principal `poolCertificateManager` is." },
});

/** This feature's configuration keys, in the README's order. Pulumi.yaml and the README's reference are generated from them (npm run generate:config). */
export const POOL_KEYS = [POOLS_KEY, POOL_KEY_VAULT_NAME_KEY, POOL_KEY_VAULT_PERMISSION_MODEL_KEY, POOL_IDENTITY_RESOURCE_GROUP_KEY, POOL_CERTIFICATE_MANAGER_KEY, POOL_CERTIFICATE_MANAGER_TYPE_KEY];
