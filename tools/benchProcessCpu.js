/*
 * Preloaded into every node process of a measured `npm test` by `npm run bench:tests -- --by-process` (through
 * NODE_OPTIONS=-r, which child processes inherit): at exit, appends the process's CPU time, wall time and command to
 * the file BATCH_ENTRA_BENCH_PROCESS_LOG names. Tests stop their servers and plugins with SIGTERM, which would end the
 * process before an exit handler runs, so SIGTERM here exits the same way after recording. Plain JavaScript: it
 * loads before any TypeScript runner.
 */
const fs = require("fs");

const log = process.env.BATCH_ENTRA_BENCH_PROCESS_LOG;
if (log) {
    const started = Date.now();
    process.on("exit", () => {
        const { user, system } = process.cpuUsage();
        const record = { cpu: (user + system) / 1e6, wall: (Date.now() - started) / 1000, argv: process.argv.slice(1) };
        fs.appendFileSync(log, `${JSON.stringify(record)}\n`);
    });
    process.on("SIGTERM", () => process.exit(128 + 15));
}
