import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";
import { formatDiagnostics, parseTsconfig, repositorySourceClosure } from "./typescriptSources";

/*
 * Compiles the component provider (provider/index.ts and every repository file it imports) to JavaScript under
 * provider/bin/, the `main` of provider/package.json. `@pulumi/pulumi/cmd/run-plugin` registers ts-node with type
 * checking for every `.ts` file it loads, which costs a full TypeScript program at each plugin start; given JavaScript,
 * it compiles nothing. Each file is transpiled on its own (`isolatedModules`, which tsconfig.json enforces, makes that
 * the same JavaScript tsc emits), so the build needs no type information and takes a second: type errors are tsc's
 * to find (`npm run typecheck`, `npm test`). The analyzer behind GetSchema still reads the TypeScript sources.
 */

export const PROVIDER_DIR = path.resolve(__dirname, "..", "provider");
const REPOSITORY_DIR = path.dirname(PROVIDER_DIR);
export const PROVIDER_BUILD_DIR = path.join(PROVIDER_DIR, "bin");

function compilerOptions(): ts.CompilerOptions {
    const { options } = parseTsconfig(path.join(PROVIDER_DIR, "tsconfig.json"));
    // Source maps keep the plugin's stack traces pointing at the .ts files (run-plugin loads source-map-support).
    return { ...options, isolatedModules: true, sourceMap: true, inlineSources: false, declaration: false, noEmit: false };
}

/** Writes provider/bin/ afresh: `<path in the repository>.js` and its source map for each file of the closure. */
export function buildProvider(): string[] {
    const options = compilerOptions();
    const sources = repositorySourceClosure([path.join(PROVIDER_DIR, "index.ts")], options);
    fs.rmSync(PROVIDER_BUILD_DIR, { recursive: true, force: true });
    for (const source of sources) {
        const output = path.join(PROVIDER_BUILD_DIR, path.relative(REPOSITORY_DIR, source)).replace(/\.ts$/, ".js");
        const { outputText, sourceMapText, diagnostics } = ts.transpileModule(fs.readFileSync(source, "utf8"), {
            compilerOptions: options,
            fileName: source,
            reportDiagnostics: true,
        });
        if (diagnostics && diagnostics.length > 0) {
            throw new Error(formatDiagnostics(diagnostics));
        }
        const map = JSON.parse(sourceMapText!);
        map.sources = [path.relative(path.dirname(output), source)];
        fs.mkdirSync(path.dirname(output), { recursive: true });
        fs.writeFileSync(output, outputText.replace(/\/\/# sourceMappingURL=.*$/m, `//# sourceMappingURL=${path.basename(output)}.map`));
        fs.writeFileSync(`${output}.map`, JSON.stringify(map));
    }
    return sources.map((source) => path.relative(REPOSITORY_DIR, source));
}

if (require.main === module) {
    console.log(`provider/bin: ${buildProvider().length} files transpiled`);
}
