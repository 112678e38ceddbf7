import type {
    EnforcementLevel,
    PolicyResource,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
} from "@pulumi/policy";
import type { PolicyConfigJSONSchema } from "@pulumi/policy/schema";
import { ownAccounts } from "./accounts";
import { configSchema, resolveConfig, stackOfUrn } from "./config";
import { validateSettings } from "./config-validation";
import { DOCUMENT_CLASSES, DocumentRole, LocatedDocument, ReadableDocument, documentsOf, isReadable } from "./documents";
import { PERMISSION_SET_PASS_TYPES, PermissionSetPolicy, permissionSetPolicies } from "./permission-sets";
import { ResourceClass, tokens } from "./resource-types";
import { ValueRecord, asRecord, deepFreeze, plain } from "./values";

/** What every rule knows about the resource it checks, as plain data (unknowns are UNKNOWN). */
export interface ResourceContext<C> {
    type: string;
    urn: string;
    name: string;
    props: ValueRecord;
    providerProps: ValueRecord | undefined;
    /** Account(s) the resource is deployed to; empty when that cannot be told. */
    ownAccounts: string[];
    stack: string | undefined;
    config: C;
}

type Findings = string[] | Promise<string[]>;

/** What every rule declares: its name, description, enforcement level and settings. */
export interface RuleSpec<C extends object> {
    name: string;
    description: string;
    enforcementLevel?: EnforcementLevel;
    /** Settings and their defaults; the configSchema is derived from them. */
    config?: { defaults: C; schema: { [K in keyof C]: PolicyConfigJSONSchema }; overridable?: boolean };
}

function policyBase<C extends object>(spec: RuleSpec<C>) {
    return {
        name: spec.name,
        description: spec.description,
        enforcementLevel: spec.enforcementLevel ?? "mandatory",
        ...(spec.config
            ? { configSchema: configSchema(spec.config.defaults, spec.config.schema, { overridable: spec.config.overridable }) }
            : {}),
    };
}

const validated = new WeakSet<object>();

/**
 * The rule's settings, refused when they do not fit its schema. The Pulumi CLI checks types but not
 * names, so a misspelt setting (requireMFA) would otherwise be dropped without a word.
 */
function checkedConfig(policy: ReturnType<typeof policyBase>, raw: unknown): Record<string, unknown> {
    const settings = typeof raw === "object" && raw !== null && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
    if (validated.has(settings)) return settings;
    const problems = validateSettings(policy.name, settings, "configSchema" in policy ? policy.configSchema : undefined);
    if (problems.length > 0) {
        throw new Error(`invalid policy pack config: ${problems.map(({ key, problem }) => `${key}: ${problem}`).join("; ")}`);
    }
    validated.add(settings);
    return settings;
}

type AnalyzedResource = { type: string; urn: string; name: string; props: unknown; provider?: { props: unknown } };

type Described = Omit<ResourceContext<never>, "config">;

/**
 * Per props object handed over: the offline engine hands the rules made here the same props of a resource
 * (see sharesView), and copying them for each rule was a fifth of the pack's time (the CLI hands each rule
 * its own). The copy is frozen, so a rule cannot change what the next one reads, offline or under the CLI.
 */
const describedOf = new WeakMap<object, Described>();

const SHARES_VIEW = Symbol("reads the resource only through a frozen copy");

/**
 * Whether a validation was made here: it reads its resource only through describe()'s frozen copy (and the
 * stack's resources only to relate them), so the offline engine may hand every such validation one view.
 */
export const sharesView = (validation: unknown): boolean => typeof validation === "function" && SHARES_VIEW in validation;

const sharingView = <F extends object>(validation: F): F => Object.assign(validation, { [SHARES_VIEW]: true });

/** Plain props, provider props, account and stack of a resource handed over by the analyzer. */
function describe(resource: AnalyzedResource): Described {
    const key = typeof resource.props === "object" && resource.props !== null ? resource.props : undefined;
    const known = key && describedOf.get(key);
    if (known && known.urn === resource.urn && known.type === resource.type) return known;
    const described = describeAfresh(resource);
    if (key) describedOf.set(key, described);
    return described;
}

function describeAfresh(resource: AnalyzedResource): Described {
    const props = asRecord(plain(resource.props)) ?? {};
    const providerProps = resource.provider ? asRecord(plain(resource.provider.props)) : undefined;
    return Object.freeze({
        type: resource.type,
        urn: resource.urn,
        name: resource.name,
        props: deepFreeze(props),
        providerProps: providerProps && deepFreeze(providerProps),
        ownAccounts: Object.freeze(ownAccounts(providerProps, props)) as string[],
        stack: stackOfUrn(resource.urn),
    });
}

function appliesTo(args: ResourceValidationArgs, classes: ResourceClass[]): void {
    if (!classes.some((cls) => args.isType(cls))) {
        args.notApplicable(`Policy only applies to resources of type ${tokens(classes)}`);
    }
}

/** Checks of the policies permission sets attach, which need the stack (see lib/permission-sets.ts). */
type PermissionSetCheck<C> = (policy: PermissionSetPolicy, context: ResourceContext<C>) => Findings;

function resolvedContext<C extends object>(spec: RuleSpec<C>, resource: AnalyzedResource, getConfig: () => object): ResourceContext<C> {
    const described = describe(resource);
    const config = spec.config
        ? resolveConfig(spec.config.defaults, getConfig(), { accounts: described.ownAccounts, stack: described.stack })
        : ({} as C);
    return { ...described, config };
}

/**
 * The stack pass of a rule that also runs on permission sets: the analyzer hands stack rules every resource,
 * so the set's name and the customer managed policies its attachments reference can be found.
 */
function permissionSetPass<C extends object>(spec: RuleSpec<C>, check: PermissionSetCheck<C>) {
    return async (args: StackValidationArgs, reportViolation: ReportViolation) => {
        const entries = args.resources.filter((resource) => PERMISSION_SET_PASS_TYPES.has(resource.type)).map(stackEntry);
        for (const policy of permissionSetPolicies(entries)) {
            const context = resolvedContext(spec, policy.entry.resource, () => checkedConfig(policyBase(spec), args.getConfig()));
            for (const message of await check(policy, context)) reportViolation(message, policy.entry.urn);
        }
    };
}

/** A rule over the properties of one resource type (or a few), and optionally over the policies of permission sets. */
export function resourceRule<C extends object = Record<string, never>>(
    spec: RuleSpec<C> & {
        appliesTo: ResourceClass[];
        check: (context: ResourceContext<C>) => Findings;
        permissionSets?: PermissionSetCheck<C>;
    },
): ResourceValidationPolicy {
    const base = policyBase(spec);
    const validateResource = sharingView(async (args: ResourceValidationArgs, reportViolation: ReportViolation) => {
        appliesTo(args, spec.appliesTo);
        for (const message of await spec.check(resolvedContext(spec, args, () => checkedConfig(base, args.getConfig()))))
            reportViolation(message);
    });
    // Like validateResourceOfType: lets the analyzer skip other resource types without calling the rule.
    if (spec.appliesTo.length === 1) Object.assign(validateResource, { __pulumiType: spec.appliesTo[0].__pulumiType });
    // The same for a rule over several types, for the offline engine only (the analyzer knows one type).
    else Object.assign(validateResource, { __pulumiTypes: spec.appliesTo.map((cls) => cls.__pulumiType) });
    // A policy with both validateResource and validateStack runs in both of the analyzer's passes.
    const stackPass = spec.permissionSets ? { validateStack: sharingView(permissionSetPass(spec, spec.permissionSets)) } : {};
    return { ...base, validateResource, ...stackPass };
}

/** A rule over the IAM documents of the given roles (trust, identity, bucket) a resource carries. */
export function documentRule<C extends object = Record<string, never>>(
    spec: RuleSpec<C> & {
        documents: DocumentRole[];
        check: (document: ReadableDocument, context: ResourceContext<C>) => Findings;
    },
): ResourceValidationPolicy {
    const classes = [...new Set(spec.documents.flatMap((role) => DOCUMENT_CLASSES[role]))];
    const applies = (located: LocatedDocument | undefined): located is ReadableDocument =>
        !!located && spec.documents.includes(located.role) && isReadable(located);
    return resourceRule<C>({
        ...spec,
        appliesTo: classes,
        // Permission sets carry identity policies: the same checks, with the set named.
        ...(spec.documents.includes("identity")
            ? {
                  permissionSets: (policy: PermissionSetPolicy, context: ResourceContext<C>) =>
                      applies(policy.document) ? spec.check(policy.document, context) : [],
              }
            : {}),
        check: async (context) => {
            const findings: string[] = [];
            for (const located of documentsOf(context.type, context.props)) {
                // A document not known until apply is reported once, by iam-policy-document-valid.
                if (applies(located)) findings.push(...(await spec.check(located, context)));
            }
            return findings;
        },
    });
}

/** A resource of the stack with its plain props, for rules that relate resources. */
export interface StackEntry {
    resource: PolicyResource;
    type: string;
    urn: string;
    props: ValueRecord;
    ownAccounts: string[];
}

export interface StackFinding {
    message: string;
    urn?: string;
}

function stackEntry(resource: PolicyResource): StackEntry {
    const { type, urn, props, ownAccounts: accounts } = describe(resource);
    return { resource, type, urn, props, ownAccounts: accounts };
}

/** A rule over the whole stack: relations between resources, or something every stack must have. */
export function stackRule(spec: {
    name: string;
    description: string;
    enforcementLevel?: EnforcementLevel;
    check: (entries: StackEntry[]) => StackFinding[] | Promise<StackFinding[]>;
}): StackValidationPolicy {
    const base = policyBase(spec);
    return {
        ...base,
        validateStack: sharingView(async (args: StackValidationArgs, reportViolation: ReportViolation) => {
            checkedConfig(base, args.getConfig());
            const entries = args.resources.map(stackEntry);
            for (const finding of await spec.check(entries)) reportViolation(finding.message, finding.urn);
        }),
    };
}
