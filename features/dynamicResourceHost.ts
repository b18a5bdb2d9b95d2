import * as pulumi from "@pulumi/pulumi";

/*
 * Where a dynamic resource's code runs: the engine starts `pulumi-resource-pulumi-nodejs` in the Pulumi program's
 * working directory, which runs `node` on `@pulumi/pulumi/cmd/dynamic-provider` as resolved from that directory, and
 * the serialized provider code then requires its own modules from there too. A TypeScript program has them in its
 * node_modules. A program in another language that uses these components through the component provider (provider/)
 * usually has no node_modules there (pulumi/pulumi#5455, open), and its deploy would stop at the first dynamic
 * resource with "Cannot find module". The plugin runs in that same working directory (the engine gives every plugin
 * the program's), so a component can tell before it declares one, and refuse with the fix instead.
 */

/** What the dynamic-provider host must resolve from the working directory to run this package's dynamic resources. */
const HOST_MODULES = ["@pulumi/pulumi/cmd/dynamic-provider", "@azure/identity"];

/** The package a module specifier is in: its scope and name. */
export function packageOf(module: string): string {
    return module.split("/").slice(0, module.startsWith("@") ? 2 : 1).join("/");
}

function resolvableFrom(directory: string, module: string): boolean {
    try {
        require.resolve(module, { paths: [directory] });
        return true;
    } catch {
        return false;
    }
}

/**
 * Throws a ResourceError for `component` when `what` (one of its dynamic resources) could not run from
 * `workingDirectory`, naming what is missing and the npm command that installs it there.
 */
export function refuseUnrunnableDynamicResource(component: pulumi.Resource, what: string, workingDirectory: string = process.cwd()): void {
    const missing = HOST_MODULES.filter((module) => !resolvableFrom(workingDirectory, module));
    if (missing.length === 0) {
        return;
    }
    // At the versions this package runs with.
    const install = HOST_MODULES.map(packageOf)
        .map((name) => `${name}@${(require(`${name}/package.json`) as { version: string }).version}`)
        .join(" ");
    throw new pulumi.ResourceError(
        `${what} is a dynamic resource, whose code Pulumi runs with node from the program's working directory ` +
            `(${workingDirectory}), where ${missing.join(" and ")} cannot be found: a program in another language has no ` +
            `node_modules there (pulumi/pulumi#5455). Install them there first: cd ${workingDirectory} && npm install ${install}`,
        component,
    );
}
