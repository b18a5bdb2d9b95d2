import { main } from "../tools/verify";

/**
 * One process for many `npm run verify` runs (test/verifyFakes.ts): each IPC message is one run of the command's
 * `main` with the message's arguments and only its environment (plus what this process was started with: PATH,
 * HOME and the test CA, trusted through NODE_EXTRA_CA_CERTS as the real command's process trusts it). Starting
 * node, sucrase and @azure/identity for every run cost ~0.5 s CPU a run; the runs themselves take milliseconds.
 * Runs come one at a time, so replacing process.env and capturing stdout and stderr for a run is safe.
 * It answers { code, stdout, stderr }, as the command's process would exit and print (tools/cli.ts runCli).
 */
interface RunRequest {
    readonly args: readonly string[];
    readonly env: Record<string, string>;
}

const startEnvironment = { ...process.env };

function replaceEnvironment(next: NodeJS.ProcessEnv): void {
    for (const key of Object.keys(process.env)) delete process.env[key];
    Object.assign(process.env, next);
}

type Write = typeof process.stdout.write;

/** Sends everything written to `stream` while `run` runs to `sink` instead. */
async function capture<T>(stream: NodeJS.WriteStream, sink: string[], run: () => Promise<T>): Promise<T> {
    const write = stream.write;
    stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
        sink.push(typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8"));
        const callback = rest.find((arg): arg is () => void => typeof arg === "function");
        callback?.();
        return true;
    }) as Write;
    try {
        return await run();
    } finally {
        stream.write = write;
    }
}

async function runOnce(request: RunRequest): Promise<{ code: number; stdout: string; stderr: string }> {
    const stdout: string[] = [];
    const stderr: string[] = [];
    replaceEnvironment({ ...startEnvironment, ...request.env });
    try {
        const code = await capture(process.stdout, stdout, () =>
            capture(process.stderr, stderr, () =>
                main(request.args).catch((error: unknown) => {
                    console.error(error);
                    return 1;
                }),
            ),
        );
        return { code, stdout: stdout.join(""), stderr: stderr.join("") };
    } finally {
        replaceEnvironment(startEnvironment);
    }
}

process.on("message", (request: RunRequest) => {
    void runOnce(request).then((answer) => process.send?.(answer));
});
process.on("disconnect", () => process.exit(0));
