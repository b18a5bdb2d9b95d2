import * as pulumi from "@pulumi/pulumi";
import { CLOUDS, CloudEndpoints, CloudName } from "../azure/clouds";
import { ClientAppSettings, readClientAppSettings } from "../features/clientApp/config";
import { BatchAccountSettings, readBatchAccountSettings } from "../features/batchAccount/config";
import { RbacSettings, readRbacSettings } from "../features/rbac/config";
import { PipelineSettings, readPipelineSettings } from "../features/pipeline/config";
import { checkPipelineReach } from "../features/pipeline/reach";
import { TAGS_PER_RESOURCE, TAG_NAME_MAX_LENGTH, TAG_VALUE_MAX_LENGTH } from "../azure/limits";
import { CLOUD_KEY, TAGS_KEY } from "./configKeys";
import { ownEntry } from "./lookup";
import { shown } from "./messages";
import { stackLabel } from "./naming";
import { ConfigWarning } from "./problems";
import { checkStackRegion } from "../azure/regions";
import { ConfigReader, EXAMPLE_GUID, RawConfig } from "./reader";
import { PoolSettings, readPoolSettings } from "../features/pools/config";
import { ClientCredentialSettings, readClientCredentialSettings } from "../features/clientCredentials/config";
import { OperationsSettings, readOperationsSettings } from "../features/operations/config";
import { PrivateNetworkingSettings, checkPrivateNetworking, readPrivateNetworkingSettings } from "../features/privateNetworking/config";

/** The configuration namespace: the project name in Pulumi.yaml. Changing it renames every key. */
export const CONFIG_NAMESPACE = "batch-entra";

/** Everything the program needs, validated. Components receive parts of this, never raw config. */
export interface Settings {
    readonly projectName: string;
    readonly stackName: string;
    readonly cloud: CloudEndpoints;
    /** Tags put on every Azure resource that takes them. */
    readonly tags: Readonly<Record<string, string>>;
    readonly clientApp: ClientAppSettings;
    readonly batchAccount: BatchAccountSettings;
    readonly rbac: RbacSettings;
    readonly pools: PoolSettings;
    readonly pipeline: PipelineSettings;
    readonly clientCredential: ClientCredentialSettings;
    readonly privateNetworking: PrivateNetworkingSettings;
    readonly operations: OperationsSettings;
    /** Accepted values that are probably mistakes; `index.ts` logs them, the offline plan prints and counts them. */
    readonly warnings: readonly ConfigWarning[];
}

export interface StackIdentity {
    readonly projectName: string;
    readonly stackName: string;
}

/**
 * Reads and validates the whole stack configuration. Throws a ConfigValidationError that lists every problem
 * (key, what is wrong, a good value) when anything is off, so the program stops before it declares a resource.
 */
export function readSettings(raw: RawConfig, stack: StackIdentity): Settings {
    const reader = new ConfigReader(raw, CONFIG_NAMESPACE);
    const cloud = ownEntry(CLOUDS, reader.oneOf<CloudName>(CLOUD_KEY.name, ["public", "usgovernment", "china"], CLOUD_KEY.default)) ?? CLOUDS.public;
    checkProviderClouds(raw, reader, cloud);
    const tags = readTags(reader);
    const clientApp = readClientAppSettings(reader, stackLabel(stack));
    const batchAccount = readBatchAccountSettings(reader, raw, stack);
    checkStackRegion(reader, batchAccount.location, cloud.name, reader.isSet("location") ? "location" : "azure-native:location");
    const rbac = readRbacSettings(reader, stack, batchAccount.resourceGroup.name);
    const pools = readPoolSettings(reader, stack, cloud.name, batchAccount.publicNetworkAccess === "Disabled" ? "none" : "batchManaged");
    const pipeline = readPipelineSettings(reader, stack.stackName, clientApp.displayName);
    const privateNetworking = readPrivateNetworkingSettings(reader, cloud.name);
    const operations = readOperationsSettings(reader);
    const clientCredential = readClientCredentialSettings(reader, clientApp);
    checkCertificateCredential(reader, { clientCredential, pools, pipeline });
    checkPrivateNetworking(reader, { batchAccount, pools, pipeline, privateNetworking, operations });
    checkPipelineReach(reader, { clientApp, batchAccount, rbac, pools, pipeline });
    reader.finish();
    return { ...stack, cloud, tags, clientApp, batchAccount, rbac, pools, pipeline, privateNetworking, operations, clientCredential, warnings: reader.warnings };
}

/**
 * The client certificate is created in Key Vault's data plane like the pools' certificates, so it needs the same
 * configured manager. The pipeline identities hold no data-plane right on the client-credential vault, so a CI
 * refresh of that certificate would fail with 403: the combination is refused rather than left to break there.
 */
function checkCertificateCredential(
    reader: ConfigReader,
    settings: { clientCredential: ClientCredentialSettings; pools: PoolSettings; pipeline: PipelineSettings },
): void {
    if (settings.clientCredential.mode !== "certificate") {
        return;
    }
    if (settings.pools.certificateManager === undefined) {
        reader.report(
            "poolCertificateManager",
            "is required when clientCredential is certificate: name the group (or user or service principal) whose members run " +
                "pulumi up; it manages the certificates of both vaults, so the grant is the same whoever deploys",
            EXAMPLE_GUID,
        );
    }
    if (settings.pipeline.enabled) {
        reader.report(
            "clientCredential",
            `certificate cannot be combined with ${reader.fullKey("pipelineIdentity")}: the pipeline identities have no data-plane ` +
                "right on the client-credential vault, so every CI refresh of the certificate would fail with 403; use secret " +
                "(with clientSecretKeyVault: true) or none with workloadIdentities, or deploy this stack as an administrator",
            "secret",
        );
    }
}

/**
 * The providers pick their cloud from their own keys; a stack that says `usgovernment` here while the providers
 * talk to the public cloud would hand clients endpoints of one cloud and credentials of another.
 */
function checkProviderClouds(raw: RawConfig, reader: ConfigReader, cloud: CloudEndpoints): void {
    const azureNative = raw.get("azure-native:environment");
    if (azureNative !== undefined && azureNative.toLowerCase() !== cloud.azureNativeEnvironment) {
        reader.report(
            "azure-native:environment",
            `is ${shown(azureNative)} but ${CONFIG_NAMESPACE}:cloud is "${cloud.name}"; both must name the same cloud`,
            cloud.azureNativeEnvironment,
        );
    } else if (azureNative === undefined && cloud.name !== "public") {
        reader.report(
            "azure-native:environment",
            `is unset (public cloud) but ${CONFIG_NAMESPACE}:cloud is "${cloud.name}"`,
            cloud.azureNativeEnvironment,
        );
    }
    const azuread = raw.get("azuread:environment");
    if (azuread !== undefined && !cloud.azureadEnvironments.includes(azuread.toLowerCase())) {
        reader.report(
            "azuread:environment",
            `is ${shown(azuread)} but ${CONFIG_NAMESPACE}:cloud is "${cloud.name}"; both must name the same cloud`,
            cloud.azureadEnvironments[0],
        );
    } else if (azuread === undefined && cloud.name !== "public") {
        reader.report("azuread:environment", `is unset (public cloud) but ${CONFIG_NAMESPACE}:cloud is "${cloud.name}"`, cloud.azureadEnvironments[0]);
    }
}

function readTags(reader: ConfigReader): Record<string, string> {
    const example = '{"costCenter": "research", "owner": "platform-team"}';
    const value = reader.json(TAGS_KEY.name, example);
    if (value === undefined) {
        return {};
    }
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
        reader.report(TAGS_KEY.name, "must be a map of tag names to text values", example);
        return {};
    }
    // Limits and rules: azure/limits.ts (tags). Azure compares tag names without case, so `Env` and `env` are one tag.
    const entries = Object.entries(value);
    if (entries.length > TAGS_PER_RESOURCE) {
        reader.report(TAGS_KEY.name, `has ${entries.length} tags; Azure allows at most ${TAGS_PER_RESOURCE} per resource`, example);
    }
    const tags: Record<string, string> = {};
    const firstSpelling = new Map<string, string>();
    for (const [name, tagValue] of entries) {
        const earlier = firstSpelling.get(name.toLowerCase());
        if (typeof tagValue !== "string") {
            reader.report(`tags.${name}`, "tag values must be text", example);
        } else if (name.length > TAG_NAME_MAX_LENGTH || /[<>%&\\?/]/.test(name)) {
            reader.report(`tags.${name}`, `Azure tag names are at most ${TAG_NAME_MAX_LENGTH} characters and cannot contain < > % & \\ ? /`, example);
        } else if (tagValue.length > TAG_VALUE_MAX_LENGTH) {
            reader.report(`tags.${name}`, `Azure tag values are at most ${TAG_VALUE_MAX_LENGTH} characters`, example);
        } else if (earlier !== undefined) {
            reader.report(`tags.${name}`, `is the same tag as ${shown(earlier)}: Azure compares tag names without case; keep one`, example);
        } else {
            firstSpelling.set(name.toLowerCase(), name);
            tags[name] = tagValue;
        }
    }
    return tags;
}

/**
 * Pulumi's own configuration, as the CLI hands it to the program: decrypted values in `all`, and the keys that were
 * stored encrypted in the runtime's secret-keys list (PULUMI_CONFIG_SECRET_KEYS, read by the SDK's `isConfigSecret`).
 */
export function pulumiRawConfig(all: Record<string, string>, isSecret: (key: string) => boolean = runtimeIsConfigSecret): RawConfig {
    return { get: (key) => ownEntry(all, key), keys: () => Object.keys(all), isSecret };
}

/** The SDK's own check; it is internal (not in the type declarations), so a missing one counts as "no secret keys". */
function runtimeIsConfigSecret(key: string): boolean {
    const check = (pulumi.runtime as unknown as { isConfigSecret?: (k: string) => boolean }).isConfigSecret;
    return check?.(key) ?? false;
}
