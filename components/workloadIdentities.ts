import * as azuread from "@pulumi/azuread";
import * as pulumi from "@pulumi/pulumi";

export interface WorkloadIdentitiesArgs {
    /** Required. The client app, in the `/applications/{objectId}` form. */
    applicationId: pulumi.Input<string>;
    /**
     * Required. Workloads that sign in as the app with their own OIDC tokens (AKS workload identity, GitHub Actions,
     * any OIDC issuer): at most 20 per app. See https://learn.microsoft.com/entra/workload-id/workload-identity-federation
     */
    identities: readonly { name: string; issuer: string; subject: string; audiences: readonly string[] }[];
}

/** Federated identity credentials on the client app: workloads trade their own tokens for the app's, with no secret. */
export class WorkloadIdentities extends pulumi.ComponentResource {
    public readonly credentials: azuread.ApplicationFederatedIdentityCredential[];

    constructor(name: string, args: WorkloadIdentitiesArgs, opts?: pulumi.ComponentResourceOptions) {
        super("batch-entra:app:WorkloadIdentities", name, {}, opts);
        if (args.identities.length > 20) {
            throw new pulumi.ResourceError(`identities lists ${args.identities.length}; Entra ID allows 20 federated credentials per app`, this);
        }
        this.credentials = args.identities.map(
            (identity) =>
                // Keyed by the credential's name, so reordering the list replaces nothing.
                new azuread.ApplicationFederatedIdentityCredential(
                    `${name}-${identity.name}`,
                    {
                        applicationId: args.applicationId,
                        displayName: identity.name,
                        description: `batch-entra: ${identity.subject}`,
                        issuer: identity.issuer,
                        subject: identity.subject,
                        audiences: [...identity.audiences],
                    },
                    { parent: this },
                ),
        );
        this.registerOutputs({});
    }
}
