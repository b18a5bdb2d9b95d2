import * as pulumi from "@pulumi/pulumi";

/**
 * Options with an alias from the type token a component had before it moved to the `index` module (the only module
 * Pulumi's component provider serves): stacks deployed with the former token then update in place, the component
 * and every child, instead of replacing them.
 */
export function aliasFormerType(opts: pulumi.ComponentResourceOptions | undefined, formerType: string): pulumi.ComponentResourceOptions {
    return { ...opts, aliases: [...(opts?.aliases ?? []), { type: formerType }] };
}
