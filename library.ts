/**
 * The package entry for TypeScript and JavaScript programs: batch-entra's components and their argument types.
 * The Pulumi program of this repository is `index.ts` (Pulumi.yaml `main`); this file is what `npm install
 * batch-entra` gives other programs, compiled to `lib/` by `npm run build`.
 */
export {
    AuthenticationMode,
    BatchAccount,
    PublicNetworkAccess,
    type BatchAccountArgs,
    type ResourceGroupReference,
} from "./features/batchAccount/batchAccount";
export { BatchClientApp, SignInAudience, type BatchClientAppArgs, type ClientSecretArgs, type RedirectUris } from "./features/clientApp/batchClientApp";
export {
    BatchRbac,
    GrantRole,
    PrincipalType,
    type BatchRbacArgs,
    type GrantedRole,
    type JobSubmitterRoleArgs,
    type JobSubmitterRoleChoice,
    type RoleGrant,
} from "./features/rbac/batchRbac";
export {
    CertificateRotatingPool,
    certificateRotatingPoolWaitingFor,
    poolScaleChoice,
    poolScaleOf,
    type AutoPoolScale,
    type CertificateRotatingPoolArgs,
    type CertificateRotatingPoolCertificate,
    type CertificateRotatingPoolIdentity,
    type CertificateRotatingPoolNetwork,
    type CertificateRotatingPoolScale,
    type FixedPoolScale,
    type TaggedPoolScale,
} from "./features/pools/certificateRotatingPool";
export { PipelineIdentity, type PipelineIdentityArgs } from "./features/pipeline/pipelineIdentity";
export {
    PoolIdentityVault,
    VaultPermissionModel,
    poolIdentityAccess,
    vaultEndpointWaitingFor,
    type CertificateToCreate,
    type ExistingCertificateReference,
    type PoolIdentityVaultArgs,
    type VaultCertificateManager,
    type VaultPrincipal,
    type VaultPrivateEndpointArgs,
} from "./features/pools/poolIdentityVault";
