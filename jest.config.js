/** Tests type-check with `npm run typecheck`; jest only transpiles, which keeps the suite fast. */
module.exports = {
    testEnvironment: "node",
    roots: ["<rootDir>/test", "<rootDir>/features"],
    testMatch: ["**/*.test.ts"],
    transform: { "^.+\\.ts$": ["ts-jest", { diagnostics: false }] },
    testTimeout: 30000,
    // Most suites wait on the mock runtime or on child processes, so both cores pay off even on a 2-core machine.
    maxWorkers: 2,
};
