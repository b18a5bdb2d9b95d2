import type { PolicyConfigSchema, ResourceValidationPolicy } from "@pulumi/policy";
import { asArray, asObject, configWithDefaults, equalsIgnoreCase, forResources, isAzureNativeType } from "../../policies/common";

const isBatchAccount = (type: string) => isAzureNativeType(type, "batch", "BatchAccount");

function authenticationModes(props: Record<string, any>): string[] | undefined {
    return Array.isArray(props.allowedAuthenticationModes) ? asArray<string>(props.allowedAuthenticationModes) : undefined;
}

export const batchAccountNoSharedKey: ResourceValidationPolicy = {
    name: "batch-account-no-shared-key",
    description:
        "Batch accounts accept Microsoft Entra ID alone: shared-key authentication is off. An account that leaves " +
        "allowedAuthenticationModes unset gets the service default, which allows shared key.",
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps:
        'Set allowedAuthenticationModes to ["AAD"] on the Batch account (add "TaskAuthenticationToken" only if tasks ' +
        "call the Batch API with their own token and the policy batch-account-task-authentication-token allows it). " +
        "Shared keys grant full access and bypass every role assignment.",
    url: "https://learn.microsoft.com/azure/batch/batch-aad-auth",
    validateResource: forResources(isBatchAccount, (props, _args, reportViolation) => {
        const modes = authenticationModes(props);
        if (modes === undefined) {
            reportViolation(
                "allowedAuthenticationModes is unset, so the service default applies and shared-key authentication stays " +
                    "enabled; account keys would bypass Entra ID and every role assignment.",
            );
            return;
        }
        if (modes.some((mode) => equalsIgnoreCase(mode, "SharedKey"))) {
            reportViolation(
                `allowedAuthenticationModes [${modes.join(", ")}] includes SharedKey; account keys would bypass Entra ID and every role assignment.`,
            );
        }
        if (!modes.some((mode) => equalsIgnoreCase(mode, "AAD"))) {
            reportViolation(`allowedAuthenticationModes [${modes.join(", ")}] does not include AAD, so no client can sign in with Entra ID.`);
        }
    }),
};

const taskTokenConfig: PolicyConfigSchema = {
    properties: {
        allowTaskAuthenticationToken: {
            type: "boolean",
            default: false,
            description: "Allow TaskAuthenticationToken in allowedAuthenticationModes (tasks calling the Batch API with a token the service issues them).",
        },
    },
};

export const batchAccountTaskAuthenticationToken: ResourceValidationPolicy = {
    name: "batch-account-task-authentication-token",
    description:
        "Batch accounts allow task authentication tokens only when the policy configuration says so " +
        "(allowTaskAuthenticationToken, default false).",
    enforcementLevel: "mandatory",
    severity: "medium",
    configSchema: taskTokenConfig,
    remediationSteps:
        'Remove "TaskAuthenticationToken" from allowedAuthenticationModes, or, when tasks really need to call the Batch ' +
        "API with a service-issued token, set allowTaskAuthenticationToken: true for this policy in the policy pack config.",
    url: "https://learn.microsoft.com/rest/api/batchmanagement/batch-account/create#authenticationmode",
    validateResource: forResources(isBatchAccount, (props, args, reportViolation) => {
        const { allowTaskAuthenticationToken } = configWithDefaults<{ allowTaskAuthenticationToken: boolean }>(taskTokenConfig, args);
        const modes = authenticationModes(props) ?? [];
        if (!allowTaskAuthenticationToken && modes.some((mode) => equalsIgnoreCase(mode, "TaskAuthenticationToken"))) {
            reportViolation(
                "allowedAuthenticationModes includes TaskAuthenticationToken, but the policy configuration does not allow it " +
                    "(allowTaskAuthenticationToken is false).",
            );
        }
    }),
};

export const batchAccountPublicNetworkAccess: ResourceValidationPolicy = {
    name: "batch-account-public-network-access",
    description: "Batch accounts are not reachable from every network: public network access is disabled or limited by IP rules.",
    enforcementLevel: "advisory",
    severity: "medium",
    remediationSteps:
        'Set publicNetworkAccess: "Disabled" and use private endpoints, or keep it enabled with ' +
        'networkProfile.accountAccess.defaultAction: "Deny" and ipRules for the networks that submit jobs.',
    url: "https://learn.microsoft.com/azure/batch/public-network-access",
    validateResource: forResources(isBatchAccount, (props, _args, reportViolation) => {
        if (equalsIgnoreCase(props.publicNetworkAccess, "Disabled")) {
            return;
        }
        const accountAccess = asObject(asObject(props.networkProfile)?.accountAccess);
        if (!equalsIgnoreCase(accountAccess?.defaultAction, "Deny")) {
            reportViolation(
                `publicNetworkAccess is ${props.publicNetworkAccess ?? "unset (Enabled)"} and the account endpoint has no ` +
                    "deny-by-default network rule, so the Batch API answers from any network.",
            );
        }
    }),
};
