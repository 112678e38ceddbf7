import { BUCKET_CLASSES, ResourceClass } from "./resource-types";
import { StackEntry } from "./rule-kit";
import { asString } from "./values";

export function ofClass(entries: StackEntry[], classes: ResourceClass[]): StackEntry[] {
    return entries.filter((entry) => classes.some((cls) => entry.resource.isType(cls)));
}

/** A resource's name for messages: the given property when known (a bucket's or role's name), else the Pulumi name. */
export function nameOf(entry: StackEntry, prop: string): string {
    return asString(entry.props[prop]) ?? entry.resource.name;
}

/** Bucket references may also be written as an ARN. */
function normaliseReference(reference: string): string {
    return reference.replace(/^arn:aws[\w-]*:s3:::/, "");
}

/** The parent's URN, also when the parent (a component) is not among the analyzed resources. */
function parentUrn(entry: StackEntry): string | undefined {
    return entry.resource.parent?.urn ?? entry.resource.opts?.parent;
}

/** IAM names are per account: in a stack with several accounts, a name only matches within one. */
function sameAccount(child: StackEntry, owner: StackEntry): boolean {
    return (
        child.ownAccounts.length === 0 ||
        owner.ownAccounts.length === 0 ||
        child.ownAccounts.some((account) => owner.ownAccounts.includes(account))
    );
}

interface OwnerIndex {
    byName: Map<string, StackEntry[]>;
    /** Owners whose name is not known (yet): only dependencies or the parent can tie children to them. */
    unnamed: StackEntry[];
    all: StackEntry[];
}

/** Names other resources use to refer to an owner: a bucket by its name (= id), an IAM identity by name. */
function indexOwners(owners: StackEntry[], nameProps: string[]): OwnerIndex {
    const byName = new Map<string, StackEntry[]>();
    const unnamed: StackEntry[] = [];
    for (const owner of owners) {
        const names = [...nameProps, "id"].map((prop) => asString(owner.props[prop])).filter((name): name is string => !!name);
        if (names.length === 0) unnamed.push(owner);
        for (const name of new Set(names)) byName.set(name, [...(byName.get(name) ?? []), owner]);
    }
    return { byName, unnamed, all: owners };
}

/**
 * Which owners a child refers to through `childProp`: by the referenced name when it is known,
 * otherwise through the dependency the reference created (property dependencies, then dependencies),
 * otherwise the only owner under the same parent component.
 */
function ownersOf(child: StackEntry, childProp: string, index: OwnerIndex): StackEntry[] {
    const reference = child.props[childProp];
    const known = typeof reference === "string" ? normaliseReference(reference) : undefined;
    if (known !== undefined) {
        const byName = (index.byName.get(known) ?? []).filter((owner) => sameAccount(child, owner));
        if (byName.length > 0) return byName;
    }
    // A known name that matches no owner can still refer to one whose name is not known.
    const candidates = known === undefined ? index.all : index.unnamed;
    if (candidates.length === 0) return [];
    const viaProperty = new Set((child.resource.propertyDependencies?.[childProp] ?? []).map((dependency) => dependency.urn));
    const byProperty = candidates.filter((owner) => viaProperty.has(owner.urn));
    if (byProperty.length > 0) return byProperty;
    // Plain dependencies also come from other properties (a policy naming another bucket's ARN), so they
    // only count when the reference has no property dependencies of its own (e.g. via a component output).
    if (viaProperty.size === 0) {
        const dependencies = new Set((child.resource.dependencies ?? []).map((dependency) => dependency.urn));
        const byDependency = candidates.filter((owner) => dependencies.has(owner.urn));
        if (byDependency.length > 0) return byDependency;
    }
    const parent = parentUrn(child);
    if (!parent || parent.includes("::pulumi:pulumi:Stack::")) return [];
    const siblings = candidates.filter((owner) => parentUrn(owner) === parent);
    return siblings.length === 1 ? siblings : [];
}

/**
 * The children of each owner (e.g. the public access blocks of each bucket), keyed by owner URN;
 * `nameProps` are the owner properties a child's `childProp` holds when it is known.
 */
export function groupByOwner(
    children: StackEntry[],
    childProp: string,
    owners: StackEntry[],
    nameProps: string[],
): Map<string, StackEntry[]> {
    const index = indexOwners(owners, nameProps);
    const groups = new Map<string, StackEntry[]>();
    for (const child of children) {
        for (const owner of ownersOf(child, childProp, index)) groups.set(owner.urn, [...(groups.get(owner.urn) ?? []), child]);
    }
    return groups;
}

/** The resources of `classes` that configure each bucket of the stack (policies, public access blocks...), by bucket URN. */
export function companionsByBucket(entries: StackEntry[], classes: ResourceClass[]): Map<string, StackEntry[]> {
    return groupByOwner(ofClass(entries, classes), "bucket", ofClass(entries, BUCKET_CLASSES), ["bucket"]);
}
