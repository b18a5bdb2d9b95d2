import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";

/** Diagnostics as tsc prints them, with file, line and column. */
export function formatDiagnostics(diagnostics: readonly ts.Diagnostic[]): string {
    return ts.formatDiagnostics(diagnostics, { getCanonicalFileName: (name) => name, getCurrentDirectory: ts.sys.getCurrentDirectory, getNewLine: () => "\n" });
}

/** A tsconfig file as tsc reads it (`extends` followed); a broken one fails with tsc's message. */
export function parseTsconfig(configPath: string): ts.ParsedCommandLine {
    const config = ts.readConfigFile(configPath, ts.sys.readFile);
    const parsed = config.error ? undefined : ts.parseJsonConfigFileContent(config.config, ts.sys, path.dirname(configPath), undefined, configPath);
    const errors = config.error ? [config.error] : parsed!.errors;
    if (errors.length > 0) {
        throw new Error(formatDiagnostics(errors));
    }
    return parsed!;
}

/**
 * The repository's own TypeScript files that `entries` import, directly or not, entries included: the source files a
 * tsc program rooted at `entries` compiles (node_modules and declaration files are only read, never emitted).
 */
export function repositorySourceClosure(entries: readonly string[], options: ts.CompilerOptions): string[] {
    const found = new Set<string>(entries);
    const queue = [...entries];
    while (queue.length > 0) {
        const file = queue.shift()!;
        const { importedFiles } = ts.preProcessFile(fs.readFileSync(file, "utf8"), true, true);
        for (const { fileName: specifier } of importedFiles) {
            const resolved = ts.resolveModuleName(specifier, file, options, ts.sys).resolvedModule;
            if (!resolved || resolved.isExternalLibraryImport || resolved.extension !== ts.Extension.Ts || found.has(resolved.resolvedFileName)) {
                continue;
            }
            found.add(resolved.resolvedFileName);
            queue.push(resolved.resolvedFileName);
        }
    }
    return [...found].sort();
}
