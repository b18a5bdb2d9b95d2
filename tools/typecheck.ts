import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";
import { formatDiagnostics, parseTsconfig, repositorySourceClosure } from "./typescriptSources";

/*
 * `npm test`'s type-check (tools/test.sh): one TypeScript program of every file tsconfig.json includes, checked as
 * `tsc --noEmit` checks it, which then also emits the package's lib/ as `npm run build` (tsconfig.package.json) would:
 * the same root files, the same emit options, from the same type checker. The package test packs that lib/ instead
 * of compiling the library and the Azure SDKs' declarations a second time (test/packageInstall.test.ts).
 *
 * Usage: node -r sucrase/register/ts tools/typecheck.ts [--lib-ready <file>]
 * Exits 1 on a type error, printing it as tsc does, and removes lib/ then. With --lib-ready, writes `<file>` as soon as
 * lib/ is complete (`built`, before the rest of the program is checked) or when it cannot be (`failed`), so a test
 * waiting for lib/ never waits in vain.
 */

const REPOSITORY_DIR = path.resolve(__dirname, "..");
/** Options only the package build sets, and `types`, which is about the checked program (jest's globals), not emit. */
const PACKAGE_ONLY_OPTIONS = new Set(["rootDir", "outDir", "declaration", "sourceMap", "types", "configFilePath"]);

/** TypeScript's build info for the incremental check, beside the tests' durations (never in the repository). */
const BUILD_INFO_FILE = path.join((require("../test/support/shares") as { CACHE_DIR: string }).CACHE_DIR, "typecheck.tsbuildinfo");

/** What `tsc --incremental` calls to save the build info; on the builder object, though not in the typings. */
type BuildInfoWriter = ts.EmitAndSemanticDiagnosticsBuilderProgram & { emitBuildInfo(writeFile: ts.WriteFileCallback): ts.EmitResult };

export interface TypecheckResult {
    readonly diagnostics: readonly ts.Diagnostic[];
    /** The files written to lib/, relative to it; empty when there were diagnostics. */
    readonly emitted: readonly string[];
}

/** `onLibraryEmitted` runs once lib/ is complete, before the semantic check of the whole program. */
export function typecheckAndBuildLibrary(onLibraryEmitted?: () => void): TypecheckResult {
    const checked = parseTsconfig(path.join(REPOSITORY_DIR, "tsconfig.json"));
    const packaged = parseTsconfig(path.join(REPOSITORY_DIR, "tsconfig.package.json"));
    const differing = Object.keys({ ...checked.options, ...packaged.options }).filter(
        (key) => !PACKAGE_ONLY_OPTIONS.has(key) && JSON.stringify(checked.options[key]) !== JSON.stringify(packaged.options[key]),
    );
    if (differing.length > 0) {
        throw new Error(`tsconfig.package.json sets ${differing.join(", ")} apart from tsconfig.json: tools/typecheck.ts emits lib/ from tsconfig.json's program, so keep them in tsconfig.json`);
    }
    // Incremental, as `tsc --incremental` is: files unchanged since the last run, whose dependencies' declarations did
    // not change either, keep the semantic diagnostics recorded then (TypeScript's own build info, kept with the
    // test durations), so an edit re-checks what it can affect, not the whole program.
    const options: ts.CompilerOptions = { ...packaged.options, types: checked.options.types, noEmit: false, incremental: true, tsBuildInfoFile: BUILD_INFO_FILE };
    const host = ts.createIncrementalCompilerHost(options);
    // As tsc itself parses (its command line sets this on its host): a TypeScript file's JSDoc only where a type error
    // can depend on it (@see, @link). The rest is a fifth of the check's time; declaration emit copies comments from
    // the source text, so lib/ keeps them.
    host.jsDocParsingMode = ts.JSDocParsingMode.ParseForTypeErrors;
    const program = ts.createIncrementalProgram({ rootNames: checked.fileNames, options, host });
    const outDir = packaged.options.outDir!;
    const failed = (diagnostics: readonly ts.Diagnostic[]): TypecheckResult => {
        fs.rmSync(outDir, { recursive: true, force: true });
        return { diagnostics, emitted: [] };
    };
    const early = [...program.getConfigFileParsingDiagnostics(), ...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics(), ...program.getSyntacticDiagnostics()];
    if (early.length > 0) {
        return failed(early);
    }
    // lib/ first, then the rest of the check: emitting the library's files checks just what their JavaScript and
    // declarations need, so the package test (which waits for lib/) starts while the tests' own files are checked.
    // A type error anywhere still removes lib/ and fails the run.
    fs.rmSync(outDir, { recursive: true, force: true });
    const emitted: string[] = [];
    const writeFile: ts.WriteFileCallback = (fileName, text) => {
        fs.mkdirSync(path.dirname(fileName), { recursive: true });
        fs.writeFileSync(fileName, text);
        emitted.push(path.relative(outDir, fileName));
    };
    for (const source of repositorySourceClosure(packaged.fileNames, packaged.options)) {
        const result = program.emit(program.getSourceFile(source), writeFile);
        if (result.diagnostics.length > 0) {
            return failed(result.diagnostics);
        }
    }
    onLibraryEmitted?.();
    const semantic = program.getSemanticDiagnostics();
    // Written whatever the outcome: a file's recorded errors are reported again until it is fixed.
    fs.mkdirSync(path.dirname(BUILD_INFO_FILE), { recursive: true });
    (program as BuildInfoWriter).emitBuildInfo((fileName, text) => fs.writeFileSync(fileName, text));
    if (semantic.length > 0) {
        return failed(semantic);
    }
    return { diagnostics: [], emitted: emitted.sort() };
}

if (require.main === module) {
    const readyAt = process.argv.indexOf("--lib-ready");
    const readyFile = readyAt >= 0 ? process.argv[readyAt + 1] : undefined;
    let ready = false;
    const markReady = (status: "built" | "failed") => {
        if (readyFile && !ready) {
            fs.writeFileSync(readyFile, status);
        }
        ready = true;
    };
    try {
        const { diagnostics } = typecheckAndBuildLibrary(() => markReady("built"));
        if (diagnostics.length > 0) {
            console.error(formatDiagnostics(diagnostics));
            process.exitCode = 1;
        }
    } finally {
        markReady("failed");
    }
}
