/**
 * `npm test` type-checks with tsc beside jest (tools/test.sh); jest only transpiles, so no suite pays for type-checking.
 * Tests are `*.test.ts` files anywhere in the repository outside node_modules and build output.
 */
module.exports = {
    testEnvironment: "node",
    testMatch: ["<rootDir>/**/*.test.ts"],
    testPathIgnorePatterns: ["/node_modules/", "<rootDir>/bin/", "<rootDir>/lib/"],
    // provider/package.json repeats the package name for the component provider; jest needs no module from there.
    modulePathIgnorePatterns: ["<rootDir>/bin/", "<rootDir>/lib/", "<rootDir>/provider/"],
    transform: { "^.+\\.ts$": "<rootDir>/test/support/sucraseTransform.js" },
    moduleNameMapper: { "^@npmcli/arborist$": "<rootDir>/test/support/lazyArborist.js" },
    // A folder for the run (test/support/shares.js): the shares' split, and the tests' scratch folders, removed at the end.
    globalSetup: "<rootDir>/test/support/globalSetup.js",
    globalTeardown: "<rootDir>/test/support/globalTeardown.js",
    testTimeout: 30000,
    // Most suites wait on the mock runtime or on child processes, so both cores pay off even on a 2-core machine.
    maxWorkers: 2,
};
