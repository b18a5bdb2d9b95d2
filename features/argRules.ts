import * as pulumi from "@pulumi/pulumi";
import { shown } from "../config/messages";

/**
 * A text rule a feature's configuration reader and its component both apply, so a stack key and a library arg are
 * refused for the same values in the same words.
 */
export interface TextRule {
    readonly pattern: RegExp;
    readonly rule: string;
    readonly example: string;
}

/** What is wrong with one of a component's args, and a good value. */
export interface ArgProblem {
    readonly arg: string;
    readonly problem: string;
    readonly example: string;
}

/** The problem the reader reports for a value that breaks the rule (see ConfigReader.string). */
export function textRuleProblem(rule: TextRule, value: string): string | undefined {
    return rule.pattern.test(value) ? undefined : `${shown(value)} is not valid: ${rule.rule}`;
}

/** The arg's problem when it is a plain string that breaks the rule; outputs are judged by the provider instead. */
export function textArgProblem(arg: string, value: unknown, rule: TextRule): ArgProblem | undefined {
    const problem = typeof value === "string" ? textRuleProblem(rule, value) : undefined;
    return problem === undefined ? undefined : { arg, problem, example: rule.example };
}

/** Each plain string of a list arg that `itemProblem` refuses, named by its index. */
export function listArgProblems(arg: string, values: unknown, example: string, itemProblem: (value: string) => string | undefined): ArgProblem[] {
    if (!Array.isArray(values)) {
        return [];
    }
    return values.flatMap((value, index) => {
        const problem = typeof value === "string" ? itemProblem(value) : undefined;
        return problem === undefined ? [] : [{ arg: `${arg}[${index}]`, problem, example }];
    });
}

/**
 * Stops a component used as a library before it declares any child, naming every bad arg: the stack's reader has
 * already refused these values for the program, so only direct callers get here.
 */
export function refuseBadArgs(component: pulumi.Resource, problems: ReadonlyArray<ArgProblem | undefined>): void {
    const found = problems.filter((problem): problem is ArgProblem => problem !== undefined);
    if (found.length > 0) {
        throw new pulumi.ResourceError(found.map((problem) => `${problem.arg}: ${problem.problem} (for example ${problem.example})`).join("; "), component);
    }
}

/**
 * The problem when not exactly one of an arg's fields is set: what a union of object types becomes in the component
 * provider's schema, which has no unions (optional named fields, one of them set).
 */
export function exactlyOneArgProblem(arg: string, value: object | undefined, fields: readonly string[], example: string): ArgProblem | undefined {
    const set = fields.filter((field) => (value as Record<string, unknown> | undefined)?.[field] !== undefined);
    if (set.length === 1) {
        return undefined;
    }
    const which = set.length === 0 ? "neither is set" : `${set.join(" and ")} are both set`;
    return { arg, problem: `set exactly one of ${fields.join(" and ")}; ${which}`, example };
}

/** Each entry of a list arg whose `key` repeats an earlier entry's: the key names a child, and two children of one name collide. */
export function repeatedKeyArgProblems(arg: string, entries: readonly { readonly key: string }[] | undefined, example: string): ArgProblem[] {
    return (entries ?? []).flatMap(({ key }, index, all) =>
        all.findIndex((entry) => entry.key === key) < index ? [{ arg: `${arg}[${index}].key`, problem: `${shown(key)} is used by an earlier entry; each key names a child resource`, example }] : [],
    );
}
