// One definition of "how many resources a stack has", used by the progress line, every report and the
// JSON: the AWS resources the stack manages. Providers, component resources and stack references are
// counted apart; the stack resource itself is not counted.
export interface ResourceCounts {
    /** Custom resources of a cloud provider (aws:...): what the stack creates, updates and deletes. */
    resources: number;
    /** Explicit provider resources (one per account and region the stack deploys into). */
    providers: number;
    /** ComponentResources: groupings only, nothing in AWS. */
    components: number;
    /** StackReferences: reads of other stacks' outputs. */
    stackReferences: number;
}

/** An AWS resource the stack manages (not a provider, component, stack reference or the stack). */
export function isManagedResource(r: { custom: boolean; type: string }): boolean {
    return r.custom && !r.type.startsWith("pulumi:");
}

export function countResources(resources: { custom: boolean; type: string }[]): ResourceCounts {
    const counts: ResourceCounts = { resources: 0, providers: 0, components: 0, stackReferences: 0 };
    for (const r of resources) {
        if (r.type === "pulumi:pulumi:Stack") continue;
        if (r.type.startsWith("pulumi:providers:")) counts.providers++;
        else if (r.type === "pulumi:pulumi:StackReference") counts.stackReferences++;
        else if (!r.custom) counts.components++;
        else if (isManagedResource(r)) counts.resources++;
    }
    return counts;
}

/** The progress line's and the reports' wording of the counts. */
export function countsText(counts: ResourceCounts): string {
    const extra = [
        `${counts.providers} provider(s)`,
        `${counts.components} component(s)`,
        ...(counts.stackReferences ? [`${counts.stackReferences} stack reference(s)`] : []),
    ];
    return `${counts.resources} AWS resources (+ ${extra.join(", ")})`;
}
