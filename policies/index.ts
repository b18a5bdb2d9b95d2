import { PolicyPack } from "@pulumi/policy";
import { POLICY_PACK_NAME, policies } from "./policies";

// Constructing the pack starts the analyzer server the Pulumi CLI talks to; only the CLI loads this file.
new PolicyPack(POLICY_PACK_NAME, {
    description: "batch-entra guardrails: Entra-only Batch accounts, least-privilege RBAC, expiring secrets, recoverable vaults, rotating pool certificates.",
    enforcementLevel: "mandatory",
    policies,
});
