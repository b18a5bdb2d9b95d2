import { stackLabel } from "../../config/naming";
import * as pulumi from "@pulumi/pulumi";
import { ClientCredentialSettings, needsClientCredentialVault } from "./config";
import { certificateProvider } from "../../azure/classicProvider";
import { BatchClientApp } from "../clientApp/batchClientApp";
import { ClientCredentialVault } from "./clientCredentialVault";
import { generationalVaultName } from "../keyVault/recoverableVault";
import { WorkloadIdentities } from "./workloadIdentities";

export interface ClientCredentialContext {
    readonly stack: { readonly projectName: string; readonly stackName: string };
    readonly clientApp: BatchClientApp;
    readonly resourceGroupName: pulumi.Input<string>;
    readonly location: string;
    readonly subscriptionId: pulumi.Output<string>;
    readonly azureEnvironment: string;
    /** Who creates the certificate: the configured manager (poolCertificateManager), the same whoever deploys. */
    readonly certificateManager: { principalId: pulumi.Input<string>; principalType: "Group" | "User" | "ServicePrincipal" } | undefined;
    readonly tags: Readonly<Record<string, string>>;
}

/**
 * The credentials clients use besides (or instead of) the app's secret: federated workloads, and the vault that
 * hands over the certificate or the secret and mails before they expire. Returns the stack outputs it adds.
 */
export function declareClientCredentials(settings: ClientCredentialSettings, context: ClientCredentialContext): Record<string, unknown> {
    const { clientApp } = context;
    const outputs: Record<string, unknown> = { clientCredential: settings.mode };
    if (settings.workloadIdentities.length > 0) {
        new WorkloadIdentities("batch-client-workloads", { applicationId: clientApp.application.id, identities: settings.workloadIdentities });
    }
    if (!needsClientCredentialVault(settings)) {
        return outputs;
    }
    const vault = new ClientCredentialVault(
        "client-credentials",
        {
            resourceGroupName: context.resourceGroupName,
            location: context.location,
            // The pools' naming rule with a stack name of its own, so the two vaults never share a name.
            vaultName: generationalVaultName("client-credentials-vault", { ...context.stack, stackName: `${context.stack.stackName}-creds` }, context.subscriptionId),
            certificateManager: context.certificateManager,
            certificate:
                settings.mode === "certificate"
                    ? {
                          applicationId: clientApp.application.id,
                          subject: `CN=${stackLabel(context.stack)}-batch-client`,
                          ...settings.certificate,
                      }
                    : undefined,
            clientSecret:
                settings.secretInKeyVault && clientApp.clientSecret && clientApp.clientSecretExpiresAt
                    ? { value: clientApp.clientSecret, expiresAt: clientApp.clientSecretExpiresAt }
                    : undefined,
            readers: settings.readers,
            expiryAlertEmails: settings.expiryAlertEmails,
            tags: context.tags,
        },
        settings.mode === "certificate"
            ? { providers: [certificateProvider("azure-client-certificates", context.subscriptionId, context.azureEnvironment)] }
            : undefined,
    );
    return {
        ...outputs,
        clientCredentialKeyVaultUri: vault.keyVaultUri,
        ...(vault.clientSecretUrl ? { clientSecretKeyVaultUrl: vault.clientSecretUrl } : {}),
        ...(vault.certificateSecretUrl
            ? {
                  clientCertificateKeyVaultUrl: vault.certificateSecretUrl,
                  clientCertificateThumbprint: vault.certificateThumbprint,
                  clientCertificateExpiresAt: vault.certificateExpiresAt,
              }
            : {}),
    };
}

