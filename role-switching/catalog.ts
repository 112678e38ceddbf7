// What role switching knows about an organization: every IAM role of the offline plan (the roles the
// program would create, with the ARN, account, region and maximum session duration it gives them) and the
// access analysis over the same resources, which alone decides who may assume what.
import { AccessModel, evaluateExpectation, type AccessContext, type AccessResult, type PlannedResource } from "../analysis/access";
import { STS_LIMITS } from "../aws";
import { parseRoleRef, type Organization } from "../config";
import { accessInputs, loadProject, planOrganization } from "../plan/plan";
import { badInput } from "./errors";

export interface SwitchableRole {
    /** `<env>/role/<Name>`, the reference the stack files use. */
    ref: string;
    env: string;
    name: string;
    arn: string;
    accountId: string;
    region: string;
    maxSessionSeconds: number;
    /** `<env>-<Name>`: the profile `npm run profiles` writes for it. */
    profileName: string;
    /** The configured sts:ExternalId. A secret: only given to the analysis, never written or printed. */
    externalId?: string;
    /** The trust's sts:RoleSessionName pattern, from the stack file. */
    sessionNamePattern?: string;
}

export class RoleCatalog {
    readonly model: AccessModel;
    readonly roles: SwitchableRole[];
    private readonly byArn: Map<string, SwitchableRole>;

    constructor(
        readonly organization: Organization,
        readonly resources: PlannedResource[],
        /** aws:CurrentTime of every evaluation (trusts may have notBefore / notAfter). */
        readonly now: Date = new Date(),
    ) {
        this.model = new AccessModel(resources);
        this.roles = resources
            .filter((r) => r.type === "aws:iam/role:Role" && typeof r.outputs.arn === "string")
            .map((r) => this.describeRole(r))
            .sort((a, b) => (a.profileName < b.profileName ? -1 : a.profileName > b.profileName ? 1 : 0));
        this.byArn = new Map(this.roles.map((role) => [role.arn, role]));
    }

    get partition(): string {
        return this.organization.partition;
    }

    environment(name: string) {
        return this.organization.environments[name];
    }

    /**
     * A role by `<env>/<Name>`, `<env>/role/<Name>`, its profile name `<env>-<Name>` or its ARN;
     * exit 2 naming `what` (the argument) when the plan has no such role.
     */
    role(reference: string, what: string): SwitchableRole {
        // `<env>/<Name>` is the short form of `<env>/role/<Name>`.
        const ref = parseRoleRef(reference) ?? parseRoleRef(reference.replace(/^([^/]+)\/([^/]+)$/, "$1/role/$2"));
        const found = reference.startsWith("arn:")
            ? this.byArn.get(reference)
            : ref
              ? this.roles.find((r) => r.env === ref.env && r.name === ref.name)
              : this.roles.find((r) => r.profileName === reference);
        if (found) return found;
        const env = ref?.env;
        if (env && !this.environment(env)) {
            throw badInput(
                `${what} ${reference}: no environment '${env}' (known: ${Object.keys(this.organization.environments).sort().join(", ")})`,
            );
        }
        throw badInput(`${what} ${reference}: no such role in the plan (expected <env>/<RoleName>, <env>/role/<RoleName> or a role ARN)`);
    }

    roleByArn(arn: string): SwitchableRole | undefined {
        return this.byArn.get(arn);
    }

    /** Whether the plan creates (or attaches policies to) this IAM identity. */
    hasIdentity(kind: "group" | "user" | "role", arn: string, name: string, accountId: string): boolean {
        const type = { group: "aws:iam/group:Group", user: "aws:iam/user:User", role: "aws:iam/role:Role" }[kind];
        return this.resources.some(
            (r) => (r.type === type && r.outputs.arn === arn) || (r.accountId === accountId && kind !== "role" && r.inputs[kind] === name),
        );
    }

    /** The analysis' verdict on `principal` (an ARN) calling sts:AssumeRole on `role` in `context`. */
    async evaluate(principal: string, role: SwitchableRole, context: AccessContext): Promise<AccessResult> {
        return evaluateExpectation(
            this.model,
            { id: `assume ${role.ref}`, principal, action: "sts:AssumeRole", resource: role.arn, context, expect: "allow" },
            this.now,
        );
    }

    private describeRole(r: PlannedResource): SwitchableRole {
        const env = this.environmentOf(r);
        const name = String(r.outputs.name ?? r.inputs.name ?? r.name);
        const configured = env ? this.organization.environments[env].settings.roles.find((role) => role.name === name) : undefined;
        const max = Number(r.inputs.maxSessionDuration ?? STS_LIMITS.defaultMaxSessionSeconds);
        const envName = env ?? r.accountId;
        return {
            ref: `${envName}/role/${name}`,
            env: envName,
            name,
            arn: String(r.outputs.arn),
            accountId: r.accountId,
            region: r.region,
            maxSessionSeconds: Number.isFinite(max) ? max : STS_LIMITS.defaultMaxSessionSeconds,
            profileName: `${envName}-${name}`,
            externalId: configured?.trust.externalId,
            sessionNamePattern: configured?.trust.sessionNamePattern,
        };
    }

    /** The environment whose account holds the resource (its own stack's when several share the account). */
    private environmentOf(r: PlannedResource): string | undefined {
        const candidates = Object.values(this.organization.environments).filter((e) => e.accountId === r.accountId);
        return (candidates.find((e) => e.stack === r.stack) ?? candidates[0])?.name;
    }
}

export interface LoadCatalogOptions {
    /** Nothing else runs a Pulumi program in this process (the commands): see PlanOptions.exclusiveRuntime. */
    exclusiveRuntime?: boolean;
    now?: Date;
}

/** Plans the project offline (every stack, under mocks) and indexes its roles for role switching. */
export async function loadCatalog(projectDir: string, options: LoadCatalogOptions = {}): Promise<RoleCatalog> {
    const project = loadProject(projectDir);
    const plan = await planOrganization({ projectDir, project, exclusiveRuntime: options.exclusiveRuntime });
    const { organization } = project;
    return new RoleCatalog(organization, accessInputs(organization, plan.stacks), options.now);
}
