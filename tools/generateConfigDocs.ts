import * as fs from "fs";
import * as path from "path";
import { CONFIG_KEYS } from "../config/configKeys";
import { KeyDeclaration, ReferenceSection, typedInProject } from "../config/keys";

/** A file the key declarations generate, and its text as the script would write it. */
export interface GeneratedFile {
    readonly file: string;
    readonly text: string;
}

/** Pulumi.yaml and README.md with their generated parts rewritten from the declarations; everything else kept. */
export function generateConfigDocs(projectDir: string, keys: readonly KeyDeclaration[] = CONFIG_KEYS): GeneratedFile[] {
    const project = fs.readFileSync(path.join(projectDir, "Pulumi.yaml"), "utf8");
    const readme = fs.readFileSync(path.join(projectDir, "README.md"), "utf8");
    return [
        { file: "Pulumi.yaml", text: withProjectConfig(project, keys) },
        { file: "README.md", text: withReference(readme, keys) },
    ];
}

function withProjectConfig(project: string, keys: readonly KeyDeclaration[]): string {
    const start = project.search(/^config:\n/m);
    if (start < 0) throw new Error("Pulumi.yaml has no top-level config: block to rewrite");
    const rest = project.slice(start + "config:\n".length);
    const next = rest.search(/^\S/m);
    const after = next < 0 ? "" : rest.slice(next);
    const block = keys.filter(typedInProject).map(projectDeclaration).join("");
    return `${project.slice(0, start)}config:\n${block}${after}`;
}

function projectDeclaration(key: KeyDeclaration): string {
    const items = key.type === "array" ? `    items:\n      type: ${key.items ?? "string"}\n` : "";
    return `  ${key.name}:\n    type: ${key.type}\n${items}    description: ${yamlScalar(key.description)}\n    default: ${yamlValue(key.default)}\n`;
}

/** Plain YAML where that reads the same, double-quoted where a colon or comment sign would change the meaning. */
function yamlScalar(text: string): string {
    return text === "" || /: | #|^[-?:,[\]{}#&*!|>'"%@`]/.test(text) ? JSON.stringify(text) : text;
}

function yamlValue(value: KeyDeclaration["default"]): string {
    return typeof value === "string" ? yamlScalar(value) : JSON.stringify(value);
}

function withReference(readme: string, keys: readonly KeyDeclaration[]): string {
    const sections = [...new Set(keys.map((key) => key.section))];
    return sections.reduce((text, section) => withSection(text, section, keys.filter((key) => key.section === section)), readme);
}

function withSection(readme: string, section: ReferenceSection, keys: readonly KeyDeclaration[]): string {
    const startMarker = `<!-- config-reference:start ${section} -->\n`;
    const endMarker = `<!-- config-reference:end ${section} -->`;
    const start = readme.indexOf(startMarker);
    const end = readme.indexOf(endMarker);
    if (start < 0 || end < start) throw new Error(`README.md lacks the markers ${startMarker.trim()} ... ${endMarker} around the ${section} table`);
    const table = ["| key | type | default | meaning |", "| --- | --- | --- | --- |", ...keys.map(referenceRow)].join("\n");
    return `${readme.slice(0, start + startMarker.length)}${table}\n${readme.slice(end)}`;
}

function referenceRow(key: KeyDeclaration): string {
    const type = key.reference.type ?? (key.type === "array" ? "list" : key.type);
    const shownDefault = key.reference.default ?? `\`${typeof key.default === "string" ? key.default : JSON.stringify(key.default)}\``;
    return `| \`${key.name}\` | ${type} | ${shownDefault} | ${key.reference.meaning} |`;
}

if (require.main === module) {
    const projectDir = path.resolve(__dirname, "..");
    for (const { file, text } of generateConfigDocs(projectDir)) {
        const target = path.join(projectDir, file);
        if (fs.readFileSync(target, "utf8") !== text) {
            fs.writeFileSync(target, text);
            console.log(`rewrote ${file}`);
        }
    }
}
