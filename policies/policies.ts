import type { Policies } from "@pulumi/policy";
import { batchAccountNoSharedKey, batchAccountPublicNetworkAccess, batchAccountTaskAuthenticationToken } from "./batchAccount";
import {
    adminConsentGranted,
    appRegistrationImplicitGrant,
    appRegistrationMultiTenant,
    appRegistrationPublicClientFlows,
    clientSecretExpiry,
} from "./entraApp";
import { clientSecretDelivered, keyVaultSecretExpiry } from "./clientCredentials";
import { keyVaultPublicNetworkAccess, keyVaultRbacPermissionModel, keyVaultRecoverable } from "./keyVault";
import { batchPoolExtensionIdentityAttached, batchPoolKeyVaultExtension } from "./pools";
import { batchAccountPrivateNodeManagement, batchPoolPublicIpsPrivateAccount, diagnosticSettingsPresent } from "./privateNetworking";
import {
    customRoleNoRbacWrites,
    customRoleNoWildcardActions,
    jobSubmitterRoleNoPoolWrites,
    roleAssignmentBroadBatchRole,
    roleAssignmentNoPrivilegedRoles,
    roleAssignmentPrincipalType,
} from "./rbac";

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
