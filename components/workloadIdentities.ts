import * as azuread from "@pulumi/azuread";
import * as pulumi from "@pulumi/pulumi";
import { issuerProblem, subjectProblem } from "../config/clientCredential";
import { FEDERATED_CREDENTIALS_PER_APP } from "../config/limits";

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
        const problem = workloadIdentitiesProblem(args.identities);
        if (problem) {
            throw new pulumi.ResourceError(`identities: ${problem}`, this);
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

/** The rules the configuration reader applies, for callers that use the component as a library. */
function workloadIdentitiesProblem(identities: WorkloadIdentitiesArgs["identities"]): string | undefined {
    if (identities.length > FEDERATED_CREDENTIALS_PER_APP.max) {
        return `${identities.length} entries; ${FEDERATED_CREDENTIALS_PER_APP.why}`;
    }
    for (const identity of identities) {
        const problem = issuerProblem(identity.issuer) ?? subjectProblem(identity.issuer, identity.subject);
        if (problem) return `"${identity.name}": ${problem}`;
        if (identity.audiences.length !== 1) return `"${identity.name}": exactly one audience, such as api://AzureADTokenExchange`;
    }
    const names = identities.map((identity) => identity.name.toLowerCase());
    const pairs = identities.map((identity) => `${identity.issuer} ${identity.subject}`);
    if (new Set(names).size !== names.length) return "a name is used twice";
    if (new Set(pairs).size !== pairs.length) return "an issuer and subject pair is listed twice";
    return undefined;
}
