import * as azuread from "@pulumi/azuread";
import * as pulumi from "@pulumi/pulumi";
import * as time from "@pulumiverse/time";
import { AZURE_BATCH_API_APP_ID, BATCH_USER_IMPERSONATION } from "../../azure/clouds";
import { listArgProblems, refuseBadArgs, textArgProblem } from "../argRules";
import { aliasFormerType } from "../typeToken";
import {
    ALLOW_PUBLIC_CLIENT_FLOWS_KEY,
    DISPLAY_NAME_RULE,
    PUBLIC_CLIENT_REDIRECT_URIS_EXAMPLE,
    SIGN_IN_AUDIENCE_KEY,
    WEB_REDIRECT_URIS_EXAMPLE,
    clientSecretProblems,
    publicClientRedirectUriProblem,
    webRedirectUriProblem,
} from "./config";

const DAY_MS = 24 * 60 * 60 * 1000;

/** Who can sign in to the app registration. See https://learn.microsoft.com/entra/identity-platform/supported-accounts-validation */
export const SignInAudience = { AzureADMyOrg: "AzureADMyOrg", AzureADMultipleOrgs: "AzureADMultipleOrgs" } as const;
export type SignInAudience = (typeof SignInAudience)[keyof typeof SignInAudience];

/** Redirect URIs per platform. See https://learn.microsoft.com/entra/identity-platform/reply-url */
export interface RedirectUris {
    web?: string[];
    spa?: string[];
    publicClient?: string[];
}

/** How long each client secret lives, and how long the outgoing one stays valid after a rotation. */
export interface ClientSecretArgs {
    lifetimeDays: number;
    overlapDays: number;
}

export interface BatchClientAppArgs {
    /** Required. The app registration's display name, as it appears under App registrations. */
    displayName: string;
    /**
     * Optional. Who can sign in: `AzureADMyOrg` (single tenant, the default) or `AzureADMultipleOrgs`.
     * See https://learn.microsoft.com/entra/identity-platform/supported-accounts-validation
     */
    signInAudience?: SignInAudience;
    /**
     * Optional. Owners by object ID: users or service principals (Graph accepts no groups as application owners).
     * Default: none besides the deploying identity (see `addDeployerAsOwner`).
     */
    owners?: pulumi.Input<string[]>;
    /**
     * Optional. Also make the identity that runs `pulumi up` an owner, so it can keep managing the app. Default: true.
     * The batch-entra program turns this off and names every owner in `owners`: otherwise ownership would move
     * between whoever happens to run the update.
     */
    addDeployerAsOwner?: boolean;
    /**
     * Optional. Object ID of an identity that cannot change the app's owners, such as a pipeline's deploy identity:
     * Graph's Application.ReadWrite.OwnedBy lets it manage the apps it owns but not add owners. When it runs the
     * update and `owners` differs from the owners the app has, the program stops with a message that the change
     * needs the bootstrap administrator, instead of failing halfway with a Graph 403. Default: none.
     */
    ownerChangesNeedAdministratorFor?: pulumi.Input<string>;
    /**
     * Optional. Redirect URIs per platform for integrated (user) sign-in; none by default.
     * See https://learn.microsoft.com/entra/identity-platform/reply-url
     */
    redirectUris?: RedirectUris;
    /** Optional. Allow public-client flows such as device code. Default: false. */
    allowPublicClientFlows?: boolean;
    /**
     * Optional. Grant tenant-wide admin consent for `user_impersonation` on the Batch API. Default: false, so an
     * administrator consents deliberately; needs the deploying identity to hold a role that may grant consent.
     */
    grantAdminConsent?: boolean;
    /**
     * Optional. Client secret lifetime and overlap. A rotation issues a new secret `lifetimeDays - overlapDays`
     * days after the current one; the outgoing secret stays valid for the remaining `overlapDays`. Default: no
     * secret (clients sign in with a certificate, a federated credential or a managed identity).
     * See https://learn.microsoft.com/azure/batch/batch-aad-auth#request-a-secret-for-your-application
     */
    clientSecret?: ClientSecretArgs;
    /** Optional. The Batch API's application ID; only tests and private clouds change it. */
    batchApiAppId?: string;
}

/**
 * The Entra app registration Batch clients sign in with (seed 003, "Register your application" through "Request a
 * secret"): the application, its service principal, the delegated `user_impersonation` permission on Azure Batch,
 * redirect URIs for integrated sign-in, and a client secret that expires and rotates.
 */
export class BatchClientApp extends pulumi.ComponentResource {
    public readonly application: azuread.Application;
    public readonly servicePrincipal: azuread.ServicePrincipal;
    public readonly clientId: pulumi.Output<string>;
    public readonly servicePrincipalObjectId: pulumi.Output<string>;
    /** The scope ID of `user_impersonation`, resolved from the Batch API's service principal in this tenant. */
    public readonly userImpersonationScopeId: pulumi.Output<string>;
    /** The current client secret, as a Pulumi secret; absent when the app has no secret. */
    public readonly clientSecret?: pulumi.Output<string>;
    public readonly clientSecretExpiresAt?: pulumi.Output<string>;
    /** When the next `pulumi up` (with refresh) issues a new secret. */
    public readonly clientSecretRotatesAt?: pulumi.Output<string>;

    constructor(name: string, args: BatchClientAppArgs, opts?: pulumi.ComponentResourceOptions) {
        super("batch-entra:index:BatchClientApp", name, {}, aliasFormerType(opts, "batch-entra:app:BatchClientApp"));
        const secretProblems = args.clientSecret ? clientSecretProblems(args.clientSecret.lifetimeDays, args.clientSecret.overlapDays) : {};
        refuseBadArgs(this, [
            textArgProblem("displayName", args.displayName, DISPLAY_NAME_RULE),
            ...listArgProblems("redirectUris.web", args.redirectUris?.web, WEB_REDIRECT_URIS_EXAMPLE, webRedirectUriProblem),
            ...listArgProblems("redirectUris.spa", args.redirectUris?.spa, WEB_REDIRECT_URIS_EXAMPLE, webRedirectUriProblem),
            ...listArgProblems("redirectUris.publicClient", args.redirectUris?.publicClient, PUBLIC_CLIENT_REDIRECT_URIS_EXAMPLE, publicClientRedirectUriProblem),
            secretProblems.lifetime === undefined ? undefined : { arg: "clientSecret.lifetimeDays", problem: secretProblems.lifetime, example: "180" },
            secretProblems.overlap === undefined ? undefined : { arg: "clientSecret.overlapDays", problem: secretProblems.overlap, example: "30" },
        ]);

        const deployer = azuread.getClientConfigOutput({ parent: this });
        // The scope GUID of user_impersonation is not published: read it from the Batch API's service principal,
        // which every tenant with Batch has, instead of hard-coding a value that could differ per cloud.
        const batchApi = azuread.getServicePrincipalOutput({ clientId: args.batchApiAppId ?? AZURE_BATCH_API_APP_ID }, { parent: this });
        this.userImpersonationScopeId = batchApi.oauth2PermissionScopeIds.apply((scopes) => {
            const id = scopes[BATCH_USER_IMPERSONATION];
            if (!id) {
                throw new pulumi.ResourceError(
                    `The Azure Batch API service principal in this tenant has no "${BATCH_USER_IMPERSONATION}" scope; ` +
                        "register the Microsoft.Batch resource provider in the subscription and try again.",
                    this,
                );
            }
            return id;
        });
        const addDeployer = args.addDeployerAsOwner ?? true;
        const declaredOwners = pulumi.all([deployer.objectId, args.owners ?? []]).apply(([deployerId, extra]) => [
            ...new Set([...(addDeployer ? [deployerId] : []), ...extra]),
        ]);
        const owners =
            args.ownerChangesNeedAdministratorFor === undefined
                ? declaredOwners
                : pulumi
                      .all([deployer.objectId, args.ownerChangesNeedAdministratorFor, declaredOwners])
                      .apply(([caller, restricted, declared]): Promise<string[]> =>
                          caller === restricted ? this.refuseOwnerChange(args.displayName, declared) : Promise.resolve(declared),
                      );

        this.application = new azuread.Application(
            `${name}-app`,
            {
                displayName: args.displayName,
                signInAudience: args.signInAudience ?? SIGN_IN_AUDIENCE_KEY.default,
                owners,
                requiredResourceAccesses: [
                    {
                        resourceAppId: args.batchApiAppId ?? AZURE_BATCH_API_APP_ID,
                        resourceAccesses: [{ id: this.userImpersonationScopeId, type: "Scope" }],
                    },
                ],
                web: {
                    redirectUris: [...(args.redirectUris?.web ?? [])],
                    // Tokens come from the authorization code flow; the implicit flow would leak them in URLs.
                    implicitGrant: { accessTokenIssuanceEnabled: false, idTokenIssuanceEnabled: false },
                },
                singlePageApplication: { redirectUris: [...(args.redirectUris?.spa ?? [])] },
                publicClient: { redirectUris: [...(args.redirectUris?.publicClient ?? [])] },
                fallbackPublicClientEnabled: args.allowPublicClientFlows ?? ALLOW_PUBLIC_CLIENT_FLOWS_KEY.default,
            },
            { parent: this },
        );

        this.servicePrincipal = new azuread.ServicePrincipal(
            `${name}-sp`,
            { clientId: this.application.clientId, owners },
            { parent: this },
        );

        if (args.grantAdminConsent) {
            new azuread.ServicePrincipalDelegatedPermissionGrant(
                `${name}-batch-consent`,
                {
                    servicePrincipalObjectId: this.servicePrincipal.objectId,
                    resourceServicePrincipalObjectId: batchApi.objectId,
                    claimValues: [BATCH_USER_IMPERSONATION],
                },
                { parent: this },
            );
        }

        if (args.clientSecret) {
            const { lifetimeDays, overlapDays } = args.clientSecret;
            // The rotation timestamp lives in state, so the same state always yields the same secret inputs; the clock
            // is consulted only by the time provider when it refreshes (Pulumi.yaml sets `refresh: always`).
            const rotation = new time.Rotating(`${name}-secret-rotation`, { rotationDays: lifetimeDays - overlapDays }, { parent: this });
            const issuedAt = rotation.rfc3339;
            const expiresAt = issuedAt.apply((issued) => addDays(issued, lifetimeDays));

            const password = new azuread.ApplicationPassword(
                `${name}-secret`,
                {
                    applicationId: this.application.id,
                    displayName: pulumi.interpolate`batch-entra rotation of ${issuedAt}`,
                    endDate: expiresAt,
                    rotateWhenChanged: { rotation: rotation.id },
                },
                {
                    parent: this,
                    additionalSecretOutputs: ["value"],
                    // A rotation replaces this resource: the successor is created first, and the outgoing secret is
                    // left in Entra ID (not deleted) so clients holding it keep working until it expires `overlapDays`
                    // later. Deleting the application removes every secret it still has.
                    retainOnDelete: true,
                },
            );
            this.clientSecret = pulumi.secret(password.value);
            this.clientSecretExpiresAt = expiresAt;
            this.clientSecretRotatesAt = rotation.rotationRfc3339;
        }

        this.clientId = this.application.clientId;
        this.servicePrincipalObjectId = this.servicePrincipal.objectId;

        this.registerOutputs({
            clientId: this.clientId,
            servicePrincipalObjectId: this.servicePrincipalObjectId,
            clientSecretExpiresAt: this.clientSecretExpiresAt,
            userImpersonationScopeId: this.userImpersonationScopeId,
            clientSecret: this.clientSecret,
            clientSecretRotatesAt: this.clientSecretRotatesAt,
        });
    }

    /** The declared owners when the app already has them; otherwise stops the program (see ownerChangeRefusal). */
    private async refuseOwnerChange(displayName: string, declared: string[]): Promise<string[]> {
        const current = await azuread.getApplication({ displayName }, { parent: this });
        const same = current.owners.length === declared.length && declared.every((owner) => current.owners.includes(owner));
        if (!same) {
            throw new pulumi.ResourceError(ownerChangeRefusal(displayName, current.owners, declared), this);
        }
        return declared;
    }
}

/** Why an owner change must come from an administrator; the message the program stops with. */
export function ownerChangeRefusal(displayName: string, current: readonly string[], declared: readonly string[]): string {
    return (
        `The owners of app registration "${displayName}" would change from [${[...current].sort().join(", ")}] to ` +
        `[${[...declared].sort().join(", ")}], but this update runs as the pipeline's deploy identity, whose Graph permission ` +
        "Application.ReadWrite.OwnedBy cannot add or remove owners. Run this change of appOwners once as the bootstrap " +
        "administrator (pulumi up on a workstation, as in docs/run-from-ci.md); CI then carries on."
    );
}

/** Adds whole days to an RFC 3339 timestamp taken from state; never reads the clock. */
export function addDays(rfc3339: string, days: number): string {
    const start = Date.parse(rfc3339);
    if (Number.isNaN(start)) {
        throw new Error(`"${rfc3339}" is not an RFC 3339 timestamp`);
    }
    return new Date(start + days * DAY_MS).toISOString().replace(/\.000Z$/, "Z");
}
