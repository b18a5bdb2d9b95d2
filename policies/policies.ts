import type { Policies } from "@pulumi/policy";
import { batchAccountNoSharedKey, batchAccountPublicNetworkAccess, batchAccountTaskAuthenticationToken } from "../features/batchAccount/policies";
import {
    adminConsentGranted,
    appRegistrationImplicitGrant,
    appRegistrationMultiTenant,
    appRegistrationPublicClientFlows,
    clientSecretExpiry,
} from "../features/clientApp/policies";
import { clientSecretDelivered, keyVaultSecretExpiry } from "../features/clientCredentials/policies";
import { keyVaultPublicNetworkAccess, keyVaultRbacPermissionModel, keyVaultRecoverable } from "../features/keyVault/policies";
import { batchPoolExtensionIdentityAttached, batchPoolKeyVaultExtension } from "../features/pools/policies";
import { batchAccountPrivateNodeManagement, batchPoolPublicIpsPrivateAccount, diagnosticSettingsPresent } from "../features/privateNetworking/policies";
import {
    customRoleNoRbacWrites,
    customRoleNoWildcardActions,
    jobSubmitterRoleNoPoolWrites,
    roleAssignmentBroadBatchRole,
    roleAssignmentNoPrivilegedRoles,
    roleAssignmentPrincipalType,
} from "../features/rbac/policies";

/** The pack's name as `pulumi preview --policy-pack` reports it. */
export const POLICY_PACK_NAME = "batch-entra-guardrails";

/**
 * Every batch-entra policy. They check provider resource types (azure-native, azuread), not the batch-entra
 * components, so resources added by hand are held to the same rules. Importing this module starts nothing:
 * tests and the offline plan run these policies directly; index.ts wraps them in the PolicyPack the CLI runs.
 */
export const policies: Policies = [
    batchAccountNoSharedKey,
    batchAccountTaskAuthenticationToken,
    customRoleNoWildcardActions,
    customRoleNoRbacWrites,
    jobSubmitterRoleNoPoolWrites,
    roleAssignmentPrincipalType,
    roleAssignmentNoPrivilegedRoles,
    clientSecretExpiry,
    keyVaultRecoverable,
    batchPoolKeyVaultExtension,
    batchPoolExtensionIdentityAttached,
    batchAccountPrivateNodeManagement,
    batchAccountPublicNetworkAccess,
    keyVaultPublicNetworkAccess,
    keyVaultRbacPermissionModel,
    adminConsentGranted,
    appRegistrationMultiTenant,
    appRegistrationPublicClientFlows,
    appRegistrationImplicitGrant,
    roleAssignmentBroadBatchRole,
    diagnosticSettingsPresent,
    batchPoolPublicIpsPrivateAccount,
    keyVaultSecretExpiry,
    clientSecretDelivered,
];
