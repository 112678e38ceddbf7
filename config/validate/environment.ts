// Cross-checks of the environment-wide sections: the organization's account list, the audit trail and
// its alarms, the network and its peerings, and the access expectations.
import { IAM_LIMITS, bucketNameProblems, cidrContains, cidrsOverlap, parseIpv4Cidr } from "../../aws";
import { deliveryRoleName } from "../../components/audit-trail";
import { bucketName } from "../names";
import { parseTarget, refText } from "../refs";
import { ValidationContext } from "./helpers";

export function validateOrganizationAccounts({ settings, organization, ns, problem }: ValidationContext): void {
    // The organization's side once, not once per stack file (each lists every account).
    let expected = canonicalOf.get(organization);
    if (!expected) {
        expected = { accounts: JSON.stringify(sortKeys(organization.accounts)), vendors: JSON.stringify(sortKeys(organization.vendors)) };
        canonicalOf.set(organization, expected);
    }
    if (JSON.stringify(sortKeys(settings.organization.accounts)) !== expected.accounts) {
        problem(`${ns}:organization.accounts`, "differs from the other stack files; every stack must list the same accounts");
    }
    if (JSON.stringify(sortKeys(settings.organization.vendors)) !== expected.vendors) {
        problem(`${ns}:organization.vendors`, "differs from the other stack files; every stack must list the same vendors");
    }
}

const canonicalOf = new WeakMap<object, { accounts: string; vendors: string }>();

export function validateAlarms({ environment, settings, ns, problem, helpers }: ValidationContext): void {
    const seen = new Set<string>();
    settings.alarms?.subscriptions.forEach((subscription, i) => {
        const where = `${ns}:alarms.subscriptions[${i}].endpoint`;
        const key = `${subscription.protocol}:${subscription.endpoint}`;
        if (seen.has(key)) problem(where, `subscribes ${key} twice`);
        seen.add(key);
        const account = subscription.endpoint.split(":")[4];
        if (subscription.protocol === "lambda" && account !== environment.accountId) {
            problem(
                where,
                `function in account ${account}: SNS needs a permission in the function's account; subscribe a function of ${environment.accountId}`,
            );
        }
    });
    if (settings.alarms && !settings.audit) {
        problem(`${ns}:alarms`, `needs ${ns}:audit: the alarms read the trail's events, which the trail then delivers to CloudWatch Logs`);
    }
    if (settings.alarms && settings.audit) {
        // The delivery role is the audit trail component's: its name is derived from the trail's.
        const role = deliveryRoleName(settings.audit.trailName);
        if (role.length > IAM_LIMITS.roleName) {
            problem(
                `${ns}:audit.trailName`,
                `with ${ns}:alarms the trail's delivery role '${role}' is over ${IAM_LIMITS.roleName} characters; shorten the trail name`,
            );
        }
        if (helpers.definesRoleNamed(settings, role)) {
            problem(`${ns}:audit.trailName`, `the trail's delivery role '${role}' has the name of a role in ${ns}:roles`);
        }
    }
}

export function validateAudit({ settings, organization, ns, problem }: ValidationContext): void {
    if (!settings.audit) return;
    const where = `${ns}:audit.bucket`;
    const { env: ownerName, bucket: key } = settings.audit.bucket;
    const owner = organization.environments[ownerName];
    const ownerAuditBucket = owner?.settings.audit?.bucket;
    if (!owner) {
        problem(where, `environment '${ownerName}' is referenced but no stack file defines it`);
    } else if (!ownerAuditBucket || refText(ownerAuditBucket) !== `${ownerName}/bucket/${key}`) {
        problem(where, `the audit bucket's owner ${owner.fileName} must set ${ns}:audit.bucket to ${ownerName}/bucket/${key} itself`);
    } else {
        const name = bucketName(key, undefined, owner.accountId);
        const nameProblems = bucketNameProblems(name);
        if (nameProblems.length > 0) problem(where, `bucket name '${name}' ${nameProblems.join("; ")}`);
    }
}

export function validateNetwork({ environment, settings, organization, ns, problem }: ValidationContext): void {
    const network = settings.network;
    if (!network) return;
    network.peerings.forEach((peering, i) => {
        const where = `${ns}:network.peerings[${i}].peer`;
        const peer = organization.environments[peering.peer];
        if (peering.peer === environment.name) return problem(where, "an environment cannot peer with itself");
        if (!peer) return problem(where, `environment '${peering.peer}' is referenced but no stack file defines it`);
        if (!peer.settings.network) return problem(where, `environment '${peering.peer}' has no ${ns}:network in ${peer.fileName}`);
        if (cidrsOverlap(parseIpv4Cidr(network.cidr), parseIpv4Cidr(peer.settings.network.cidr))) {
            problem(
                `${ns}:network.cidr`,
                `${network.cidr} overlaps ${peer.settings.network.cidr} of '${peering.peer}' (${peer.fileName}); peered VPCs need disjoint CIDR blocks`,
            );
        }
    });
    network.subnets.forEach((subnet, i) => {
        if (!cidrContains(parseIpv4Cidr(network.cidr), parseIpv4Cidr(subnet))) {
            problem(`${ns}:network.subnets[${i}]`, `${subnet} is not inside the VPC block ${network.cidr}`);
        }
    });
}

export function validateAccessExpectations({ settings, ns, problem, helpers }: ValidationContext): void {
    settings.accessExpectations.forEach((expectation, i) => {
        const where = `${ns}:accessExpectations[${i}]`;
        for (const field of ["principal", "resource"] as const) {
            const value = expectation[field];
            const at = `${where}.${field}`;
            const target = parseTarget(value);
            if (!target) {
                problem(at, `must be an ARN or a reference such as prod/role/UpdateApp (got "${value}")`);
                continue;
            }
            if (target.kind !== "arn") helpers.checkReference(at, target);
        }
    });
}

function sortKeys(record: Record<string, string>): [string, string][] {
    return Object.entries(record).sort(([a], [b]) => a.localeCompare(b));
}
