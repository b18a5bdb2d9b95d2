import { main } from "../tools/plan";

/** Runs `npm run plan` in-process with these arguments, capturing what it prints and its exit code. */
export async function capturedPlan(argv: string[]): Promise<{ code: number; out: string; err: string }> {
    const out: string[] = [];
    const err: string[] = [];
    const log = jest.spyOn(console, "log").mockImplementation((...args) => void out.push(args.join(" ")));
    const error = jest.spyOn(console, "error").mockImplementation((...args) => void err.push(args.join(" ")));
    try {
        const code = await main(argv);
        return { code, out: out.join("\n"), err: err.join("\n") };
    } finally {
        log.mockRestore();
        error.mockRestore();
    }
}
