import { runWith } from "./helpers";

const REAL_TIMER_APIS = [
    "hrtime",
    "nextTick",
    "performance",
    "queueMicrotask",
    "setImmediate",
    "clearImmediate",
    "setInterval",
    "clearInterval",
    "setTimeout",
    "clearTimeout",
] as const;

/** What Pulumi compares between runs: each resource's identity, inputs and options. */
function declaredInputs(run: Awaited<ReturnType<typeof runWith>>) {
    return run.resources.map(({ urn, inputs, dependencies, options }) => ({ urn, inputs, dependencies, options }));
}

describe("the same configuration declares the same resources", () => {
    test("two evaluations of the example stack declare identical inputs, even with the clock moved on", async () => {
        const first = declaredInputs(await runWith());
        const realYear = new Date().getFullYear();
        // Were the clock read anywhere on the way to a resource input, moving it by a year would change the inputs.
        // Only Date is faked: the Pulumi runtime needs real timers to settle.
        jest.useFakeTimers({ now: Date.now() + 365 * 24 * 60 * 60 * 1000, doNotFake: [...REAL_TIMER_APIS] });
        try {
            expect(new Date().getFullYear()).toBeGreaterThan(realYear);
            const second = declaredInputs(await runWith());
            expect(second).toEqual(first);
        } finally {
            jest.useRealTimers();
        }
    });

    test("the client-credential features declare identical inputs on a second evaluation, with the clock moved on", async () => {
        const features = {
            clientSecretKeyVault: true,
            clientCredentialReaders: [{ principalId: "0f3c5d2e-0000-4000-8000-00000000beef", principalType: "Group" }],
            expiryAlertEmails: ["platform@contoso.com"],
            workloadIdentities: [{ name: "github-prod", issuer: "https://token.actions.githubusercontent.com", subject: "repo:contoso/jobs:environment:prod" }],
        };
        const first = declaredInputs(await runWith(features));
        jest.useFakeTimers({ now: Date.now() + 365 * 24 * 60 * 60 * 1000, doNotFake: [...REAL_TIMER_APIS] });
        try {
            expect(declaredInputs(await runWith(features))).toEqual(first);
        } finally {
            jest.useRealTimers();
        }
    });

    test("the secret's end date comes from the rotation's recorded time, not from the clock", async () => {
        const run = await runWith();
        const password = run.resources.find((r) => r.type === "azuread:index/applicationPassword:ApplicationPassword");
        expect(password?.inputs.endDate).toBe("2026-06-30T00:00:00Z");
    });
});
