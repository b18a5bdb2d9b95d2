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
export {
    ClientCredentialVault,
    type ClientCredentialCertificate,
    type ClientCredentialReader,
    type ClientCredentialSecret,
    type ClientCredentialVaultArgs,
} from "./features/clientCredentials/clientCredentialVault";
export { WorkloadIdentities, type WorkloadIdentitiesArgs, type WorkloadIdentity } from "./features/clientCredentials/workloadIdentities";
export { DiagnosticCategoryGroup, LogAnalyticsDiagnostics, type DiagnosticTarget, type LogAnalyticsDiagnosticsArgs } from "./features/operations/diagnostics";
export { ResourceLocks, resourceLocksWaitingFor, type LockTarget, type ResourceLocksArgs } from "./features/operations/resourceLocks";
export { NodeIdentityAutoStorage, type NodeIdentityAutoStorageArgs } from "./features/pools/nodeIdentity";
export { PrivateEndpointGroup } from "./features/privateNetworking/config";
export {
    PrivateDnsZones,
    PrivateEndpointWithDns,
    privateEndpointWaitingFor,
    type PrivateDnsZonesArgs,
    type PrivateEndpointWithDnsArgs,
} from "./features/privateNetworking/privateNetworking";
