import * as authorization from "@pulumi/azure-native/authorization";
import * as keyvault from "@pulumi/azure-native/keyvault";
import * as managedidentity from "@pulumi/azure-native/managedidentity";
import * as azureKeyVault from "@pulumi/azure/keyvault";
import * as pulumi from "@pulumi/pulumi";
import { stableGuid } from "../../config/naming";
import { GrantPropagationWait } from "../keyVault/grantPropagationWait";
import { recoverableVaultProperties } from "../keyVault/recoverableVault";
import { PublicNetworkAccess } from "../batchAccount/batchAccount";
import { PrivateEndpointWithDns, privateEndpointWaitingFor } from "../privateNetworking/privateNetworking";
import { PrincipalType } from "../rbac/batchRbac";
import { aliasFormerType } from "../typeToken";
import { BUILT_IN_ROLE_GUIDS } from "../../azure/roles";
import { refuseUnrunnableDynamicResource } from "../dynamicResourceHost";
import { DEFAULT_CERTIFICATE_ISSUER, POOL_KEY_VAULT_PERMISSION_MODEL_KEY } from "./config";

/** Built-in role GUIDs (Azure built-in roles, Security). */
export const KEY_VAULT_SECRETS_USER_ROLE = BUILT_IN_ROLE_GUIDS.keyVaultSecretsUser;
export const KEY_VAULT_CERTIFICATES_OFFICER_ROLE = BUILT_IN_ROLE_GUIDS.keyVaultCertificatesOfficer;
export const KEY_VAULT_READER_ROLE = BUILT_IN_ROLE_GUIDS.keyVaultReader;

/** What the pool identity may do under access policies: read the certificate's secret, and see the certificate. */
export const POOL_IDENTITY_PERMISSIONS = { secrets: ["get", "list"], certificates: ["get", "list"] };
/** What the deploying identity needs to create, renew-configure and remove certificates under access policies. */
export const DEPLOYER_PERMISSIONS = { certificates: ["get", "list", "create", "update", "delete", "recover"] };
/** What a reader (a pipeline's preview identity) needs under access policies to refresh the certificates. */
export const READER_PERMISSIONS = { certificates: ["get", "list"] };

export interface CertificateToCreate {
    /** Required. Name in the vault (letters, digits, hyphens). */
    name: string;
    /** Required. X.500 subject, e.g. `CN=pool-01`. */
    subject: string;
    /** Optional. DNS subject alternative names. Default: none. */
    dnsNames?: string[];
    /** Required. Validity in months of each issued version. */
    validityMonths: number;
    /**
     * Required. Days before expiry at which Key Vault issues the next version (AutoRenew lifetime action); less than
     * the validity. See https://learn.microsoft.com/azure/key-vault/certificates/overview-renew-certificate
     */
    daysBeforeExpiry: number;
    /** Optional. Issuer: `Self` (default), `Unknown`, or an issuer configured in the vault. */
    issuerName?: string;
}

export interface ExistingCertificateReference {
    /** Required. A key identifying it in `certificateSecretUrls`. */
    name: string;
    /** Required. Versionless secret URL, e.g. `https://kv.vault.azure.net/secrets/web-tls`. */
    secretUrl: string;
    /**
     * Optional. ARM ID of the vault holding it when that is not this component's vault: the identity is then granted
     * Key Vault Secrets User on that vault (which must use Azure RBAC). Default: the certificate is in this vault.
     */
    keyVaultId?: string;
}

/** How the vault authorizes its data plane (an `as const` object, an enum in the component provider's schema). */
export const VaultPermissionModel = { Rbac: "rbac", AccessPolicy: "accessPolicy" } as const;
export type VaultPermissionModel = (typeof VaultPermissionModel)[keyof typeof VaultPermissionModel];

/** The principal that creates and manages the vault's certificates. */
export interface VaultCertificateManager {
    /** Required. Object ID of the user, group or service principal. */
    principalId: pulumi.Input<string>;
    /** Required. Its kind: ARM rejects a role assignment whose principal type does not match. */
    principalType: PrincipalType;
}

/** A service principal granted access to the vault, by a stable key for the grant's Pulumi name. */
export interface VaultPrincipal {
    /** Required. Stable, unique key for the grant's Pulumi name, e.g. `pipeline-deploy`. */
    key: string;
    /** Required. Object ID of the service principal. */
    principalId: pulumi.Input<string>;
}

/** A private endpoint to the vault: PrivateEndpointWithDnsArgs without the target, which is the vault. */
export interface VaultPrivateEndpointArgs {
    /** Required. Name of the private endpoint resource. */
    endpointName: string;
    /** Required. Resource group of the endpoint (the stack's group). */
    resourceGroupName: pulumi.Input<string>;
    /** Required. Region of the endpoint; it must be the region of the subnet's virtual network. */
    location: pulumi.Input<string>;
    /** Required. ARM ID of the subnet the endpoint's network interface is placed in. */
    subnetId: string;
    /** Required. The private DNS zone the endpoint's A record is written to. */
    privateDnsZoneId: pulumi.Input<string>;
    /** Optional. Tags for the endpoint. Default: none. */
    tags?: Record<string, string>;
}

/**
 * The program's path for what the schema cannot carry: resources the vault's endpoint is not usable without (the
 * zone's network links). Not an arg, because the component provider's schema models a resource as a bare URN.
 */
const endpointDependencies = new WeakMap<VaultPrivateEndpointArgs, pulumi.Resource[]>();

/** A vault endpoint that also waits for `dependsOn` (the batch-entra program's zone links). */
export function vaultEndpointWaitingFor(endpoint: VaultPrivateEndpointArgs, dependsOn: pulumi.Resource[] | undefined): VaultPrivateEndpointArgs {
    if (dependsOn !== undefined) {
        endpointDependencies.set(endpoint, dependsOn);
    }
    return endpoint;
}

/** The grants that let each vault's pool identity read certificates, kept off the instance (see poolIdentityAccess). */
const identityAccessOf = new WeakMap<PoolIdentityVault, pulumi.Resource[]>();

/**
 * The grants that let the pool identity read certificates; a pool must not boot before they exist. A function, not
 * a field: the component provider's analyzer lists every field as an output, and models a resource as a bare URN.
 */
export function poolIdentityAccess(vault: PoolIdentityVault): pulumi.Resource[] {
    return identityAccessOf.get(vault) ?? [];
}

export interface PoolIdentityVaultArgs {
    /** Required. Resource group of the vault (the Batch account's group). */
    resourceGroupName: pulumi.Input<string>;
    /** Required. Azure region of the identity and the vault. */
    location: pulumi.Input<string>;
    /** Optional. Resource group of the identity. Default: `resourceGroupName`. The identity may live in another group. */
    identityResourceGroupName?: pulumi.Input<string>;
    /** Required. Name of the user-assigned identity. */
    identityName: string;
    /**
     * Required. Globally unique vault name (3-24 characters).
     * See https://learn.microsoft.com/azure/key-vault/general/about-keys-secrets-certificates#vault-name-and-object-name
     */
    vaultName: pulumi.Input<string>;
    /**
     * Optional. `rbac` (default): Azure RBAC data-plane authorization; `accessPolicy`: vault access policies, as seed
     * 004 does. See https://learn.microsoft.com/azure/key-vault/general/rbac-migration
     */
    permissionModel?: VaultPermissionModel;
    /**
     * Conditional. Who creates and manages the certificates: Key Vault Certificates Officer (or an access policy) on
     * the vault. Required when `certificates` is not empty. Name a stable principal, usually a group every person who
     * runs `pulumi up` belongs to: a grant that followed whoever runs the update would move at every deployer change,
     * and the next deployer's refresh would read the certificates without data-plane access. ARM rejects a role
     * assignment whose principal type does not match (UnmatchedPrincipalType).
     */
    certificateManager?: VaultCertificateManager;
    /**
     * Optional. Service principals that also manage the certificates, such as a pipeline's deploy identity; each gets
     * the same grant as `certificateManager`. Default: none.
     */
    certificateOfficers?: VaultPrincipal[];
    /**
     * Optional. Principals that may read certificate metadata (Key Vault Reader), such as a pipeline's preview identity,
     * whose refresh reads the certificates. RBAC only. Default: none.
     */
    certificateReaders?: VaultPrincipal[];
    /** Optional. Certificates the program creates with auto-renewal. Default: none. */
    certificates?: CertificateToCreate[];
    /** Optional. Certificates that already exist, referenced by versionless secret URL. Default: none. */
    existingCertificates?: ExistingCertificateReference[];
    /**
     * Optional. `Enabled` (default) or `Disabled`: the vault's data plane is then reachable only through `privateEndpoint`,
     * from the deploying machine too. See https://learn.microsoft.com/azure/key-vault/general/private-link-service
     */
    publicNetworkAccess?: PublicNetworkAccess;
    /** Optional. A private endpoint to the vault (sub-resource `vault`); certificates are requested after it resolves. Default: none. */
    privateEndpoint?: VaultPrivateEndpointArgs;
    /** Optional. Tags for the identity and the vault. Default: none. */
    tags?: Readonly<Record<string, string>>;
}

/**
 * The identity Batch pool nodes present to Key Vault, the vault holding their certificates, the identity's read
 * access, and the auto-renewing certificates (seed 004, "Create a user-assigned identity" through "Add an access
 * policy"). The vault keeps soft delete and purge protection on, so a deleted certificate can always be recovered.
 */
export class PoolIdentityVault extends pulumi.ComponentResource {
    public readonly identity: managedidentity.UserAssignedIdentity;
    public readonly vault: keyvault.Vault;
    /** The certificates created here, by name; pools wait for the ones they observe. */
    public readonly createdCertificates: Readonly<Record<string, azureKeyVault.Certificate>>;
    /** Versionless secret URL per certificate name (created and existing): what nodes observe, following renewals. */
    public readonly certificateSecretUrls: Readonly<Record<string, pulumi.Output<string>>>;
    public readonly identityClientId: pulumi.Output<string>;
    public readonly identityPrincipalId: pulumi.Output<string>;
    public readonly identityId: pulumi.Output<string>;
    public readonly keyVaultUri: pulumi.Output<string>;

    constructor(name: string, args: PoolIdentityVaultArgs, opts?: pulumi.ComponentResourceOptions) {
        super("batch-entra:index:PoolIdentityVault", name, {}, aliasFormerType(opts, "batch-entra:pools:PoolIdentityVault"));
        if (args.certificateManager !== undefined) {
            refuseUnrunnableDynamicResource(this, `PoolIdentityVault "${name}": the wait for the certificate manager's grant (${name}-grant-propagation)`);
        }

        const permissionModel = args.permissionModel ?? POOL_KEY_VAULT_PERMISSION_MODEL_KEY.default;
        const client = authorization.getClientConfigOutput({ parent: this });
        const roleDefinition = (roleId: string) =>
            pulumi.interpolate`/subscriptions/${client.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${roleId}`;

        this.identity = new managedidentity.UserAssignedIdentity(
            `${name}-identity`,
            {
                resourceName: args.identityName,
                resourceGroupName: args.identityResourceGroupName ?? args.resourceGroupName,
                location: args.location,
                tags: { ...args.tags },
            },
            { parent: this },
        );

        this.vault = new keyvault.Vault(
            `${name}-vault`,
            {
                vaultName: args.vaultName,
                resourceGroupName: args.resourceGroupName,
                location: args.location,
                // Nodes reach certificates through the Key Vault extension and their own identity.
                properties: { ...recoverableVaultProperties(client.tenantId, permissionModel === "rbac"), publicNetworkAccess: args.publicNetworkAccess },
                tags: { ...args.tags },
            },
            // Access policies are separate AccessPolicy resources; the pulumi-azure-native docs warn that mixing them
            // with inline policies deletes one or the other.
            { parent: this, ignoreChanges: ["properties.accessPolicies"] },
        );

        const grantRead = (suffix: string, scope: pulumi.Input<string>) =>
            new authorization.RoleAssignment(
                `${name}-${suffix}`,
                {
                    principalId: this.identity.principalId,
                    // A just-created identity may not have replicated yet; the type spares ARM the directory lookup.
                    principalType: "ServicePrincipal",
                    roleDefinitionId: roleDefinition(KEY_VAULT_SECRETS_USER_ROLE),
                    // The extension docs require this role at vault scope; the vault holds only these pools' certificates.
                    scope,
                    // Named from what it grants, so a re-run never asks ARM for a second, randomly named copy.
                    roleAssignmentName: pulumi.output(scope).apply((id) => stableGuid(id, KEY_VAULT_SECRETS_USER_ROLE, `${name}-${suffix}`)),
                },
                { parent: this, deleteBeforeReplace: true },
            );

        // With the endpoint, data-plane calls (the grant wait's probe, certificate requests) go to the vault's private
        // address: they wait for its DNS record.
        const vaultEndpoint = args.privateEndpoint
            ? new PrivateEndpointWithDns(
                  `${name}-vault-endpoint`,
                  privateEndpointWaitingFor(
                      { ...args.privateEndpoint, targetResourceId: this.vault.id, groupId: "vault" },
                      endpointDependencies.get(args.privateEndpoint),
                  ),
                  { parent: this },
              )
            : undefined;
        const dataPlaneReady = vaultEndpoint ? [vaultEndpoint.zoneGroup] : [];

        const manager = args.certificateManager;
        if (manager === undefined && (args.certificates ?? []).length > 0) {
            throw new pulumi.ResourceError(
                `PoolIdentityVault "${name}": certificateManager is required to create certificates (name a group of the people who deploy)`,
                this,
            );
        }
        const managers = [
            ...(manager ? [{ key: "deployer", ...manager }] : []),
            ...(args.certificateOfficers ?? []).map((officer) => ({ ...officer, principalType: "ServicePrincipal" as const })),
        ];
        /** What a certificate request waits for: every manager's grant, the configured manager's after its wait. */
        const managerAccess: pulumi.Resource[] = [];
        const identityAccess: pulumi.Resource[] = [];
        identityAccessOf.set(this, identityAccess);
        if (permissionModel === "rbac") {
            identityAccess.push(grantRead("identity-secrets-user", this.vault.id));
            const officerGrant = (key: string, principal: { principalId: pulumi.Input<string>; principalType: string }) =>
                new authorization.RoleAssignment(
                    `${name}-${key}-certificates-officer`,
                    {
                        principalId: principal.principalId,
                        principalType: principal.principalType,
                        roleDefinitionId: roleDefinition(KEY_VAULT_CERTIFICATES_OFFICER_ROLE),
                        scope: this.vault.id,
                        roleAssignmentName: this.vault.id.apply((id) => stableGuid(id, KEY_VAULT_CERTIFICATES_OFFICER_ROLE, `${name}-${key}`)),
                    },
                    { parent: this, deleteBeforeReplace: true },
                );
            if (manager !== undefined) {
                const managerGrant = officerGrant("deployer", manager);
                // Key Vault applies new RBAC grants to its data plane only after a delay (Microsoft documents up to ten
                // minutes). Without the wait the first certificate request is refused with 403 ForbiddenByRbac. The wait
                // asks the data plane until the grant works, and waits again whenever the grant changes.
                managerAccess.push(
                    new GrantPropagationWait(
                        `${name}-grant-propagation`,
                        { vaultUri: this.vault.properties.apply((properties) => properties.vaultUri ?? ""), grantId: managerGrant.id },
                        { parent: this, dependsOn: [managerGrant, ...dataPlaneReady] },
                    ),
                );
            }
            for (const officer of args.certificateOfficers ?? []) {
                managerAccess.push(officerGrant(officer.key, { principalId: officer.principalId, principalType: "ServicePrincipal" }));
            }
            for (const reader of args.certificateReaders ?? []) {
                new authorization.RoleAssignment(
                    `${name}-${reader.key}-key-vault-reader`,
                    {
                        principalId: reader.principalId,
                        principalType: "ServicePrincipal",
                        roleDefinitionId: roleDefinition(KEY_VAULT_READER_ROLE),
                        scope: this.vault.id,
                        roleAssignmentName: this.vault.id.apply((id) => stableGuid(id, KEY_VAULT_READER_ROLE, `${name}-${reader.key}`)),
                    },
                    { parent: this, deleteBeforeReplace: true },
                );
            }
        } else {
            identityAccess.push(
                new keyvault.AccessPolicy(
                    `${name}-identity-policy`,
                    {
                        resourceGroupName: args.resourceGroupName,
                        vaultName: this.vault.name,
                        policy: { tenantId: client.tenantId, objectId: this.identity.principalId, permissions: POOL_IDENTITY_PERMISSIONS },
                    },
                    { parent: this },
                ),
            );
            for (const { key, principalId } of managers) {
                managerAccess.push(
                    new keyvault.AccessPolicy(
                        `${name}-${key}-policy`,
                        {
                            resourceGroupName: args.resourceGroupName,
                            vaultName: this.vault.name,
                            policy: { tenantId: client.tenantId, objectId: principalId, permissions: DEPLOYER_PERMISSIONS },
                        },
                        { parent: this },
                    ),
                );
            }
            for (const reader of args.certificateReaders ?? []) {
                new keyvault.AccessPolicy(
                    `${name}-${reader.key}-reader-policy`,
                    {
                        resourceGroupName: args.resourceGroupName,
                        vaultName: this.vault.name,
                        policy: { tenantId: client.tenantId, objectId: reader.principalId, permissions: READER_PERMISSIONS },
                    },
                    { parent: this },
                );
            }
        }

        const foreignVaults = [...new Set((args.existingCertificates ?? []).flatMap((cert) => (cert.keyVaultId ? [cert.keyVaultId] : [])))];
        foreignVaults.forEach((vaultId, index) => identityAccess.push(grantRead(`identity-secrets-user-external-${index}`, vaultId)));

        const created: Record<string, azureKeyVault.Certificate> = {};
        const urls: Record<string, pulumi.Output<string>> = {};
        for (const certificate of args.certificates ?? []) {
            created[certificate.name] = new azureKeyVault.Certificate(
                `${name}-${certificate.name}`,
                {
                    name: certificate.name,
                    keyVaultId: this.vault.id,
                    certificatePolicy: {
                        issuerParameters: { name: certificate.issuerName ?? DEFAULT_CERTIFICATE_ISSUER },
                        // Exportable so the secret carries the private key the nodes need; a fresh key per renewal.
                        keyProperties: { keyType: "RSA", keySize: 2048, exportable: true, reuseKey: false },
                        // PKCS #12 is the format both the Linux and the Windows extension install.
                        secretProperties: { contentType: "application/x-pkcs12" },
                        lifetimeActions: [{ action: { actionType: "AutoRenew" }, trigger: { daysBeforeExpiry: certificate.daysBeforeExpiry } }],
                        x509CertificateProperties: {
                            subject: certificate.subject,
                            validityInMonths: certificate.validityMonths,
                            keyUsages: ["digitalSignature", "keyEncipherment"],
                            extendedKeyUsages: ["1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2"],
                            subjectAlternativeNames: certificate.dnsNames?.length ? { dnsNames: [...certificate.dnsNames] } : undefined,
                        },
                    },
                    tags: { ...args.tags },
                },
                // The data-plane call fails with 403 until the manager's grant exists and has taken effect.
                { parent: this, dependsOn: [...managerAccess, ...dataPlaneReady] },
            );
            urls[certificate.name] = created[certificate.name].versionlessSecretId;
        }
        for (const existing of args.existingCertificates ?? []) {
            urls[existing.name] = pulumi.output(existing.secretUrl);
        }
        this.createdCertificates = created;
        this.certificateSecretUrls = urls;

        this.identityClientId = this.identity.clientId;
        this.identityPrincipalId = this.identity.principalId;
        this.identityId = this.identity.id;
        this.keyVaultUri = this.vault.properties.apply((properties) => properties.vaultUri ?? "");

        this.registerOutputs({
            identityClientId: this.identityClientId,
            identityPrincipalId: this.identityPrincipalId,
            identityId: this.identityId,
            keyVaultUri: this.keyVaultUri,
            certificateSecretUrls: this.certificateSecretUrls,
        });
    }
}
