/**
 * The component provider: every ComponentResource class exported here is served by `componentProviderHost` when
 * the Pulumi language host runs this folder (`@pulumi/pulumi/cmd/run-plugin`), and its schema is inferred from the
 * class's `args` interface and public members. The analyzer refuses a whole schema over one unsupported type, so
 * only components whose args it accepts are listed; docs/component-provider.md has the rules and what the others
 * still need.
 */
export {
    BatchAccount,
    BatchClientApp,
    BatchRbac,
    CertificateRotatingPool,
    ClientCredentialVault,
    LogAnalyticsDiagnostics,
    NodeIdentityAutoStorage,
    PipelineIdentity,
    PoolIdentityVault,
    PrivateDnsZones,
    PrivateEndpointWithDns,
    ResourceLocks,
    WorkloadIdentities,
} from "../library";
