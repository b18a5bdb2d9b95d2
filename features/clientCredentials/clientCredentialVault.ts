import * as azuread from "@pulumi/azuread";
import * as authorization from "@pulumi/azure-native/authorization";
import * as eventgrid from "@pulumi/azure-native/eventgrid";
import * as keyvault from "@pulumi/azure-native/keyvault";
import * as monitor from "@pulumi/azure-native/monitor";
import * as azureKeyVault from "@pulumi/azure/keyvault";
import * as pulumi from "@pulumi/pulumi";
import { shortHash, stableGuid } from "../../config/naming";
import { recoverableVaultProperties } from "../keyVault/recoverableVault";
import { GrantPropagationWait } from "../keyVault/grantPropagationWait";
import { ACTION_GROUP_EMAILS } from "../../azure/limits";
import { EXAMPLE_GUID } from "../../config/reader";
import { KEY_VAULT_CERTIFICATES_OFFICER_ROLE, KEY_VAULT_SECRETS_USER_ROLE, VaultCertificateManager } from "../pools/poolIdentityVault";
import type { PrincipalType } from "../rbac/batchRbac";
import { ArgProblem, listArgProblems, refuseBadArgs } from "../argRules";
import { aliasFormerType } from "../typeToken";
import { refuseUnrunnableDynamicResource } from "../dynamicResourceHost";
import { EMAILS_EXAMPLE, READERS_EXAMPLE, certificateRenewalProblem, credentialReaderProblems, emailProblem } from "./config";

/** The one secret every rotated client secret becomes a version of; readers take its versionless URL. */
export const CLIENT_SECRET_NAME = "batch-client-secret";
/** The certificate clients sign in with; its private key and certificate are in the secret of the same name. */
export const CLIENT_CERTIFICATE_NAME = "batch-client-certificate";
/** Content types `npm run verify -- --from-key-vault` tells the two credentials apart by. */
export const CLIENT_SECRET_CONTENT_TYPE = "text/plain";
export const CLIENT_CERTIFICATE_CONTENT_TYPE = "application/x-pem-file";
/** Key Vault's events for secrets and certificates about to expire, or expired (Event Grid schema for Key Vault). */
export const EXPIRY_EVENT_TYPES = [
    "Microsoft.KeyVault.SecretNearExpiry",
    "Microsoft.KeyVault.SecretExpired",
    "Microsoft.KeyVault.CertificateNearExpiry",
    "Microsoft.KeyVault.CertificateExpired",
];

/** The client certificate: a Key Vault certificate registered on the app as a key credential. */
export interface ClientCredentialCertificate {
    /** Required. The client app, in the `/applications/{objectId}` form. */
    applicationId: pulumi.Input<string>;
    /** Required. X.500 subject of each version, e.g. `CN=batch-client`. */
    subject: string;
    /** Required. Validity in months of each version. */
    validityMonths: number;
    /** Required. Days before expiry at which Key Vault issues the next version; less than `validityMonths` x 27. */
    renewDaysBeforeExpiry: number;
}

/** A client secret to deliver: its value (kept secret) and when it expires. */
export interface ClientCredentialSecret {
    /** Required. The secret's value, e.g. BatchClientApp's `clientSecret`. */
    value: pulumi.Input<string>;
    /** Required. RFC 3339 expiry, e.g. BatchClientApp's `clientSecretExpiresAt`. */
    expiresAt: pulumi.Input<string>;
}

/** A principal that may read the delivered secret or certificate (Key Vault Secrets User on it alone). */
export interface ClientCredentialReader {
    /** Required. Object ID of the user, group or service principal. */
    principalId: string;
    /** Required. Its kind: ARM rejects a role assignment whose principal type does not match. */
    principalType: PrincipalType;
}

export interface ClientCredentialVaultArgs {
    /** Required. Resource group of the vault (the Batch account's group). */
    resourceGroupName: pulumi.Input<string>;
    /** Required. Azure region of the vault and its Event Grid system topic. */
    location: pulumi.Input<string>;
    /** Required. Globally unique vault name (3-24 characters). */
    vaultName: pulumi.Input<string>;
    /**
     * Conditional (with `certificate`). Who creates and manages the certificate: Key Vault Certificates Officer on
     * the vault. A stack deployed from CI names its deploy identity, so the grant does not follow whoever runs `up`.
     */
    certificateManager?: VaultCertificateManager;
    /**
     * Optional. A Key Vault certificate registered on the app as a key credential. Key Vault renews it
     * `renewDaysBeforeExpiry` days before it expires; the next `pulumi up` registers the new version while the old
     * one is still valid, and leaves the old key credential to lapse. Default: none.
     */
    certificate?: ClientCredentialCertificate;
    /** Optional. A client secret to write as the next version of one Key Vault secret, with its expiry. Default: none. */
    clientSecret?: ClientCredentialSecret;
    /** Optional. Principals granted Key Vault Secrets User on the delivered secret (or certificate) only. Default: none. */
    readers?: ClientCredentialReader[];
    /** Optional. Addresses mailed by an action group when a secret or certificate nears expiry or expires. Default: none. */
    expiryAlertEmails?: string[];
    /** Optional. Tags for the vault, topic and action group. Default: none. */
    tags?: Readonly<Record<string, string>>;
}

const MANAGER_EXAMPLE = `{"principalId": "${EXAMPLE_GUID}", "principalType": "Group"}`;

/**
 * The vault batch-entra hands client credentials over in (RBAC permission model, soft delete, purge protection):
 * the client certificate and its key credential on the app, the client secret's versions, who may read them, and
 * the expiry alerts. Separate from the pools' vault, which exists only when pools do.
 */
export class ClientCredentialVault extends pulumi.ComponentResource {
    public readonly vault: keyvault.Vault;
    public readonly keyVaultUri: pulumi.Output<string>;
    /** Versionless URL of the secret holding the client secret, when one is delivered. */
    public readonly clientSecretUrl?: pulumi.Output<string>;
    /** Versionless URL of the secret holding the certificate's PEM (key and certificate), in certificate mode. */
    public readonly certificateSecretUrl?: pulumi.Output<string>;
    public readonly certificateThumbprint?: pulumi.Output<string>;
    public readonly certificateExpiresAt?: pulumi.Output<string>;

    constructor(name: string, args: ClientCredentialVaultArgs, opts?: pulumi.ComponentResourceOptions) {
        super("batch-entra:index:ClientCredentialVault", name, {}, aliasFormerType(opts, "batch-entra:app:ClientCredentialVault"));
        refuseBadArgs(this, clientCredentialVaultProblems(args));
        if (args.certificate && args.certificateManager) {
            refuseUnrunnableDynamicResource(this, `ClientCredentialVault "${name}": the wait for the certificate manager's grant (${name}-grant-propagation)`);
        }
        const client = authorization.getClientConfigOutput({ parent: this });
        const roleDefinition = (roleId: string) =>
            pulumi.interpolate`/subscriptions/${client.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${roleId}`;
        const tags = { ...args.tags };

        this.vault = new keyvault.Vault(
            `${name}-vault`,
            {
                vaultName: args.vaultName,
                resourceGroupName: args.resourceGroupName,
                location: args.location,
                properties: recoverableVaultProperties(client.tenantId, true),
                tags,
            },
            { parent: this },
        );
        this.keyVaultUri = this.vault.properties.apply((properties) => properties.vaultUri ?? "");

        const grant = (suffix: string, principal: { principalId: pulumi.Input<string>; principalType: string }, roleId: string, scope: pulumi.Input<string>, dependsOn: pulumi.Resource[]) =>
            new authorization.RoleAssignment(
                `${name}-${suffix}`,
                {
                    principalId: principal.principalId,
                    principalType: principal.principalType,
                    roleDefinitionId: roleDefinition(roleId),
                    scope,
                    roleAssignmentName: pulumi
                        .all([pulumi.output(scope), pulumi.output(principal.principalId)])
                        .apply(([id, principalId]) => stableGuid(id, roleId, principalId)),
                },
                { parent: this, deleteBeforeReplace: true, dependsOn },
            );
        const readersOf = (secretName: string, secret: pulumi.Resource) =>
            (args.readers ?? []).forEach((reader) =>
                grant(
                    `${secretName}-reader-${shortHash(reader.principalId.toLowerCase(), 8)}`,
                    reader,
                    KEY_VAULT_SECRETS_USER_ROLE,
                    pulumi.interpolate`${this.vault.id}/secrets/${secretName}`,
                    [secret],
                ),
            );

        if (args.certificate && args.certificateManager) {
            const managerGrant = grant("certificates-officer", args.certificateManager, KEY_VAULT_CERTIFICATES_OFFICER_ROLE, this.vault.id, []);
            // Key Vault applies new RBAC grants to its data plane after a delay; the certificate request waits for it.
            const managerAccess = new GrantPropagationWait(
                `${name}-grant-propagation`,
                { vaultUri: this.keyVaultUri, grantId: managerGrant.id },
                { parent: this, dependsOn: [managerGrant] },
            );
            const certificate = new azureKeyVault.Certificate(
                `${name}-certificate`,
                {
                    name: CLIENT_CERTIFICATE_NAME,
                    keyVaultId: this.vault.id,
                    certificatePolicy: {
                        issuerParameters: { name: "Self" },
                        // Exportable so clients (with Secrets User on this secret only) can sign with it; new key per renewal.
                        keyProperties: { keyType: "RSA", keySize: 2048, exportable: true, reuseKey: false },
                        secretProperties: { contentType: CLIENT_CERTIFICATE_CONTENT_TYPE },
                        lifetimeActions: [{ action: { actionType: "AutoRenew" }, trigger: { daysBeforeExpiry: args.certificate.renewDaysBeforeExpiry } }],
                        x509CertificateProperties: {
                            subject: args.certificate.subject,
                            validityInMonths: args.certificate.validityMonths,
                            keyUsages: ["digitalSignature"],
                            extendedKeyUsages: ["1.3.6.1.5.5.7.3.2"],
                        },
                    },
                    tags,
                },
                { parent: this, dependsOn: [managerAccess] },
            );
            const validity = certificate.certificateAttributes.apply((attributes) => attributes[0]);
            // Only the public part (DER, hex) reaches Entra ID and the state; the private key stays in the vault.
            new azuread.ApplicationCertificate(
                `${name}-key-credential`,
                {
                    applicationId: args.certificate.applicationId,
                    type: "AsymmetricX509Cert",
                    encoding: "hex",
                    value: certificate.certificateData,
                    startDate: validity.apply((attributes) => attributes.notBefore),
                    endDate: validity.apply((attributes) => attributes.expires),
                },
                // A renewal changes the value, which replaces this resource: the new key credential is registered
                // first and the old one is left in Entra ID until it expires, as client secrets are.
                { parent: this, retainOnDelete: true },
            );
            readersOf(CLIENT_CERTIFICATE_NAME, certificate);
            this.certificateSecretUrl = certificate.versionlessSecretId;
            this.certificateThumbprint = certificate.thumbprint;
            this.certificateExpiresAt = validity.apply((attributes) => attributes.expires);
        }

        if (args.clientSecret) {
            const secret = new keyvault.Secret(
                `${name}-client-secret`,
                {
                    resourceGroupName: args.resourceGroupName,
                    vaultName: this.vault.name,
                    secretName: CLIENT_SECRET_NAME,
                    properties: {
                        // Each rotation changes the value: Key Vault keeps the old one as a version, readers follow the latest.
                        value: pulumi.secret(args.clientSecret.value),
                        contentType: CLIENT_SECRET_CONTENT_TYPE,
                        attributes: { enabled: true, expires: pulumi.output(args.clientSecret.expiresAt).apply(epochSeconds) },
                    },
                    tags,
                },
                { parent: this, additionalSecretOutputs: ["properties"] },
            );
            readersOf(CLIENT_SECRET_NAME, secret);
            this.clientSecretUrl = pulumi.interpolate`${this.keyVaultUri.apply((uri) => uri.replace(/\/+$/, ""))}/secrets/${CLIENT_SECRET_NAME}`;
        }

        if ((args.expiryAlertEmails ?? []).length > 0) {
            const actionGroup = new monitor.ActionGroup(
                `${name}-expiry-alerts`,
                {
                    resourceGroupName: args.resourceGroupName,
                    location: "Global",
                    groupShortName: "credexpiry",
                    enabled: true,
                    emailReceivers: (args.expiryAlertEmails ?? []).map((address) => ({
                        // Named by the address, so reordering the list changes nothing.
                        name: `email-${shortHash(address.toLowerCase(), 8)}`,
                        emailAddress: address,
                        useCommonAlertSchema: true,
                    })),
                    tags,
                },
                { parent: this },
            );
            const topic = new eventgrid.SystemTopic(
                `${name}-events`,
                {
                    resourceGroupName: args.resourceGroupName,
                    location: args.location,
                    source: this.vault.id,
                    topicType: "Microsoft.KeyVault.vaults",
                    tags,
                },
                { parent: this },
            );
            new eventgrid.SystemTopicEventSubscription(
                `${name}-expiry`,
                {
                    resourceGroupName: args.resourceGroupName,
                    systemTopicName: topic.name,
                    eventSubscriptionName: "credential-expiry",
                    filter: { includedEventTypes: EXPIRY_EVENT_TYPES },
                    destination: {
                        endpointType: "MonitorAlert",
                        severity: "Sev2",
                        description: "A Batch client credential in Key Vault is about to expire or has expired",
                        actionGroups: [actionGroup.id],
                    },
                },
                { parent: this },
            );
        }

        this.registerOutputs({

            keyVaultUri: this.keyVaultUri,

            clientSecretUrl: this.clientSecretUrl,

            certificateSecretUrl: this.certificateSecretUrl,

            certificateThumbprint: this.certificateThumbprint,

            certificateExpiresAt: this.certificateExpiresAt,

        });
    }
}

/** The rules the stack's reader applies to the matching keys, in its words, for callers that use the vault as a library. */
function clientCredentialVaultProblems(args: ClientCredentialVaultArgs): (ArgProblem | undefined)[] {
    const { certificate, certificateManager, clientSecret } = args;
    const readers = args.readers ?? [];
    const emails = args.expiryAlertEmails ?? [];
    const renewal = certificate ? certificateRenewalProblem(certificate.renewDaysBeforeExpiry, certificate.validityMonths) : undefined;
    return [
        certificate && !certificateManager ? { arg: "certificateManager", problem: "is required with certificate: someone must be allowed to create it", example: MANAGER_EXAMPLE } : undefined,
        renewal === undefined ? undefined : { arg: "certificate.renewDaysBeforeExpiry", problem: renewal, example: "30 (with validityMonths 6)" },
        ...credentialReaderProblems(readers).map(({ at, problem }) => ({ arg: `readers${at}`, problem, example: READERS_EXAMPLE })),
        readers.length > 0 && !certificate && !clientSecret
            ? { arg: "readers", problem: "names readers, but nothing is delivered to Key Vault: set clientSecret or certificate", example: "[]" }
            : undefined,
        ...listArgProblems("expiryAlertEmails", emails, EMAILS_EXAMPLE, emailProblem),
        emails.length > ACTION_GROUP_EMAILS.max
            ? { arg: "expiryAlertEmails", problem: `lists ${emails.length} entries; ${ACTION_GROUP_EMAILS.why}`, example: EMAILS_EXAMPLE }
            : undefined,
    ];
}

function epochSeconds(rfc3339: string): number {
    const millis = Date.parse(rfc3339);
    if (Number.isNaN(millis)) {
        throw new Error(`"${rfc3339}" is not an RFC 3339 timestamp`);
    }
    return Math.floor(millis / 1000);
}
