import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { asObject, forResources, isAzureNativeType, isSet } from "./common";

const isNativeSecret = (type: string) => isAzureNativeType(type, "keyvault", "Secret");
const CLASSIC_SECRET = "azure:keyvault/secret:Secret";
const CLIENT_SECRET_TYPES = ["azuread:index/applicationPassword:ApplicationPassword", "azuread:index/servicePrincipalPassword:ServicePrincipalPassword"];
const isEventSubscription = (type: string) =>
    isAzureNativeType(type, "eventgrid", "SystemTopicEventSubscription") || isAzureNativeType(type, "eventgrid", "EventSubscription");

export const keyVaultSecretExpiry: ResourceValidationPolicy = {
    name: "key-vault-secret-expiry",
    description:
        "Key Vault secrets (the delivered client secret among them) carry an expiry, so readers, alerts and scanners know " +
        "when the credential stops working; a copy without one outlives the secret it holds (checkov CKV_AZURE_41).",
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps:
        "Set properties.attributes.expires (azure-native, epoch seconds) or expirationDate (azure) to the client secret's " +
        "endDate; batch-entra's clientSecretKeyVault does so for every rotation.",
    url: "https://learn.microsoft.com/azure/key-vault/secrets/about-secrets#secret-attributes",
    validateResource: forResources(
        (type) => isNativeSecret(type) || type === CLASSIC_SECRET,
        (props, args, reportViolation) => {
            const expirySet = args.type === CLASSIC_SECRET ? isSet(props, "expirationDate") : isSet(asObject(asObject(props.properties)?.attributes), "expires");
            if (!expirySet) {
                reportViolation(
                    args.type === CLASSIC_SECRET
                        ? "has no expirationDate, so the secret it holds looks valid forever."
                        : "has no properties.attributes.expires, so the secret it holds looks valid forever.",
                );
            }
        },
    ),
};

export const clientSecretDelivered: StackValidationPolicy = {
    name: "client-secret-delivered-or-watched",
    description:
        "A stack that issues client secrets also delivers them to Key Vault or alerts before they expire; otherwise " +
        "someone copies the secret out of Pulumi state by hand and nobody hears about it until clients fail.",
    enforcementLevel: "advisory",
    severity: "medium",
    remediationSteps:
        "Prefer clientCredential: none with workloadIdentities (federated credentials) or clientCredential: certificate; " +
        "when a secret is needed, set clientSecretKeyVault: true and expiryAlertEmails.",
    url: "https://learn.microsoft.com/entra/identity-platform/how-to-add-credentials?tabs=client-secret",
    validateStack: (args, reportViolation) => {
        const passwords = args.resources.filter((resource) => CLIENT_SECRET_TYPES.includes(resource.type));
        const delivered = args.resources.some((resource) => isNativeSecret(resource.type) || resource.type === CLASSIC_SECRET);
        const watched = args.resources.some((resource) => isEventSubscription(resource.type));
        if (delivered || watched) {
            return;
        }
        for (const password of passwords) {
            reportViolation(
                `client secret "${password.name}" is published only as a stack output: it is not written to Key Vault and no expiry alert is configured.`,
                password.urn,
            );
        }
    },
};
