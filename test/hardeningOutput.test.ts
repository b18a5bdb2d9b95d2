import { MAX_PRINTED_PROBLEMS, MESSAGE_MAX_LENGTH, SHOWN_VALUE_MAX_LENGTH, escapeControlCharacters } from "../config/messages";
import { ConfigValidationError, describeConfigWarning } from "../config/problems";
import { expectRejected } from "./helpers";
import { STACK_TRACE_LINE, exampleStackFile, planOfStackFile, validationErrorOf } from "./hardeningHelpers";

const notGuids = (count: number) => Array.from({ length: count }, (_, i) => `owner-${i}`);
const problemLines = (message: string) => message.split("\n").filter((line) => line.startsWith("  - "));

describe("validation output stays readable and honest", () => {
    test(`${MAX_PRINTED_PROBLEMS} problems (the limit) are all printed`, () => {
        const error = validationErrorOf({ appOwners: notGuids(MAX_PRINTED_PROBLEMS) });
        expect(error.problems).toHaveLength(MAX_PRINTED_PROBLEMS);
        expect(problemLines(error.message)).toHaveLength(MAX_PRINTED_PROBLEMS);
        expect(error.message).not.toMatch(/more problems? \(not printed\)/);
    });

    test("past the limit, the rest is counted, and every problem stays in the error's list", () => {
        const error = validationErrorOf({ appOwners: notGuids(40) });
        expect(error.problems).toHaveLength(40);
        expect(problemLines(error.message)).toHaveLength(MAX_PRINTED_PROBLEMS);
        expect(error.message).toContain(`... and ${40 - MAX_PRINTED_PROBLEMS} more problems (not printed)`);
        expect(error.message).toMatch(/^The stack configuration has 40 problems/);
    });

    test("a long value is cut in the message, saying how much was left out", async () => {
        const { problem, error } = await expectRejected({ resourceGroupName: "r".repeat(10_000) }, "resourceGroupName");
        expect(problem.problem).toContain(`"${"r".repeat(SHOWN_VALUE_MAX_LENGTH)}... (${10_000 - SHOWN_VALUE_MAX_LENGTH} more characters)"`);
        expect(error.message.length).toBeLessThan(2_000);
    });

    test("a value cannot forge problem lines: newlines and control characters are escaped", async () => {
        const forged = "https://c.com/\u001b[2J\u2028\r\n  - batch-entra:grantAdminConsent: fine";
        const { error } = await expectRejected({ webRedirectUris: [forged] }, "webRedirectUris[0]");
        expect(problemLines(error.message)).toHaveLength(error.problems.length);
        expect(error.message).not.toMatch(/^\s+- batch-entra:grantAdminConsent/m);
        expect(error.message).toContain("\\n  - batch-entra:grantAdminConsent");
        expect(error.message).toContain("\\u001b[2J");
        expect(error.message).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u2028]/);
    });

    test("a key name can hold control characters too (a tag name); it is escaped the same way", async () => {
        const { error } = await expectRejected({ tags: { "a/b\n  - batch-entra:x: forged": "v" } }, "tags.a/b\\n  - batch-entra:x: forged");
        expect(error.message).not.toMatch(/^\s+- batch-entra:x/m);
    });

    test("an error built directly (as a component or tool may) is escaped and bounded as well", () => {
        const error = new ConfigValidationError([{ key: "k\nk", problem: "p".repeat(5_000), example: "e\u0007" }]);
        expect(error.problems[0].key).toBe("k\\nk");
        expect(error.problems[0].problem.length).toBeLessThan(MESSAGE_MAX_LENGTH + 40);
        expect(error.problems[0].example).toBe("e\\u0007");
    });

    test("warnings are escaped and bounded the same way", () => {
        const line = describeConfigWarning({ key: "batch-entra:location", warning: `x\ny${"z".repeat(5_000)}`, fix: "f" });
        expect(line).not.toContain("\n");
        expect(line.length).toBeLessThan(MESSAGE_MAX_LENGTH + 40);
    });

    test("escaping keeps printable text as it is", () => {
        expect(escapeControlCharacters("Déjà vu: ü, 日本, emoji 🙂")).toBe("Déjà vu: ü, 日本, emoji 🙂");
    });

    test("the offline plan prints the bounded list with exit status 1 and no stack trace", async () => {
        const result = await planOfStackFile({ ...exampleStackFile(), "batch-entra:appOwners": notGuids(60) });
        expect(result.code).toBe(1);
        expect(problemLines(result.err)).toHaveLength(MAX_PRINTED_PROBLEMS);
        expect(result.err).toContain("more problems (not printed)");
        expect(result.err).not.toMatch(STACK_TRACE_LINE);
    });
});
