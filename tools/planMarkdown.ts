import { ConfigProblem } from "../config/problems";
import { PlanDiff, ResourceChange, changeMarker, formatValue, summaryLines } from "./planDiff";
import { Plan, PlanResource, cloudResources } from "./planModel";
import { PolicyViolation } from "./policyRunner";
import { providersWithRules } from "./replacementRules";

export interface PlanMarkdownOptions {
    /** What the change does compared with the base branch's plan. */
    readonly diff?: PlanDiff;
    /**
     * Policy results; undefined when this build did not evaluate the policy pack. Messages come from policies that
     * read the masked plan's resources, so they hold no secret value.
     */
    readonly policyFindings?: readonly PolicyViolation[];
}

/**
 * Renders the offline plan as Markdown for a pull-request comment or a job summary. Every value taken from the
 * plan is escaped, so a display name or redirect URI cannot break out of its table cell or code block, and only
 * the plan's already-masked values are shown.
 */
export function renderPlanMarkdown(plan: Plan, options: PlanMarkdownOptions = {}): string {
    const resources = cloudResources(plan);
    const components = plan.resources.filter((resource) => !resource.custom && resource.parent !== undefined);
    const lines: string[] = [
        `### Offline plan of ${code(`${plan.project}/${plan.stack}`)}`,
        "",
        "> Made offline, under Pulumi's mock runtime and without cloud access: IDs, client IDs and timestamps are placeholders; " +
            `secrets are masked. Replacements follow the providers' rules (${providersWithRules().join(", ")}) and each resource's replaceOnChanges.`,
        "",
        `**${resources.length} resources** in ${components.length} components: ${summaryLines(plan, options.diff).join(", ")}.`,
        "",
    ];

    if (options.diff) {
        lines.push(...renderDiff(options.diff), "");
    }
    lines.push(...renderPolicies(options.policyFindings), "");
    if (plan.warnings.length > 0) {
        lines.push(...renderWarnings(plan.warnings), "");
    }

    const counts = new Map<string, number>();
    resources.forEach((resource) => counts.set(resource.type, (counts.get(resource.type) ?? 0) + 1));
    lines.push("| Resource type | Count |", "| --- | ---: |");
    for (const [type, count] of [...counts.entries()].sort()) {
        lines.push(`| ${code(type)} | ${count} |`);
    }

    // A first plan shows every resource's inputs; a diff only the changed ones, so the summary stays short.
    const shown: PlanResource[] = options.diff ? [...options.diff.added, ...options.diff.changed.map((change) => change.after)].filter((resource) => resource.custom) : resources;
    lines.push("", `<details><summary>${options.diff ? "Inputs of the added and changed resources" : "Resources and their inputs"}</summary>`, "");
    for (const resource of shown) {
        lines.push(`${code(resource.name)} ${code(resource.type)}`, "", fenced(JSON.stringify(resource.inputs, null, 2)), "");
    }
    lines.push("</details>", "", "| Output | Value |", "| --- | --- |");
    for (const [key, value] of Object.entries(plan.outputs)) {
        lines.push(`| ${code(key)} | ${code(typeof value === "string" ? value : JSON.stringify(value))} |`);
    }
    return `${lines.join("\n")}\n`;
}

function renderDiff(diff: PlanDiff): string[] {
    const lines = [`#### Compared with the base branch`, ""];
    if (diff.added.length + diff.changed.length + diff.removed.length === 0) {
        return [...lines, "No resource changes."];
    }
    lines.push("| | Resource | Type | Changed |", "| --- | --- | --- | --- |");
    // Changes to existing resources first: replacements and updates are what a reviewer must weigh.
    const ordered = [...diff.changed].sort((a, b) => b.replacingPaths.length - a.replacingPaths.length);
    for (const change of ordered) {
        const { symbol, note } = changeMarker(change);
        lines.push(`| ${symbol} | ${code(change.name)} | ${code(change.type)} | ${describeChange(change)}${note} |`);
    }
    for (const resource of diff.removed) {
        lines.push(`| - | ${code(resource.name)} | ${code(resource.type)} | |`);
    }
    for (const resource of diff.added) {
        lines.push(`| + | ${code(resource.name)} | ${code(resource.type)} | |`);
    }
    return lines;
}

/** `path: old => new` per changed path, and the options that changed. */
function describeChange(change: ResourceChange): string {
    const paths = change.paths.map(
        (path) => `${code(path.path)}: ${code(`${formatValue(path.before)} => ${formatValue(path.after)}`)}${path.replaces ? " (forces replacement)" : ""}`,
    );
    return [...paths, ...change.changedOptions.map((option) => `option ${code(option)}`)].join("<br>");
}

function renderWarnings(warnings: readonly string[]): string[] {
    return [`#### Warnings (${warnings.length})`, "", "They do not stop the plan; each says how to fix it.", "", ...warnings.map((warning) => `- ${escapeCell(warning)}`)];
}

/** The Markdown an invalid configuration produces, so a job summary says why there is no plan. */
export function renderConfigProblemsMarkdown(project: string, stack: string, problems: readonly ConfigProblem[]): string {
    const lines = [
        `### Offline plan of ${code(`${project}/${stack}`)}: invalid configuration`,
        "",
        `The stack configuration has ${problems.length} problem(s); nothing was declared.`,
        "",
        "| Key | Problem | For example |",
        "| --- | --- | --- |",
        ...problems.map((problem) => `| ${code(problem.key)} | ${escapeCell(problem.problem)} | ${code(problem.example)} |`),
    ];
    return `${lines.join("\n")}\n`;
}

function renderPolicies(findings: readonly PolicyViolation[] | undefined): string[] {
    if (findings === undefined) {
        return ["#### Policies", "", "_The policy pack was not evaluated by this build._"];
    }
    if (findings.length === 0) {
        return ["#### Policies", "", "Every policy passed."];
    }
    const mandatory = findings.filter((finding) => finding.enforcement === "mandatory").length;
    const lines = [
        "#### Policies",
        "",
        `${findings.length} violation(s), ${mandatory} mandatory.`,
        "",
        "| Level | Policy | Resource | Message | Remediation |",
        "| --- | --- | --- | --- | --- |",
    ];
    for (const finding of findings) {
        lines.push(
            `| ${escapeCell(finding.enforcement)} | ${code(finding.policy)} | ${finding.resourceName ? code(finding.resourceName) : "(stack)"} | ` +
                `${escapeCell(finding.message)} | ${escapeCell(finding.remediation ?? "")} |`,
        );
    }
    return lines;
}

/** Inline code that survives inside a table cell and cannot open HTML: `<code>` with HTML escaping. */
function code(text: string): string {
    return `<code>${escapeHtml(text).replace(/\|/g, "&#124;").replace(/\r?\n/g, " ")}</code>`;
}

function escapeCell(text: string): string {
    return escapeHtml(text).replace(/\|/g, "&#124;").replace(/\r?\n/g, " ").replace(/([\\`*_[\]])/g, "\\$1");
}

function escapeHtml(text: string): string {
    return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** A fenced block whose fence is longer than any backtick run inside, so the content cannot close it. */
function fenced(text: string): string {
    const longestRun = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
    const fence = "`".repeat(Math.max(3, longestRun + 1));
    return `${fence}json\n${text}\n${fence}`;
}
