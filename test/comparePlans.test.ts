import { normalisePlan, planDifferences } from "../tools/comparePlans";

const step = (type: string, inputs: Record<string, unknown>) => ({ urn: `urn:pulumi:dev::batch-entra::pulumi:pulumi:Stack$${type}::batch`, newState: { type, inputs } });

describe("comparing plans across the type token move", () => {
    test("a former component token and the step order are no difference", () => {
        const before = { steps: [step("batch-entra:batch:BatchAccount", {}), step("time:index/static:Static", { triggers: {} })] };
        const after = { steps: [step("time:index/static:Static", { triggers: {} }), step("batch-entra:index:BatchAccount", {})] };
        expect(planDifferences(normalisePlan(before), normalisePlan(after))).toEqual([]);
    });

    test("a changed input is reported by path, and config keys are not mistaken for tokens", () => {
        const before = { steps: [step("azure-native:batch:BatchAccount", { poolAllocationMode: "BatchService", tag: "batch-entra:pools" })] };
        const after = { steps: [step("azure-native:batch:BatchAccount", { poolAllocationMode: "UserSubscription", tag: "batch-entra:pools" })] };
        const differences = planDifferences(normalisePlan(before), normalisePlan(after));
        expect(differences).toHaveLength(1);
        expect(differences[0]).toMatch(/newState\.inputs\.poolAllocationMode: "BatchService" => "UserSubscription"$/);
    });
});
