import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { PRIVATE_DNS_ZONE_NAMES, PrivateEndpointGroup } from "./config";
import { PrivateDnsZones, PrivateEndpointWithDns, PrivateEndpointWithDnsArgs, privateEndpointWaitingFor } from "./privateNetworking";
import { readSettings } from "../../config/settings";
import { FAKE_NETWORK_LOCATION, FAKE_SUBSCRIPTION_ID } from "../../tools/fakeCloud";
import { DeclaredResource, OfflineRun, findResource, resourcesOfType, runOffline } from "../../tools/offlineRuntime";
import { loadStackConfig } from "../../tools/stackConfig";
import { PROJECT_DIR, expectRejected, libraryRefusal, mergeConfig, runWith } from "../../test/helpers";

const ENDPOINT = "azure-native:network:PrivateEndpoint";
const ZONE_GROUP = "azure-native:network:PrivateDnsZoneGroup";
const ZONE = "azure-native:privatedns:PrivateZone";
const LINK = "azure-native:privatedns:VirtualNetworkLink";
const DIAGNOSTIC = "azure-native:monitor:DiagnosticSetting";
const LOCK = "azure-native:authorization:ManagementLockByScope";
const ACCOUNT = "azure-native:batch:BatchAccount";
const VAULT = "azure-native:keyvault:Vault";
const POOL = "azure-native:batch:Pool";
const CERTIFICATE = "azure:keyvault/certificate:Certificate";

const GROUP = "rg-batch-entra-private";
const armPrefix = (group: string) => `/subscriptions/${FAKE_SUBSCRIPTION_ID}/resourceGroups/${group}/providers`;
const subnet = (name: string, group = GROUP, network = "vnet-batch") => `${armPrefix(group)}/Microsoft.Network/virtualNetworks/${network}/subnets/${name}`;
const zoneId = (name: string, group = "rg-dns") => `${armPrefix(group)}/Microsoft.Network/privateDnsZones/${name}`;
const WORKSPACE = `${armPrefix(GROUP)}/Microsoft.OperationalInsights/workspaces/law-batch`;

/** The fixture stack .ci/run plans: every feature of private networking and operations on. */
function fixtureConfig(): Record<string, string> {
    return loadStackConfig(PROJECT_DIR, "dev", path.join(PROJECT_DIR, "test", "fixtures", "private-networking-stack.yaml")).config;
}

const runFixture = (overrides: Record<string, unknown> = {}) => runWith(overrides, fixtureConfig());

const accountScopedGrants = (run: OfflineRun) =>
    resourcesOfType(run, "azure-native:authorization:RoleAssignment").filter((grant) => /Microsoft\.Batch\/batchAccounts\//.test(grant.inputs.scope));
const dependsOn = (resource: DeclaredResource, other: DeclaredResource) => resource.dependencies.includes(other.urn);
const groupOf = (endpoint: DeclaredResource) => endpoint.inputs.privateLinkServiceConnections[0].groupIds[0];

describe("private networking and operations: the fixture stack with every feature on", () => {
    let run: OfflineRun;
    beforeAll(async () => {
        run = await runFixture();
    });

    test("declares three private endpoints: the account's batchAccount and nodeManagement, and the vault", () => {
        const endpoints = resourcesOfType(run, ENDPOINT);
        expect(endpoints.map(groupOf).sort()).toEqual(["batchAccount", "nodeManagement", "vault"]);
        const account = findResource(run, ACCOUNT, "batch-account");
        const vault = findResource(run, VAULT, "pool-vault-vault");
        for (const endpoint of endpoints) {
            expect(endpoint.inputs.subnet).toMatchObject({ id: subnet("snet-endpoints") });
            expect(endpoint.inputs.location).toBe("westeurope");
            expect(dependsOn(endpoint, groupOf(endpoint) === "vault" ? vault : account)).toBe(true);
        }
    });

    test("creates the public cloud's two zones, links each to the network, and gives every endpoint a zone group in its zone", () => {
        const zones = resourcesOfType(run, ZONE);
        expect(zones.map((zone) => zone.inputs.privateZoneName).sort()).toEqual(["privatelink.batch.azure.com", "privatelink.vaultcore.azure.net"]);
        expect(zones.every((zone) => zone.inputs.location === "global")).toBe(true);
        const links = resourcesOfType(run, LINK);
        expect(links.map((link) => link.inputs.privateZoneName).sort()).toEqual(["privatelink.batch.azure.com", "privatelink.vaultcore.azure.net"]);
        for (const link of links) {
            expect(link.inputs.virtualNetwork).toEqual({ id: `${armPrefix(GROUP)}/Microsoft.Network/virtualNetworks/vnet-batch` });
            expect(link.inputs.registrationEnabled).toBe(false);
        }
        const groups = resourcesOfType(run, ZONE_GROUP);
        expect(groups).toHaveLength(3);
        for (const zoneGroup of groups) {
            const config = zoneGroup.inputs.privateDnsZoneConfigs[0];
            const zoneName = config.name === "vault" ? "privatelink.vaultcore.azure.net" : "privatelink.batch.azure.com";
            expect(config.privateDnsZoneId).toBe(zoneId(zoneName, GROUP));
        }
    });

    test("each zone group waits for its endpoint, and each endpoint for its zone's network link", () => {
        for (const endpoint of resourcesOfType(run, ENDPOINT)) {
            const zoneGroup = resourcesOfType(run, ZONE_GROUP).find((candidate) => candidate.inputs.privateEndpointName === endpoint.inputs.privateEndpointName);
            expect(zoneGroup).toBeDefined();
            expect(dependsOn(zoneGroup!, endpoint)).toBe(true);
            const zoneName = groupOf(endpoint) === "vault" ? "privatelink.vaultcore.azure.net" : "privatelink.batch.azure.com";
            const links = resourcesOfType(run, LINK).filter((link) => dependsOn(endpoint, link));
            expect(links.map((link) => link.inputs.privateZoneName)).toEqual([zoneName]);
        }
    });

    test("the pool joins its subnet without public IPs, after the node-management endpoint's DNS record exists", () => {
        const pool = findResource(run, POOL, "pool-pool-private-pool");
        expect(pool.inputs.networkConfiguration).toMatchObject({
            subnetId: subnet("snet-nodes"),
            publicIPAddressConfiguration: { provision: "NoPublicIPAddresses" },
        });
        expect(pool.inputs.targetNodeCommunicationMode).toBe("Simplified");
        expect(pool.options.replaceOnChanges).toContain("networkConfiguration");
        expect(dependsOn(pool, findResource(run, ZONE_GROUP, "batch-nodeManagement-dns"))).toBe(true);
    });

    test("the account and the vault have public network access disabled; certificates wait for the vault's private DNS record", () => {
        expect(findResource(run, ACCOUNT, "batch-account").inputs.publicNetworkAccess).toBe("Disabled");
        expect(findResource(run, VAULT, "pool-vault-vault").inputs.properties.publicNetworkAccess).toBe("Disabled");
        const certificate = resourcesOfType(run, CERTIFICATE)[0];
        const vaultDns = findResource(run, ZONE_GROUP, "pool-vault-vault-endpoint-dns");
        expect(dependsOn(certificate, vaultDns)).toBe(true);
        // The grant wait probes the data plane, which answers only on the private address.
        expect(run.resources.filter((resource) => resource.name === "pool-vault-grant-propagation").every((wait) => dependsOn(wait, vaultDns))).toBe(true);
        expect(run.resources.some((resource) => resource.name === "pool-vault-grant-propagation")).toBe(true);
    });

    test("two diagnostic settings: every Batch log category and its metrics, the vault's audit logs", () => {
        const settings = resourcesOfType(run, DIAGNOSTIC);
        expect(settings).toHaveLength(2);
        const account = findResource(run, DIAGNOSTIC, "diagnostics-batch-account");
        expect(account.inputs).toMatchObject({
            resourceUri: `${armPrefix(GROUP)}/Microsoft.Batch/batchAccounts/${findResource(run, ACCOUNT, "batch-account").inputs.accountName}`,
            workspaceId: WORKSPACE,
            logs: [{ categoryGroup: "allLogs", enabled: true }],
            metrics: [{ category: "AllMetrics", enabled: true }],
        });
        const vault = findResource(run, DIAGNOSTIC, "diagnostics-pool-vault");
        expect(vault.inputs).toMatchObject({ workspaceId: WORKSPACE, logs: [{ categoryGroup: "audit", enabled: true }] });
        expect(vault.inputs.resourceUri).toMatch(/Microsoft\.KeyVault\/vaults\//);
    });

    test("two CanNotDelete locks, on the account and the vault, whose notes say how to remove them", () => {
        const locks = resourcesOfType(run, LOCK);
        expect(locks).toHaveLength(2);
        expect(locks.map((lock) => lock.inputs.scope.split("/providers/")[1].split("/")[0]).sort()).toEqual(["Microsoft.Batch", "Microsoft.KeyVault"]);
        for (const lock of locks) {
            expect(lock.inputs.level).toBe("CanNotDelete");
            expect(lock.inputs.notes).toContain("pulumi config set batch-entra:resourceLocks false");
            // Declared after, and depending on, what lives under the locked resources: destroy deletes the locks first.
            for (const inside of [...resourcesOfType(run, POOL), ...resourcesOfType(run, ENDPOINT), ...resourcesOfType(run, DIAGNOSTIC), ...resourcesOfType(run, CERTIFICATE), ...accountScopedGrants(run)]) {
                expect({ lock: lock.name, dependsOn: inside.name, yes: dependsOn(lock, inside) }).toEqual({ lock: lock.name, dependsOn: inside.name, yes: true });
            }
        }
    });
});

describe("private networking choices", () => {
    test("without the new keys nothing of them is declared, and the account and vault keep their inputs", async () => {
        const run = await runWith();
        for (const type of [ENDPOINT, ZONE_GROUP, ZONE, LINK, DIAGNOSTIC, LOCK]) {
            expect(resourcesOfType(run, type)).toEqual([]);
        }
        expect(findResource(run, ACCOUNT, "batch-account").inputs.publicNetworkAccess).toBe("Enabled");
        // The provider's own default, which the program leaves alone without private endpoints.
        expect(findResource(run, VAULT, "pool-vault-vault").inputs.properties.publicNetworkAccess).toBe("enabled");
        expect(findResource(run, POOL, "pool-pool-01-pool").inputs.networkConfiguration).toBeUndefined();
    });

    test.each([
        ["usgovernment", "usgovvirginia", { "azure-native:environment": "usgovernment", "azuread:environment": "usgovernment" }],
        ["china", "chinanorth3", { "azure-native:environment": "china", "azuread:environment": "china" }],
    ] as const)("the %s cloud gets its own zone names", async (cloud, region, providers) => {
        FAKE_NETWORK_LOCATION.value = region;
        const run = await runFixture({ cloud, "azure-native:location": region, ...providers }).finally(() => {
            FAKE_NETWORK_LOCATION.value = "westeurope";
        });
        const names = PRIVATE_DNS_ZONE_NAMES[cloud];
        expect(resourcesOfType(run, ZONE).map((zone) => zone.inputs.privateZoneName).sort()).toEqual([names.batchAccount, names.vault].sort());
        expect(names.batchAccount).toBe(cloud === "china" ? "privatelink.batch.chinacloudapi.cn" : "privatelink.batch.usgovcloudapi.net");
        expect(names.vault).toBe(cloud === "china" ? "privatelink.vaultcore.azure.cn" : "privatelink.vaultcore.usgovcloudapi.net");
    });

    test("existing zones are used as given: no zone or link is created", async () => {
        const zones = {
            batchAccount: zoneId("privatelink.batch.azure.com"),
            nodeManagement: zoneId("privatelink.batch.azure.com"),
            vault: zoneId("privatelink.vaultcore.azure.net"),
        };
        const run = await runFixture({ privateDnsZones: zones });
        expect(resourcesOfType(run, ZONE)).toEqual([]);
        expect(resourcesOfType(run, LINK)).toEqual([]);
        const ids = resourcesOfType(run, ZONE_GROUP).map((group) => [group.inputs.privateDnsZoneConfigs[0].name, group.inputs.privateDnsZoneConfigs[0].privateDnsZoneId]);
        expect(Object.fromEntries(ids)).toEqual(zones);
    });

    test("a pool in another network gets that network linked to the zones too", async () => {
        const pools = [{ name: "pool-private", vmSize: "Standard_D2s_v5", subnetId: subnet("snet-nodes", GROUP, "vnet-nodes") }];
        const run = await runFixture({ pools });
        const networks = resourcesOfType(run, LINK).map((link) => link.inputs.virtualNetwork.id.split("/").pop());
        expect(networks.sort()).toEqual(["vnet-batch", "vnet-batch", "vnet-nodes", "vnet-nodes"]);
    });

    test("an explicit publicNetworkAccess Enabled keeps account and vault public beside the endpoints; pools then default to public IPs", async () => {
        const run = await runFixture({ publicNetworkAccess: "Enabled" });
        expect(findResource(run, ACCOUNT, "batch-account").inputs.publicNetworkAccess).toBe("Enabled");
        expect(findResource(run, VAULT, "pool-vault-vault").inputs.properties.publicNetworkAccess).toBe("Enabled");
        expect(findResource(run, POOL, "pool-pool-private-pool").inputs.networkConfiguration.publicIPAddressConfiguration.provision).toBe("BatchManaged");
        expect(resourcesOfType(run, ENDPOINT)).toHaveLength(3);
    });

    test("a public account's pool in a subnet may go without public IPs", async () => {
        const run = await runWith({ pools: [{ name: "pool-01", vmSize: "Standard_D2s_v5", subnetId: subnet("snet-nodes", "rg-batch-entra-dev"), publicIPs: "none" }] });
        expect(findResource(run, POOL, "pool-pool-01-pool").inputs.networkConfiguration.publicIPAddressConfiguration.provision).toBe("NoPublicIPAddresses");
        expect(resourcesOfType(run, ENDPOINT)).toEqual([]);
    });

    test("node-management IP rules deny every other address, beside the account endpoint's rules", async () => {
        const run = await runWith({ allowedIpRanges: ["203.0.113.0/24"], allowedNodeManagementIpRanges: ["198.51.100.7"] });
        expect(findResource(run, ACCOUNT, "batch-account").inputs.networkProfile).toEqual({
            accountAccess: { defaultAction: "Deny", ipRules: [{ action: "Allow", value: "203.0.113.0/24" }] },
            nodeManagementAccess: { defaultAction: "Deny", ipRules: [{ action: "Allow", value: "198.51.100.7" }] },
        });
        const onlyNodes = await runWith({ allowedNodeManagementIpRanges: ["198.51.100.0/28"] });
        expect(findResource(onlyNodes, ACCOUNT, "batch-account").inputs.networkProfile).toEqual({
            nodeManagementAccess: { defaultAction: "Deny", ipRules: [{ action: "Allow", value: "198.51.100.0/28" }] },
        });
    });

    test("an account without pools gets only its two endpoints and one diagnostic setting and lock", async () => {
        const run = await runFixture({ pools: undefined });
        expect(resourcesOfType(run, ENDPOINT).map(groupOf).sort()).toEqual(["batchAccount", "nodeManagement"]);
        expect(resourcesOfType(run, ZONE).map((zone) => zone.inputs.privateZoneName)).toEqual(["privatelink.batch.azure.com"]);
        expect(resourcesOfType(run, DIAGNOSTIC)).toHaveLength(1);
        expect(resourcesOfType(run, LOCK)).toHaveLength(1);
    });

    test("a pool's network in another region or subscription stops the run with the key named, before anything is declared", async () => {
        FAKE_NETWORK_LOCATION.value = "northeurope";
        try {
            const { problem } = await expectRejected({ pools: [{ name: "pool-01", vmSize: "Standard_D2s_v5", subnetId: subnet("snet-nodes", "rg-batch-entra-dev") }] }, "pools[0].subnetId");
            expect(problem.problem).toMatch(/virtual network vnet-batch, which is in northeurope, but the Batch account is in westeurope/);
        } finally {
            FAKE_NETWORK_LOCATION.value = "westeurope";
        }
        const otherSubscription = subnet("snet-nodes", "rg-batch-entra-dev").replace(FAKE_SUBSCRIPTION_ID, "00000000-1111-2222-3333-444444444444");
        const { problem } = await expectRejected({ pools: [{ name: "pool-01", vmSize: "Standard_D2s_v5", subnetId: otherSubscription }] }, "pools[0].subnetId");
        expect(problem.problem).toMatch(/in subscription 00000000-1111-2222-3333-444444444444, but Batch pools need a network in the account's subscription/);
    });
});

describe("private networking configuration is validated before any resource is declared", () => {
    const endpoints = { privateEndpointSubnetId: subnet("snet-endpoints", "rg-batch-entra-dev") };
    const privatePool = [{ name: "pool-01", vmSize: "Standard_D2s_v5", subnetId: subnet("snet-nodes", "rg-batch-entra-dev") }];
    const pipeline = {
        pipelineIdentity: true,
        pipelineRepository: "contoso/batch-entra",
        appOwners: ["0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9"],
        poolCertificateManager: "77777777-8888-4999-8aaa-bbbbbbbbbbbb",
    };

    test.each([
        ["privateEndpointSubnetId", { privateEndpointSubnetId: "snet-endpoints" }, /not a subnet resource ID/],
        ["privateEndpointSubnetId", { privateEndpointSubnetId: `${armPrefix("rg")}/Microsoft.Network/virtualNetworks/vnet` }, /not a subnet resource ID/],
        ["privateDnsZones", { privateDnsZones: "create" }, /only applies with privateEndpointSubnetId/],
        ["privateDnsZones", { ...endpoints, pools: privatePool, privateDnsZones: "yes" }, /neither "create" nor a map/],
        ["privateDnsZones", { ...endpoints, pools: privatePool, privateDnsZones: ["create"] }, /neither "create" nor a map/],
        ["privateDnsZones.batchAccount", { ...endpoints, pools: privatePool, privateDnsZones: { batchAccount: "zone", nodeManagement: zoneId("privatelink.batch.azure.com"), vault: zoneId("privatelink.vaultcore.azure.net") } }, /not a private DNS zone resource ID/],
        ["privateDnsZones.vault", { ...endpoints, pools: privatePool, privateDnsZones: { batchAccount: zoneId("privatelink.batch.azure.com"), nodeManagement: zoneId("privatelink.batch.azure.com"), vault: zoneId("privatelink.vault.azure.net") } }, /resolve in "privatelink\.vaultcore\.azure\.net"/],
        ["privateDnsZones.nodeManagement", { ...endpoints, pools: privatePool, privateDnsZones: { batchAccount: zoneId("privatelink.batch.azure.com"), vault: zoneId("privatelink.vaultcore.azure.net") } }, /is required when privateDnsZones is a map/],
        ["privateDnsZones.vault", { ...endpoints, pools: privatePool, privateDnsZones: { batchAccount: zoneId("privatelink.batch.azure.com"), nodeManagement: zoneId("privatelink.batch.azure.com") } }, /required when pools exist/],
        ["privateDnsZones.blob", { ...endpoints, pools: privatePool, privateDnsZones: { batchAccount: zoneId("privatelink.batch.azure.com"), nodeManagement: zoneId("privatelink.batch.azure.com"), vault: zoneId("privatelink.vaultcore.azure.net"), blob: zoneId("privatelink.blob.core.windows.net") } }, /not a private endpoint sub-resource/],
        ["allowedNodeManagementIpRanges[0]", { allowedNodeManagementIpRanges: ["10.0.0.0/33"] }, /not an IPv4 address or an IPv4 CIDR range/],
        ["allowedNodeManagementIpRanges", { ...endpoints, pools: privatePool, allowedNodeManagementIpRanges: ["198.51.100.7"] }, /only apply while publicNetworkAccess is Enabled/],
        ["logAnalyticsWorkspaceId", { logAnalyticsWorkspaceId: "law-batch" }, /resource ID of a Log Analytics workspace/],
        ["logAnalyticsWorkspaceId", { logAnalyticsWorkspaceId: `${armPrefix("rg")}/Microsoft.Insights/components/law-batch` }, /resource ID of a Log Analytics workspace/],
        ["resourceLocks", { resourceLocks: "yes" }, /not a boolean/],
        ["pools[0].subnetId", { pools: [{ name: "pool-01", vmSize: "Standard_D2s_v5", subnetId: "snet-nodes" }] }, /not a subnet resource ID/],
        ["pools[0].subnetId", { pools: [{ name: "pool-01", vmSize: "Standard_D2s_v5", subnetId: 7 }] }, /non-empty text/],
        ["pools[0].publicIPs", { pools: [{ ...privatePool[0], publicIPs: "off" }] }, /not one of "none", "batchManaged"/],
        ["pools[0].publicIPs", { pools: [{ name: "pool-01", vmSize: "Standard_D2s_v5", publicIPs: "none" }] }, /needs subnetId/],
        ["pools[0].subnetId", { ...endpoints, pools: [{ name: "pool-01", vmSize: "Standard_D2s_v5" }] }, /required while the account is private/],
        ["publicNetworkAccess", { publicNetworkAccess: "Disabled" }, /no nodeManagement private endpoint exists/],
        ["privateEndpointSubnetId", { ...pipeline, privateEndpointSubnetId: subnet("snet-endpoints", "rg-network"), pools: [{ ...privatePool[0] }] }, /outside the stack's group "rg-batch-entra-dev", and batch-entra:pipelineIdentity is true/],
        ["pools[0].subnetId", { ...pipeline, pools: [{ name: "pool-01", vmSize: "Standard_D2s_v5", subnetId: subnet("snet-nodes", "rg-network") }] }, /batch-entra:pipelineIdentity is true/],
        ["logAnalyticsWorkspaceId", { ...pipeline, logAnalyticsWorkspaceId: WORKSPACE }, /in resource group "rg-batch-entra-private", outside the stack's group/],
        ["privateDnsZones.batchAccount", { ...pipeline, ...endpoints, pools: privatePool, privateDnsZones: { batchAccount: zoneId("privatelink.batch.azure.com"), nodeManagement: zoneId("privatelink.batch.azure.com", "rg-batch-entra-dev"), vault: zoneId("privatelink.vaultcore.azure.net", "rg-batch-entra-dev") } }, /pipelineIdentity is true/],
    ])("%s: %p is refused", async (key, overrides, message) => {
        const { problem } = await expectRejected(overrides, key);
        expect(problem.problem).toMatch(message);
    });

    test("with pipelineIdentity, everything in the stack's own resource group is accepted; locks and a private account are warned about", async () => {
        const overrides = {
            ...pipeline,
            ...endpoints,
            pools: privatePool,
            logAnalyticsWorkspaceId: `${armPrefix("rg-batch-entra-dev")}/Microsoft.OperationalInsights/workspaces/law-batch`,
            resourceLocks: true,
        };
        const run = await runWith(overrides);
        expect(resourcesOfType(run, ENDPOINT)).toHaveLength(3);
        const settings = readSettings(
            { get: (key) => mergeConfig({ "azure-native:location": "westeurope" }, overrides)[key], keys: () => Object.keys(mergeConfig({}, overrides)) },
            { projectName: "batch-entra", stackName: "dev" },
        );
        expect(settings.warnings.map((warning) => warning.key)).toEqual(["batch-entra:resourceLocks", "batch-entra:publicNetworkAccess"]);
    });
});

describe("PrivateEndpointWithDns and PrivateDnsZones used as a library", () => {
    const ENDPOINT_ARGS: PrivateEndpointWithDnsArgs = {
        endpointName: "pe-batch",
        resourceGroupName: GROUP,
        location: "westeurope",
        subnetId: subnet("snet-endpoints"),
        targetResourceId: `${armPrefix(GROUP)}/Microsoft.Batch/batchAccounts/batchprod01`,
        groupId: PrivateEndpointGroup.BatchAccount,
        privateDnsZoneId: zoneId(PRIVATE_DNS_ZONE_NAMES.public.batchAccount),
    };
    const refused = async (construct: () => pulumi.ComponentResource) => {
        const { message, resources } = await libraryRefusal(construct);
        expect(resources.filter((resource) => resource.custom)).toEqual([]);
        return message;
    };

    test("subnetId: a subnet's ARM ID, refused in the words privateEndpointSubnetId is", async () => {
        const message = await refused(() => new PrivateEndpointWithDns("pe", { ...ENDPOINT_ARGS, subnetId: "snet-endpoints" }));
        const { problem } = await expectRejected({ privateEndpointSubnetId: "snet-endpoints" }, "privateEndpointSubnetId");
        expect(message).toContain(`subnetId: ${problem.problem}`);
    });

    test("privateDnsZoneId: a private DNS zone's ARM ID, refused in the words privateDnsZones is", async () => {
        const bad = `${armPrefix("rg-dns")}/Microsoft.Network/dnsZones/contoso.com`;
        const message = await refused(() => new PrivateEndpointWithDns("pe", { ...ENDPOINT_ARGS, privateDnsZoneId: bad }));
        const { problem } = await expectRejected(
            { privateEndpointSubnetId: subnet("snet-endpoints"), privateDnsZones: { batchAccount: bad, nodeManagement: zoneId(PRIVATE_DNS_ZONE_NAMES.public.nodeManagement) } },
            "privateDnsZones.batchAccount",
        );
        expect(message).toContain(`privateDnsZoneId: ${problem.problem}`);
    });

    test("privateDnsZoneId: the zone the sub-resource resolves in, in any cloud", async () => {
        const vaultZone = zoneId(PRIVATE_DNS_ZONE_NAMES.public.vault);
        expect(await refused(() => new PrivateEndpointWithDns("pe", { ...ENDPOINT_ARGS, privateDnsZoneId: vaultZone }))).toContain(
            'privateDnsZoneId: names zone "privatelink.vaultcore.azure.net", but batchAccount endpoints resolve in "privatelink.batch.azure.com", "privatelink.batch.usgovcloudapi.net", "privatelink.batch.chinacloudapi.cn"',
        );
        const china = await runOffline({
            config: {},
            program: async () => (new PrivateEndpointWithDns("pe", { ...ENDPOINT_ARGS, privateDnsZoneId: zoneId(PRIVATE_DNS_ZONE_NAMES.china.batchAccount) }), {}),
        });
        expect(resourcesOfType(china, ZONE_GROUP)).toHaveLength(1);
    });

    test("groupId: one of the sub-resources the zones are known for", async () => {
        const message = await refused(() => new PrivateEndpointWithDns("pe", { ...ENDPOINT_ARGS, groupId: "blob" as PrivateEndpointGroup }));
        expect(message).toContain('groupId: "blob" is not a private endpoint sub-resource (batchAccount, nodeManagement, vault)');
    });

    test("privateEndpointWaitingFor: the endpoint waits for the resources given, which are no arg", async () => {
        const run = await runOffline({
            config: {},
            program: async () => {
                const zones = new PrivateDnsZones("zones", { resourceGroupName: GROUP, zoneNames: [PRIVATE_DNS_ZONE_NAMES.public.batchAccount], virtualNetworkIds: [subnet("x").replace(/\/subnets\/x$/, "")] });
                new PrivateEndpointWithDns("pe", privateEndpointWaitingFor(ENDPOINT_ARGS, zones.links[PRIVATE_DNS_ZONE_NAMES.public.batchAccount]));
                new PrivateEndpointWithDns("pe-unordered", { ...ENDPOINT_ARGS, endpointName: "pe-unordered" });
                return {};
            },
        });
        const [link] = resourcesOfType(run, LINK);
        expect(dependsOn(findResource(run, ENDPOINT, "pe-endpoint"), link)).toBe(true);
        expect(dependsOn(findResource(run, ENDPOINT, "pe-unordered-endpoint"), link)).toBe(false);
    });

    test("virtualNetworkIds: each a virtual network's ARM ID, named by its index", async () => {
        const message = await refused(
            () => new PrivateDnsZones("zones", { resourceGroupName: GROUP, zoneNames: ["privatelink.batch.azure.com"], virtualNetworkIds: [subnet("x").replace(/\/subnets\/x$/, ""), subnet("x")] }),
        );
        expect(message).toMatch(/virtualNetworkIds\[1\]: "[^"]+" is not a virtual network resource ID/);
        expect(message).not.toContain("virtualNetworkIds[0]");
    });
});
