import * as pulumi from "@pulumi/pulumi";

const ROLE_ASSIGNMENT = "azure-native:authorization:RoleAssignment";

/**
 * The role definitions of every role assignment the program declares, observed as each one is declared. The pipeline's
 * deploy identity may assign exactly these (its RBAC Administrator condition), so the list follows the stack's
 * configuration and every feature: a component that assigns a role needs no entry anywhere else.
 *
 * Assignments under a parent for which `exclude` returns true are left out: the pipeline's own rights are
 * given by the bootstrap administrator, never by the pipeline.
 */
export class AssignedRoles {
    /** Role definition IDs (or GUIDs) in declaration order; resolves once `seal` is called. */
    public readonly roleDefinitionIds: pulumi.Output<string[]>;
    private readonly observed: pulumi.Input<string>[] = [];
    private sealed = false;
    private resolve!: (ids: pulumi.Input<string>[]) => void;

    constructor(exclude: (parent: pulumi.Resource | undefined) => boolean) {
        const ids = new Promise<pulumi.Input<string>[]>((resolve) => (this.resolve = resolve));
        this.roleDefinitionIds = pulumi.output(ids).apply((list) => pulumi.all(list));
        pulumi.runtime.registerStackTransformation((args) => {
            if (args.type === ROLE_ASSIGNMENT && !exclude(args.opts.parent)) {
                if (this.sealed) {
                    throw new Error(`Role assignment "${args.name}" was declared after the pipeline's assignable roles were fixed`);
                }
                this.observed.push(args.props.roleDefinitionId);
            }
            return undefined;
        });
    }

    /** Fixes the list: call once every component is declared (also when declaring failed, so nothing waits forever). */
    seal(): void {
        this.sealed = true;
        this.resolve([...this.observed]);
    }
}
