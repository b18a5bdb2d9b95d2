import { MAX_PRINTED_PROBLEMS, printable } from "./messages";

/**
 * Configuration problems are collected, not thrown one at a time, so a user who got three keys wrong
 * learns about all three from one run instead of three.
 */
export interface ConfigProblem {
    /** The fully qualified key, e.g. `batch-entra:clientSecretLifetimeDays`. */
    readonly key: string;
    /** What is wrong with the value that was given. */
    readonly problem: string;
    /** A value that would be accepted, written as the user would type it in Pulumi.<stack>.yaml. */
    readonly example: string;
}

/**
 * A value Azure would accept but that is probably a mistake (a region name nobody uses, a secret typed in plain
 * text). Warnings never stop a run: `pulumi up` logs them and the offline plan prints and counts them.
 */
export interface ConfigWarning {
    /** The fully qualified key, e.g. `batch-entra:location`. */
    readonly key: string;
    /** What looks wrong, without echoing a value that may be secret. */
    readonly warning: string;
    /** What to do instead, e.g. the command that stores the value as a secret. */
    readonly fix: string;
}

/** One line per warning, the way `pulumi up` logs them and the offline plan prints them. */
export function describeConfigWarning(warning: ConfigWarning): string {
    return printable(`${warning.key}: ${warning.warning} (${warning.fix})`);
}

export class ConfigValidationError extends Error {
    /** Every problem, each field escaped and bounded (see config/messages.ts), for renderers of any format. */
    public readonly problems: readonly ConfigProblem[];

    constructor(problems: readonly ConfigProblem[]) {
        const safe = problems.map((p) => ({ key: printable(p.key), problem: printable(p.problem), example: printable(p.example) }));
        super(ConfigValidationError.describe(safe));
        this.problems = safe;
        this.name = "ConfigValidationError";
    }

    private static describe(problems: readonly ConfigProblem[]): string {
        // Each field was escaped on its own, so a value holding a newline cannot start a line that looks like a problem.
        const lines = problems
            .slice(0, MAX_PRINTED_PROBLEMS)
            .map((p) => `  - ${p.key}: ${p.problem}\n      for example: ${p.example}`);
        const hidden = problems.length - MAX_PRINTED_PROBLEMS;
        if (hidden > 0) {
            lines.push(`  ... and ${hidden} more ${hidden === 1 ? "problem" : "problems"} (not printed)`);
        }
        const noun = problems.length === 1 ? "problem" : "problems";
        return (
            `The stack configuration has ${problems.length} ${noun}; nothing was declared or deployed.\n` +
            `${lines.join("\n")}\n` +
            "Fix the values with `pulumi config set <key> <value>` (or edit Pulumi.<stack>.yaml); " +
            "every key is described in the README's configuration reference."
        );
    }
}
