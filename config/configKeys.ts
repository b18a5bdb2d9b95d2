import { KeyDeclaration, defineKey } from "./keys";
import { CLIENT_APP_KEYS } from "../features/clientApp/config";
import { CLIENT_CREDENTIAL_KEYS } from "../features/clientCredentials/config";
import { BATCH_ACCOUNT_KEYS } from "../features/batchAccount/config";
import { PRIVATE_NETWORKING_KEYS } from "../features/privateNetworking/config";
import { OPERATIONS_KEYS } from "../features/operations/config";
import { RBAC_KEYS } from "../features/rbac/config";
import { POOL_KEYS } from "../features/pools/config";
import { PIPELINE_KEYS } from "../features/pipeline/config";

/** Keys every feature depends on, read by readSettings itself. */
export const CLOUD_KEY = defineKey({
    name: "cloud",
    type: "string",
    default: "public",
    section: "general",
    description: "Azure cloud: public, usgovernment or china. Also set azure-native:environment and azuread:environment to match.",
    example: "usgovernment",
    reference: { meaning: "`public`, `usgovernment` or `china`. Must match `azure-native:environment` and `azuread:environment`, and the region must be one of this cloud's." },
});

export const TAGS_KEY = defineKey({
    name: "tags",
    type: "object",
    default: {},
    section: "general",
    description: "Tags on every Azure resource that takes them: at most 50, names unique without case (Env and env are one tag), names up to 512 characters, values up to 256.",
    example: '{"costCenter": "research", "owner": "batch-team"}',
    reference: { meaning: "Tags on every Azure resource that takes them: at most 50, names unique without case (`Env` and `env` are one tag), names up to 512 characters, values up to 256.", type: "map of strings" },
});

/** Every key batch-entra reads, in the order Pulumi.yaml and the README's reference list them. */
export const CONFIG_KEYS: readonly KeyDeclaration[] = [
    CLOUD_KEY,
    ...CLIENT_APP_KEYS,
    ...CLIENT_CREDENTIAL_KEYS,
    TAGS_KEY,
    ...BATCH_ACCOUNT_KEYS,
    ...PRIVATE_NETWORKING_KEYS,
    ...OPERATIONS_KEYS,
    ...RBAC_KEYS,
    ...POOL_KEYS,
    ...PIPELINE_KEYS,
];
