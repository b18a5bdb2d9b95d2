import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { asArray, asObject, equalsIgnoreCase, forResources, isAzureNativeType, isSet } from "../../policies/common";

const isPool = (type: string) => isAzureNativeType(type, "batch", "Pool");
const isUserAssignedIdentity = (type: string) => isAzureNativeType(type, "managedidentity", "UserAssignedIdentity");

/** The pool's Key Vault VM extensions (KeyVaultForLinux / KeyVaultForWindows by Microsoft.Azure.KeyVault). */
export function keyVaultExtensions(pool: Record<string, any>): Record<string, any>[] {
    const machine = asObject(asObject(pool.deploymentConfiguration)?.virtualMachineConfiguration);
    return asArray(machine?.extensions)
        .map((extension) => asObject(extension) ?? {})
        .filter(
            (extension) =>
                equalsIgnoreCase(extension.publisher, "Microsoft.Azure.KeyVault") &&
                typeof extension.type === "string" &&
                /^KeyVaultFor/i.test(extension.type),
        );
}

/** Extension settings arrive as an object, or as JSON text when someone wrote them that way. */
function settingsOf(extension: Record<string, any>): Record<string, any> {
    if (typeof extension.settings === "string") {
        try {
            return asObject(JSON.parse(extension.settings)) ?? {};
        } catch {
            return {};
        }
    }
    return asObject(extension.settings) ?? {};
}

/**
 * Attached user-assigned identities as ARM IDs (lower case) with their client IDs when known. Inputs list the IDs;
 * the provider's outputs map each ID to `{ clientId, principalId }`.
 */
function attachedIdentities(pool: Record<string, any>): { id: string; clientId?: string }[] {
    const identities = asObject(pool.identity)?.userAssignedIdentities;
    if (Array.isArray(identities)) {
        return identities.filter((id): id is string => typeof id === "string").map((id) => ({ id: id.toLowerCase() }));
    }
    return Object.entries(asObject(identities) ?? {}).map(([id, details]) => ({
        id: id.toLowerCase(),
        clientId: typeof asObject(details)?.clientId === "string" ? String(asObject(details)?.clientId) : undefined,
    }));
}

/** Why an observed certificate URL would not follow renewals, or undefined when it is a versionless secret URL. */
export function observedCertificateProblem(url: string): string | undefined {
    let parsed: URL;
    try {
        parsed = new URL(url);
    } catch {
        return "is not a URL";
    }
    const segments = parsed.pathname.split("/").filter((segment) => segment !== "");
    if (segments[0]?.toLowerCase() !== "secrets") {
        return "is not a Key Vault secret URL (https://<vault>.vault.azure.net/secrets/<certificate name>)";
    }
    if (segments.length > 2) {
        return "names a certificate version, so nodes keep the old certificate after a renewal";
    }
    return segments.length === 2 ? undefined : "names no certificate";
}

export const batchPoolKeyVaultExtension: ResourceValidationPolicy = {
    name: "batch-pool-key-vault-extension",
    description:
        "Batch pools that run the Key Vault extension attach a user-assigned identity, tell the extension which one to " +
        "use (msiClientId), and observe versionless secret URLs so renewed certificates reach the nodes.",
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps:
        'Give the pool identity { type: "UserAssigned", userAssignedIdentities: [<identity ID>] }; set ' +
        "settings.authenticationSettings.msiClientId to that identity's client ID; list observedCertificates as " +
        "https://<vault>.vault.azure.net/secrets/<certificate name> with no version.",
    url: "https://learn.microsoft.com/azure/batch/automatic-certificate-rotation",
    validateResource: forResources(isPool, (props, _args, reportViolation) => {
        const extensions = keyVaultExtensions(props);
        if (extensions.length === 0) {
            return;
        }
        const identity = asObject(props.identity);
        if (!equalsIgnoreCase(identity?.type, "UserAssigned") || attachedIdentities(props).length === 0) {
            reportViolation(
                "runs the Key Vault extension but has no user-assigned identity attached; the extension could not read the " +
                    "certificate (a Batch account's own identity cannot be used on pools).",
            );
        }
        for (const extension of extensions) {
            const label = `extension "${extension.name ?? extension.type}"`;
            const settings = settingsOf(extension);
            if (!isSet(asObject(settings.authenticationSettings), "msiClientId")) {
                reportViolation(
                    `${label} has no settings.authenticationSettings.msiClientId; with a user-assigned identity the extension ` +
                        "needs its client ID to get a token.",
                );
            }
            const observed = asArray(asObject(settings.secretsManagementSettings)?.observedCertificates);
            for (const entry of observed) {
                const url = typeof entry === "string" ? entry : asObject(entry)?.url;
                const problem = typeof url === "string" ? observedCertificateProblem(url) : "is not a URL";
                if (problem !== undefined) {
                    reportViolation(`${label} observes ${JSON.stringify(url)}, which ${problem}.`);
                }
            }
        }
    }),
};

export const batchPoolExtensionIdentityAttached: StackValidationPolicy = {
    name: "batch-pool-extension-identity-attached",
    description:
        "The identity a pool's Key Vault extension authenticates as (msiClientId) is one of the identities attached to " +
        "that pool; any other client ID fails on the nodes with no token.",
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps: "Set msiClientId to the clientId output of the UserAssignedIdentity listed in the pool's identity.",
    url: "https://learn.microsoft.com/azure/virtual-machines/extensions/key-vault-linux",
    validateStack: (args, reportViolation) => {
        const identityClientIds = new Map<string, string>();
        for (const resource of args.resources) {
            if (isUserAssignedIdentity(resource.type) && typeof resource.props?.id === "string" && typeof resource.props?.clientId === "string") {
                identityClientIds.set(resource.props.id.toLowerCase(), resource.props.clientId);
            }
        }
        for (const pool of args.resources.filter((resource) => isPool(resource.type))) {
            const props = pool.props ?? {};
            const attached = attachedIdentities(props).map((identity) => identity.clientId ?? identityClientIds.get(identity.id));
            // An identity the stack does not declare (created elsewhere) has no client ID to compare with here.
            if (attached.length === 0 || attached.some((clientId) => clientId === undefined)) {
                continue;
            }
            for (const extension of keyVaultExtensions(props)) {
                const msiClientId = asObject(settingsOf(extension).authenticationSettings)?.msiClientId;
                if (typeof msiClientId === "string" && !attached.includes(msiClientId)) {
                    reportViolation(
                        `pool "${pool.name}" extension "${extension.name ?? extension.type}" authenticates as client ID ` +
                            `${msiClientId}, which is not an identity attached to the pool (${attached.join(", ")}).`,
                        pool.urn,
                    );
                }
            }
        }
    },
};
