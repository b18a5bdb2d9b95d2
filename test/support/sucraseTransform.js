/*
 * Jest's transform for the TypeScript files: sucrase, the transpiler `npm run plan` and `npm run verify` start
 * TypeScript with (`-r sucrase/register/ts`), so the tests run the code as the tools do. It only strips types, as
 * ts-jest did here (diagnostics off, isolatedModules): tsc is the one type-check (tools/test.sh). ts-jest loads the
 * TypeScript compiler in every jest worker, cache or not, and transpiled the repository's 143 files in 3.7 s CPU;
 * sucrase takes 0.7 s. With an empty cache, as on CI's clean checkout, that was ~3 s CPU a worker.
 *
 * "jest" hoists `jest.mock` calls above the imports, as ts-jest does. Jest caches the output under the key below:
 * the file's path and content, the jest config, coverage or not, and this file and sucrase's version.
 */
const crypto = require("crypto");
const fs = require("fs");
const { transform } = require("sucrase");

const CACHE_VERSION = [require("sucrase/package.json").version, fs.readFileSync(__filename, "utf8")].join("\n");

module.exports = {
    process(source, filePath) {
        const { code, sourceMap } = transform(source, {
            transforms: ["typescript", "imports", "jest"],
            filePath,
            sourceMapOptions: { compiledFilename: filePath },
        });
        return { code, map: sourceMap };
    },
    getCacheKey(source, filePath, options) {
        return crypto.createHash("sha1").update(CACHE_VERSION).update("\0").update(filePath).update("\0").update(source)
            .update("\0").update(options.configString).update(options.instrument ? "\0instrument" : "").digest("hex");
    },
};
