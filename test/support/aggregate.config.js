/*
 * `npm test` with no test path (tools/test.sh): jest runs the shares (share<N>.aggregate.ts, one per worker), each of
 * which runs a share of every test file jest.config.js finds, in one module registry (see shares.js). Naming test files
 * (`npm test -- test/foo.test.ts`) or `npx jest ...` uses jest.config.js and runs each file on its own, as before.
 */
const path = require("path");
const base = require("../../jest.config");

module.exports = {
    ...base,
    rootDir: path.resolve(__dirname, "..", ".."),
    testMatch: ["<rootDir>/test/support/share*.aggregate.ts"],
};
