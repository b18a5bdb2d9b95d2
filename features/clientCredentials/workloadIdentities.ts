import * as azuread from "@pulumi/azuread";
import * as pulumi from "@pulumi/pulumi";
import { DEFAULT_FEDERATION_AUDIENCE, WORKLOAD_EXAMPLE, workloadIdentityProblems } from "./config";
import { refuseBadArgs } from "../argRules";
import { aliasFormerType } from "../typeToken";

/** A workload that signs in as the app with its own OIDC token: one federated identity credential. */
export interface WorkloadIdentity {
    /** Required. The credential's name: 3-120 letters, digits, hyphens or underscores, unique per app. */
    name: string;
    /** Required. The OIDC issuer, an https URL exactly as the token's `iss` claim. */
    issuer: string;
    /** Required. The token's `sub` claim exactly, e.g. `system:serviceaccount:jobs:batch-submitter`. */
    subject: string;
    /** Optional. Exactly one audience. Default: `["api://AzureADTokenExchange"]`. */
    audiences?: string[];
}

export interface WorkloadIdentitiesArgs {
    /** Required. The client app, in the `/applications/{objectId}` form. */
    applicationId: pulumi.Input<string>;
    /**
     * Required. Workloads that sign in as the app with their own OIDC tokens (AKS workload identity, GitHub Actions,
     * any OIDC issuer): at most 20 per app. See https://learn.microsoft.com/entra/workload-id/workload-identity-federation
     */
    identities: WorkloadIdentity[];
}

/** Federated identity credentials on the client app: workloads trade their own tokens for the app's, with no secret. */
export class WorkloadIdentities extends pulumi.ComponentResource {
    public readonly credentials: azuread.ApplicationFederatedIdentityCredential[];

    constructor(name: string, args: WorkloadIdentitiesArgs, opts?: pulumi.ComponentResourceOptions) {
        super("batch-entra:index:WorkloadIdentities", name, {}, aliasFormerType(opts, "batch-entra:app:WorkloadIdentities"));
        refuseBadArgs(
            this,
            workloadIdentityProblems(args.identities).map(({ at, problem }) => ({ arg: `identities${at}`, problem, example: WORKLOAD_EXAMPLE })),
        );
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
                        audiences: [...(identity.audiences ?? [DEFAULT_FEDERATION_AUDIENCE])],
                    },
                    { parent: this },
                ),
        );
        this.registerOutputs({});
    }
}
