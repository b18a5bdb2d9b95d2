import { declared, messagesOf, violationsOf } from "./policyHelpers";

const NATIVE_SECRET = "azure-native:keyvault:Secret";
const CLASSIC_SECRET = "azure:keyvault/secret:Secret";
const APP_PASSWORD = "azuread:index/applicationPassword:ApplicationPassword";
const EVENT_SUBSCRIPTION = "azure-native:eventgrid:SystemTopicEventSubscription";

const vaultSecret = (attributes: Record<string, unknown> | undefined) =>
    declared(NATIVE_SECRET, "client-secret", { vaultName: "kv", secretName: "batch-client-secret", properties: { value: "x", contentType: "text/plain", attributes } });

describe("key-vault-secret-expiry", () => {
    test("a Key Vault secret with an expiry passes", async () => {
        expect(await messagesOf("key-vault-secret-expiry", vaultSecret({ enabled: true, expires: 1782777600 }))).toEqual([]);
        expect(await messagesOf("key-vault-secret-expiry", declared(CLASSIC_SECRET, "classic", { value: "x", expirationDate: "2026-06-30T00:00:00Z" }))).toEqual([]);
    });

    test("a Key Vault secret without one is a mandatory violation, in both providers", async () => {
        const [violation] = await violationsOf("key-vault-secret-expiry", vaultSecret({ enabled: true }));
        expect(violation.enforcement).toBe("mandatory");
        expect(violation.message).toBe("has no properties.attributes.expires, so the secret it holds looks valid forever.");
        expect(await messagesOf("key-vault-secret-expiry", vaultSecret(undefined))).toHaveLength(1);
        expect(await messagesOf("key-vault-secret-expiry", declared(CLASSIC_SECRET, "classic", { value: "x" }))).toEqual([
            "has no expirationDate, so the secret it holds looks valid forever.",
        ]);
    });
});

describe("client-secret-delivered-or-watched", () => {
    const password = declared(APP_PASSWORD, "batch-client-secret", { applicationId: "/applications/x", endDate: "2026-06-30T00:00:00Z" });

    test("a secret delivered to Key Vault, or watched by an expiry subscription, passes", async () => {
        expect(await messagesOf("client-secret-delivered-or-watched", [password, vaultSecret({ expires: 1 })])).toEqual([]);
        expect(await messagesOf("client-secret-delivered-or-watched", [password, declared(EVENT_SUBSCRIPTION, "expiry", {})])).toEqual([]);
        expect(await messagesOf("client-secret-delivered-or-watched", [])).toEqual([]);
    });

    test("a secret published only as an output is an advisory violation", async () => {
        const [violation] = await violationsOf("client-secret-delivered-or-watched", [password]);
        expect(violation.enforcement).toBe("advisory");
        expect(violation.message).toMatch(/client secret "batch-client-secret" is published only as a stack output/);
    });
});
