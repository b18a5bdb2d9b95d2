import { createHash } from "crypto";
import { CLOUDS, CloudName } from "../config/clouds";
import { KEY_VAULT_DNS_SUFFIX } from "../config/pools";

/**
 * What the mock runtime answers in place of Azure and Entra ID. Every value is derived from the resource's name
 * and inputs (never from the clock or randomness), so two offline runs of one configuration agree exactly.
 * None of these values exists in any tenant: they only give outputs a realistic shape.
 */
export const FAKE_TENANT_ID = "72f988bf-0000-4000-8000-00000000a11e";
export const FAKE_SUBSCRIPTION_ID = "8c3f1c55-0000-4000-8000-00000000b47c";
export const FAKE_DEPLOYER_OBJECT_ID = "5a1e2d3c-0000-4000-8000-0000000de910";
export const FAKE_DEPLOYER_CLIENT_ID = "04b07795-8ddb-461a-bbee-02f9e1bf7b46";
export const FAKE_BATCH_API_OBJECT_ID = "1b6f2c1d-0000-4000-8000-00000000ba7c";
export const FAKE_USER_IMPERSONATION_SCOPE_ID = "a3c9d5b0-0000-4000-8000-0000000005c0";
export const FAKE_GRAPH_OBJECT_ID = "9e4c7b12-0000-4000-8000-0000000a9a9f";
/** Microsoft Graph's application permissions the program grants, with their published IDs. */
export const FAKE_GRAPH_APP_ROLE_IDS: Record<string, string> = {
    "Application.Read.All": "9a5d68dd-52b0-4cc2-bd40-abcf44ac3a30",
    "Application.ReadWrite.OwnedBy": "18a4783c-866b-4cc7-a460-3d5e5662c884",
};
/** The time the time provider would record when it creates a rotation; fixed so runs are comparable. */
export const FAKE_NOW = "2026-01-01T00:00:00Z";

/** The region fake virtual networks are in; a test may move it to prove the pools' region check. */
export const FAKE_NETWORK_LOCATION = { value: "westeurope" };

/** A GUID-shaped value that depends only on `seed`. */
export function fakeGuid(seed: string): string {
    const hex = createHash("sha256").update(seed).digest("hex");
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** A fake secret that is easy to spot if it ever leaks into printed output. */
export function fakeSecretValue(seed: string): string {
    return `FAKE-SECRET~${createHash("sha256").update(seed).digest("hex").slice(0, 24)}`;
}

type Inputs = Record<string, any>;
/** The DNS suffixes of the stack's cloud, so that no fake URL names another cloud's hosts. */
export interface FakeCloudSuffixes {
    readonly batchEndpoint: string;
    readonly keyVault: string;
}

export function fakeCloudSuffixes(cloud: CloudName = "public"): FakeCloudSuffixes {
    return { batchEndpoint: CLOUDS[cloud].batchEndpointSuffix, keyVault: KEY_VAULT_DNS_SUFFIX[cloud] };
}


/**
 * Who runs the offline program and when: the deploying identity the client-config functions report, the time the
 * time provider records on create, and the owners Graph reports for existing app registrations. Tests vary these to
 * play a second deployer, a pipeline run, or a stack destroyed and created again later.
 */
export interface FakeWorld {
    readonly deployer: { readonly objectId: string; readonly clientId: string };
    readonly now: string;
    /** Owners `azuread.getApplication` reports; undefined means the fake has no app to report on. */
    readonly applicationOwners?: readonly string[];
}

export const DEFAULT_FAKE_WORLD: FakeWorld = {
    deployer: { objectId: FAKE_DEPLOYER_OBJECT_ID, clientId: FAKE_DEPLOYER_CLIENT_ID },
    now: FAKE_NOW,
};

type StateFactory = (name: string, inputs: Inputs, world: FakeWorld, suffixes: FakeCloudSuffixes) => Inputs;

const DAY_MS = 86_400_000;

function armId(provider: string, name: string, inputs: Inputs): string {
    const group = inputs.resourceGroupName ?? "rg";
    return `/subscriptions/${FAKE_SUBSCRIPTION_ID}/resourceGroups/${group}/providers/${provider}/${name}`;
}

/** A resource whose ARM name is the input `nameInput` (the logical name when unset) under the `provider` path. */
function namedArmResource(provider: (inputs: Inputs) => string, nameInput: string): StateFactory {
    return (name, inputs) => {
        const resourceName = inputs[nameInput] ?? name;
        return { id: armId(provider(inputs), resourceName, inputs), name: resourceName };
    };
}

/**
 * Output properties per resource type, beyond the inputs (which every fake echoes back). Add an entry when a
 * component reads an output the provider computes; a missing entry shows up as an undefined output in tests.
 */
export const FAKE_STATE: Record<string, StateFactory> = {
    "azuread:index/application:Application": (name) => {
        const objectId = fakeGuid(`${name}/objectId`);
        return { id: `/applications/${objectId}`, objectId, clientId: fakeGuid(`${name}/clientId`) };
    },
    "azuread:index/servicePrincipal:ServicePrincipal": (name) => ({ objectId: fakeGuid(`${name}/objectId`) }),
    "azuread:index/applicationPassword:ApplicationPassword": (name) => ({
        keyId: fakeGuid(`${name}/keyId`),
        value: fakeSecretValue(name),
    }),
    "time:index/rotating:Rotating": (_name, inputs, world) => {
        const base = inputs.rfc3339 ?? world.now;
        const rotation = new Date(Date.parse(base) + (inputs.rotationDays ?? 0) * DAY_MS).toISOString().replace(".000Z", "Z");
        return { id: base, rfc3339: base, rotationRfc3339: rotation };
    },
    "time:index/static:Static": (_name, inputs, world) => {
        const value = inputs.rfc3339 ?? world.now;
        return { id: value, rfc3339: value, unix: Math.floor(Date.parse(value) / 1000) };
    },
    "azure-native:resources:ResourceGroup": (name, inputs) => ({
        id: `/subscriptions/${FAKE_SUBSCRIPTION_ID}/resourceGroups/${inputs.resourceGroupName ?? name}`,
        name: inputs.resourceGroupName ?? name,
    }),
    "azure-native:batch:BatchAccount": (name, inputs, _world, suffixes) => {
        const accountName = inputs.accountName ?? name;
        return {
            id: armId("Microsoft.Batch/batchAccounts", accountName, inputs),
            name: accountName,
            accountEndpoint: `${accountName}.${inputs.location ?? "westeurope"}.${suffixes.batchEndpoint}`,
            ...(inputs.identity?.type === "SystemAssigned"
                ? { identity: { ...inputs.identity, principalId: fakeGuid(`${name}/principalId`), tenantId: FAKE_TENANT_ID } }
                : {}),
        };
    },
    "azure-native:managedidentity:UserAssignedIdentity": (name, inputs) => ({
        id: armId("Microsoft.ManagedIdentity/userAssignedIdentities", inputs.resourceName ?? name, inputs),
        clientId: fakeGuid(`${name}/clientId`),
        principalId: fakeGuid(`${name}/principalId`),
        tenantId: FAKE_TENANT_ID,
    }),
    "azure-native:keyvault:Vault": (name, inputs, _world, suffixes) => {
        const vaultName = inputs.vaultName ?? name;
        return {
            id: armId("Microsoft.KeyVault/vaults", vaultName, inputs),
            name: vaultName,
            properties: { ...(inputs.properties ?? {}), vaultUri: `https://${vaultName}.${suffixes.keyVault}/` },
        };
    },
    "azure-native:authorization:RoleDefinition": (name, inputs) => ({
        id: `${inputs.scope ?? ""}/providers/Microsoft.Authorization/roleDefinitions/${inputs.roleDefinitionId ?? fakeGuid(name)}`,
    }),
    "azure-native:authorization:RoleAssignment": (name, inputs) => ({
        id: `${inputs.scope ?? ""}/providers/Microsoft.Authorization/roleAssignments/${inputs.roleAssignmentName ?? fakeGuid(name)}`,
    }),
    "azure-native:keyvault:AccessPolicy": (name, inputs) => ({
        id: armId("Microsoft.KeyVault/vaults", `${inputs.vaultName ?? name}/accessPolicy/${inputs.policy?.objectId ?? name}`, inputs),
    }),
    "azure:keyvault/certificate:Certificate": (name, inputs, _world, suffixes) => {
        // keyVaultId is an ARM ID ending in the vault name; the data-plane URLs use that name as the host.
        const vaultName = String(inputs.keyVaultId ?? "vault").split("/").pop();
        const certificateName = inputs.name ?? name;
        const version = fakeGuid(`${name}/version`).replace(/-/g, "");
        const vault = `https://${vaultName}.${suffixes.keyVault}`;
        return {
            id: `${vault}/certificates/${certificateName}/${version}`,
            version,
            secretId: `${vault}/secrets/${certificateName}/${version}`,
            versionlessSecretId: `${vault}/secrets/${certificateName}`,
            versionlessId: `${vault}/certificates/${certificateName}`,
            resourceManagerId: `${inputs.keyVaultId}/certificates/${certificateName}/versions/${version}`,
            resourceManagerVersionlessId: `${inputs.keyVaultId}/certificates/${certificateName}`,
            thumbprint: fakeGuid(`${name}/thumbprint`).replace(/-/g, "").toUpperCase().slice(0, 40),
            // The public certificate only (hex DER), as the provider reads it; never a private key.
            certificateData: `3082${createHash("sha256").update(`${name}/der`).digest("hex")}`,
            certificateAttributes: [{ enabled: true, notBefore: FAKE_NOW, expires: fakeCertificateExpiry(inputs), recoveryLevel: "Recoverable" }],
        };
    },
    "azure-native:keyvault:Secret": namedArmResource((inputs) => `Microsoft.KeyVault/vaults/${inputs.vaultName ?? "vault"}/secrets`, "secretName"),
    "azure-native:eventgrid:SystemTopic": namedArmResource(() => "Microsoft.EventGrid/systemTopics", "systemTopicName"),
    "azure-native:monitor:ActionGroup": namedArmResource(() => "Microsoft.Insights/actionGroups", "actionGroupName"),
    "azure-native:network:PrivateEndpoint": namedArmResource(() => "Microsoft.Network/privateEndpoints", "privateEndpointName"),
    "azure-native:network:PrivateDnsZoneGroup": namedArmResource(
        (inputs) => `Microsoft.Network/privateEndpoints/${inputs.privateEndpointName ?? "endpoint"}/privateDnsZoneGroups`,
        "privateDnsZoneGroupName",
    ),
    "azure-native:privatedns:PrivateZone": namedArmResource(() => "Microsoft.Network/privateDnsZones", "privateZoneName"),
    "azure-native:privatedns:VirtualNetworkLink": namedArmResource(
        (inputs) => `Microsoft.Network/privateDnsZones/${inputs.privateZoneName ?? "zone"}/virtualNetworkLinks`,
        "virtualNetworkLinkName",
    ),
    "azure-native:monitor:DiagnosticSetting": (name, inputs) => ({
        id: `${inputs.resourceUri ?? ""}/providers/Microsoft.Insights/diagnosticSettings/${inputs.name ?? name}`,
    }),
    "azure-native:authorization:ManagementLockByScope": (name, inputs) => ({
        id: `${inputs.scope ?? ""}/providers/Microsoft.Authorization/locks/${inputs.lockName ?? name}`,
        name: inputs.lockName ?? name,
    }),
    "azure-native:batch:Pool": (name, inputs) => {
        const poolName = inputs.poolName ?? name;
        return {
            id: armId(`Microsoft.Batch/batchAccounts/${inputs.accountName ?? "account"}/pools`, poolName, inputs),
            name: poolName,
        };
    },
};

/** Answers to provider functions (data sources), by token. An unknown token fails loudly. */
export const FAKE_INVOKES: Record<string, (inputs: Inputs, world: FakeWorld) => Inputs> = {
    "azuread:index/getClientConfig:getClientConfig": (_inputs, { deployer }) => ({
        tenantId: FAKE_TENANT_ID,
        clientId: deployer.clientId,
        objectId: deployer.objectId,
    }),
    "azure-native:authorization:getClientConfig": (_inputs, { deployer }) => ({
        tenantId: FAKE_TENANT_ID,
        subscriptionId: FAKE_SUBSCRIPTION_ID,
        clientId: deployer.clientId,
        objectId: deployer.objectId,
    }),
    "azure:core/getClientConfig:getClientConfig": (_inputs, { deployer }) => ({
        id: deployer.objectId,
        tenantId: FAKE_TENANT_ID,
        subscriptionId: FAKE_SUBSCRIPTION_ID,
        clientId: deployer.clientId,
        objectId: deployer.objectId,
    }),
    "azuread:index/getApplication:getApplication": (inputs, world) => {
        if (world.applicationOwners === undefined) {
            throw new Error("The offline runtime was given no existing application to report; pass world.applicationOwners");
        }
        return { id: `/applications/${fakeGuid(`${inputs.clientId}/objectId`)}`, clientId: inputs.clientId, owners: [...world.applicationOwners] };
    },
    "azure-native:resources:getResourceGroup": (inputs) => ({
        id: `/subscriptions/${FAKE_SUBSCRIPTION_ID}/resourceGroups/${inputs.resourceGroupName}`,
        name: inputs.resourceGroupName,
        location: "westeurope",
        properties: { provisioningState: "Succeeded" },
    }),
    // Every fake network is in the region the fake resource groups report.
    "azure-native:network:getVirtualNetwork": (inputs) => ({
        id: `/subscriptions/${FAKE_SUBSCRIPTION_ID}/resourceGroups/${inputs.resourceGroupName}/providers/Microsoft.Network/virtualNetworks/${inputs.virtualNetworkName}`,
        name: inputs.virtualNetworkName,
        location: FAKE_NETWORK_LOCATION.value,
    }),
    "azuread:index/getServicePrincipal:getServicePrincipal": (inputs) =>
        inputs.clientId === "00000003-0000-0000-c000-000000000000" ? fakeMicrosoftGraph() : ({
        id: FAKE_BATCH_API_OBJECT_ID,
        objectId: FAKE_BATCH_API_OBJECT_ID,
        clientId: inputs.clientId,
        displayName: "Microsoft Azure Batch",
        oauth2PermissionScopeIds: { user_impersonation: FAKE_USER_IMPERSONATION_SCOPE_ID },
        appRoleIds: {},
    }),
};

/** A self-issued certificate's expiry: FAKE_NOW plus the policy's validity in months (30-day months). */
function fakeCertificateExpiry(inputs: Inputs): string {
    const months = inputs.certificatePolicy?.x509CertificateProperties?.validityInMonths ?? 12;
    return new Date(Date.parse(FAKE_NOW) + months * 30 * DAY_MS).toISOString().replace(".000Z", "Z");
}

function fakeMicrosoftGraph(): Inputs {
    return {
        id: FAKE_GRAPH_OBJECT_ID,
        objectId: FAKE_GRAPH_OBJECT_ID,
        clientId: "00000003-0000-0000-c000-000000000000",
        displayName: "Microsoft Graph",
        oauth2PermissionScopeIds: {},
        appRoleIds: FAKE_GRAPH_APP_ROLE_IDS,
    };
}

export function fakeState(
    type: string,
    name: string,
    inputs: Inputs,
    world: FakeWorld = DEFAULT_FAKE_WORLD,
    suffixes = fakeCloudSuffixes(),
): { id: string; state: Inputs } {
    const computed = FAKE_STATE[type]?.(name, inputs, world, suffixes) ?? {};
    const { id, ...rest } = computed;
    return { id: id ?? `${name}-id`, state: { ...inputs, ...rest } };
}

export function fakeInvoke(token: string, inputs: Inputs, world: FakeWorld = DEFAULT_FAKE_WORLD): Inputs {
    const answer = FAKE_INVOKES[token];
    if (!answer) {
        throw new Error(`The offline runtime has no fake answer for ${token}; add one to tools/fakeCloud.ts`);
    }
    return answer(inputs, world);
}
