/**
 * Compares two plans written by `npm run plan -- --json`, treating a component's move from
 * batch-entra:<module>:<Type> to batch-entra:index:<Type> as no change (the alias keeps deployed stacks in place),
 * and prints every other difference by JSON path. Exit status 0 when equal, 1 when not, 2 on a usage error.
 *
 *   node -r sucrase/register/ts tools/comparePlans.ts <before.json> <after.json>
 */
import * as fs from "fs";

const FORMER_TOKEN = /batch-entra:[a-z]+:([A-Z][A-Za-z]*)/g;

/**
 * The plan with every former component token spelt as its index token, and its steps keyed by URN: the plan orders
 * steps by type, so a renamed token moves steps without changing what they do.
 */
export function normalisePlan(plan: unknown): unknown {
    const normalised = normaliseTokens(plan) as { steps?: Array<{ urn: string }> };
    return Array.isArray(normalised.steps) ? { ...normalised, steps: Object.fromEntries(normalised.steps.map((step) => [step.urn, step])) } : normalised;
}

function normaliseTokens(value: unknown): unknown {
    if (typeof value === "string") {
        return value.replace(FORMER_TOKEN, "batch-entra:index:$1");
    }
    if (Array.isArray(value)) {
        return value.map(normaliseTokens);
    }
    if (value !== null && typeof value === "object") {
        return Object.fromEntries(Object.entries(value).map(([key, inner]) => [normaliseTokens(key) as string, normaliseTokens(inner)]));
    }
    return value;
}

/** Every path at which the two normalised plans differ, with both values. */
export function planDifferences(before: unknown, after: unknown, path = "$"): string[] {
    if (before === after) {
        return [];
    }
    const bothObjects = before !== null && after !== null && typeof before === "object" && typeof after === "object";
    if (!bothObjects || Array.isArray(before) !== Array.isArray(after)) {
        return [`${path}: ${JSON.stringify(before)} => ${JSON.stringify(after)}`];
    }
    const beforeRecord = before as Record<string, unknown>;
    const afterRecord = after as Record<string, unknown>;
    const keys = [...new Set([...Object.keys(beforeRecord), ...Object.keys(afterRecord)])];
    return keys.flatMap((key) => planDifferences(beforeRecord[key], afterRecord[key], `${path}.${key}`));
}

if (require.main === module) {
    const [beforeFile, afterFile] = process.argv.slice(2);
    if (beforeFile === undefined || afterFile === undefined) {
        console.error("Usage: node -r sucrase/register/ts tools/comparePlans.ts <before.json> <after.json>");
        process.exit(2);
    }
    const read = (file: string) => normalisePlan(JSON.parse(fs.readFileSync(file, "utf8")));
    const differences = planDifferences(read(beforeFile), read(afterFile));
    console.log(differences.length === 0 ? "identical apart from component type tokens" : differences.join("\n"));
    process.exit(differences.length === 0 ? 0 : 1);
}
