import { BatchAccountSettings } from "../batchAccount/config";
import { ClientAppSettings } from "../clientApp/config";
import { PipelineSettings } from "./config";
import { PoolSettings } from "../pools/config";
import { RbacSettings } from "../rbac/config";
import { ConfigReader } from "../../config/reader";

/**
 * The pipeline's identities hold their rights on the stack's resource group (Reader, Contributor, the constrained
 * RBAC Administrator), the stack's vault (Key Vault Reader, Certificates Officer) and Graph (Application.Read.All,
 * Application.ReadWrite.OwnedBy). A setting that makes the program declare or read anything else would fail every
 * CI refresh with 403, so with `pipelineIdentity` on it is refused here, naming both keys. test/ciRights.test.ts
 * derives the same reach from what the program declares and checks that nothing falls outside it.
 */
export function checkPipelineReach(
    reader: ConfigReader,
    settings: { clientApp: ClientAppSettings; batchAccount: BatchAccountSettings; rbac: RbacSettings; pools: PoolSettings; pipeline: PipelineSettings },
): void {
    if (!settings.pipeline.enabled) {
        return;
    }
    const group = settings.batchAccount.resourceGroup.name;
    const outside = (scope: string) => resourceGroupOf(scope)?.toLowerCase() !== group.toLowerCase();
    const refuse = (key: string, why: string, example: string) =>
        reader.report(
            key,
            `${why}, which pipelineIdentity's identities cannot read or write (they hold rights on resource group "${group}" ` +
                `only), so every CI refresh would fail with 403; keep it inside "${group}", or set ${reader.fullKey("pipelineIdentity")} ` +
                "false and deploy this stack as an administrator",
            example,
        );

    settings.rbac.appExtraScopes.forEach((extra, index) => {
        if (outside(extra.scope)) {
            refuse(`appExtraScopes[${index}].scope`, `"${extra.scope}" is outside the stack's resource group`, `/subscriptions/<id>/resourceGroups/${group}/providers/...`);
        }
    });
    const autoStorage = settings.batchAccount.autoStorageAccountId;
    if (autoStorage !== undefined && outside(autoStorage)) {
        refuse("autoStorageAccountId", `"${autoStorage}" is in another resource group`, `/subscriptions/<id>/resourceGroups/${group}/providers/Microsoft.Storage/storageAccounts/stbatchdata`);
    }
    settings.pools.pools.forEach((pool, poolIndex) =>
        pool.certificates.forEach((certificate, index) => {
            if (certificate.kind === "existing" && certificate.keyVaultId !== undefined && outside(certificate.keyVaultId)) {
                refuse(
                    `pools[${poolIndex}].certificates[${index}].keyVaultId`,
                    `"${certificate.keyVaultId}" is a vault in another resource group`,
                    `/subscriptions/<id>/resourceGroups/${group}/providers/Microsoft.KeyVault/vaults/kv-shared`,
                );
            }
        }),
    );
    const identityGroup = settings.pools.identityResourceGroupName;
    if (identityGroup !== undefined && identityGroup.toLowerCase() !== group.toLowerCase()) {
        refuse("poolIdentityResourceGroup", `"${identityGroup}" is another resource group`, group);
    }
    if (settings.rbac.jobSubmitterRole.create?.assignableScope === "subscription") {
        refuse("jobSubmitterRoleScope", '"subscription" defines the custom role at subscription scope', "resourceGroup");
    }
    if (settings.clientApp.grantAdminConsent) {
        reader.report(
            "grantAdminConsent",
            `cannot be true with ${reader.fullKey("pipelineIdentity")}: a refresh reads the consent (an oAuth2PermissionGrant), ` +
                "which needs a directory read permission the preview identity does not hold, and granting it needs an administrator; " +
                "grant consent once in the portal (Enterprise applications > Permissions) and leave this false",
            "false",
        );
    }
}

/** The resource group named in an ARM ID, or undefined for subscription and management-group scopes. */
export function resourceGroupOf(resourceId: string): string | undefined {
    return /^\/subscriptions\/[^/]+\/resourceGroups\/([^/]+)/i.exec(resourceId)?.[1];
}
