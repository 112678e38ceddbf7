// Lets roles of this account invoke a Lambda function of another account. Created in the callers'
// stack, which manages both sides like CrossAccountVpcPeering does: the function's side, one
// aws.lambda.Permission per caller (together they are the function's resource policy), in the
// function's account with `function.provider`; each caller role's identity policy here, with the
// provider this component was given (opts).
//
// Lambda permissions take no aws:PrincipalArn condition, so a role is named exactly, and Lambda checks
// that it exists when the permission is added (unlike the trust-the-root pattern of roles and buckets):
// each permission waits for its caller role, which the function's stack, deployed first, could not do.
// Existing is not enough: IAM is eventually consistent, and AddPermission right after CreateRole fails with
// "The provided principal was invalid" (hashicorp/terraform-provider-aws#41617: the provider does not
// retry). So each permission also waits for a @pulumiverse/time Sleep started when the role was created
// (a fixed, documented wait rather than a retry loop in a dynamic provider, which would have to carry AWS
// credentials for the function's account itself). A function policy names a role by its unique ID once
// stored: a role recreated under the same name is a different principal, and the old statement would
// name a role that no longer exists. The permission is therefore replaced whenever the role's unique ID
// changes (replacementTrigger), deleting first because the new one has the same statement ID.
// SourceAccount/SourceArn only apply to service principals: on a direct call by a role the
// AWS:SourceAccount key is absent, so a role grant scoped that way would never match.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import * as time from "@pulumiverse/time";
import { IAM_LIMITS, assertAccountId, hasWildcard, isServicePrincipal, parsePrincipalArn, serializePolicy, sortedUnique } from "../aws";
import { PermissionStatement, permissionPolicyDocument } from "./cross-account-role";

export const LAMBDA_INVOKE_ACTION = "lambda:InvokeFunction";

/** The function the grant is on, in another account (or this one). */
export interface InvokedFunction {
    /** The function's name as AddPermission takes it; an Output of the function makes every permission wait for it. */
    name: pulumi.Input<string>;
    /** The function's ARN, computable from config; the callers' policy names it. */
    arn: string;
    /** An alias or version: the grant then covers only <arn>:<qualifier>. */
    qualifier?: string;
    /** A provider for the function's account (its allowedAccountIds should be the account in arn). */
    provider: aws.Provider;
}

/** A role of this account that may invoke the function. */
export interface LambdaCaller {
    /** The role's exact ARN, computed from config: the principal of its permission (wildcards and account roots are refused). */
    roleArn: string;
    /** The role: its identity policy is attached to it, and its permission waits for it to exist. */
    role: aws.iam.Role;
}

/** An AWS service (an EventBridge rule, an SNS topic) that invokes the function for one account. */
export interface LambdaServiceInvoker {
    /** e.g. "events.amazonaws.com". */
    service: string;
    /** The account owning the invoking resource: StringEquals AWS:SourceAccount. */
    sourceAccount: string;
    /** The invoking resource: ArnLike AWS:SourceArn. */
    sourceArn?: string;
}

export interface LambdaInvokeGrantArgs {
    function: InvokedFunction;
    callers?: LambdaCaller[];
    services?: LambdaServiceInvoker[];
    /** How long a new (or recreated) caller role is given to propagate in IAM before its permission is added; defaults to IAM_PROPAGATION_WAIT. */
    propagationWait?: string;
}

/**
 * IAM is eventually consistent ("changes ... might not be immediately visible", IAM User Guide,
 * Troubleshooting IAM: changes I make are not always immediately visible); the AWS provider waits up to
 * two minutes where it retries on propagation. Role propagation is usually a matter of seconds: thirty
 * are spent once per role creation, never on updates.
 */
export const IAM_PROPAGATION_WAIT = "30s";

export class LambdaInvokeGrant extends pulumi.ComponentResource {
    /** In the function's account: one per caller, then one per service. */
    readonly permissions: aws.lambda.Permission[];
    /** One per caller: the wait for its role to propagate in IAM, restarted when the role is recreated. */
    readonly propagationWaits: time.Sleep[];
    /** In this account: one inline policy per caller role. */
    readonly callerPolicies: aws.iam.RolePolicy[];
    /** The identity policy each caller gets. */
    readonly callerPolicy?: pulumi.Output<string>;

    constructor(name: string, args: LambdaInvokeGrantArgs, opts?: pulumi.ComponentResourceOptions) {
        validateInvokeGrant(name, args);
        super("crossaccount:index:LambdaInvokeGrant", name, {}, opts);
        const fn = args.function;
        const callers = [...(args.callers ?? [])].sort((a, b) => a.roleArn.localeCompare(b.roleArn));

        // In the function's account; each caller's permission waits until its role has propagated (Lambda
        // resolves the principal when adding) and is replaced when the role is (a new unique ID).
        const permissions: { principal: string; sourceAccount?: string; sourceArn?: string; role?: aws.iam.Role }[] = [
            ...callers.map((caller) => ({ principal: caller.roleArn, role: caller.role })),
            ...(args.services ?? []).map((invoker) => ({
                principal: invoker.service,
                sourceAccount: invoker.sourceAccount,
                sourceArn: invoker.sourceArn,
            })),
        ];
        this.propagationWaits = [];
        this.permissions = permissions.map(({ role, ...permission }) => {
            const statementId = invokeStatementId(permission.principal, permission.sourceAccount);
            const propagated =
                role &&
                new time.Sleep(
                    `${name}-${statementId}-propagation`,
                    // A new unique ID (the role recreated) starts a new wait.
                    { createDuration: args.propagationWait ?? IAM_PROPAGATION_WAIT, triggers: { roleUniqueId: role.uniqueId } },
                    { parent: this, dependsOn: [role] },
                );
            if (propagated) this.propagationWaits.push(propagated);
            return new aws.lambda.Permission(
                `${name}-${statementId}`,
                { action: LAMBDA_INVOKE_ACTION, function: fn.name, qualifier: fn.qualifier, statementId, ...permission },
                {
                    parent: this,
                    provider: fn.provider,
                    dependsOn: propagated ? [propagated] : [],
                    ...(role && { replacementTrigger: role.uniqueId, deleteBeforeReplace: true }),
                },
            );
        });

        if (callers.length > 0) {
            this.callerPolicy = serializePolicy(permissionPolicyDocument([lambdaInvokerStatement([invokedArn(fn)])]));
        }
        // In this account, with the component's provider.
        const policyName = invokePolicyName(fn.arn, fn.qualifier);
        this.callerPolicies = callers.map(
            (caller) =>
                new aws.iam.RolePolicy(
                    `${name}-${roleNameOf(caller.roleArn)}`,
                    { name: policyName, role: caller.role.name, policy: this.callerPolicy! },
                    { parent: this },
                ),
        );
        this.registerOutputs({ callerPolicy: this.callerPolicy });
    }
}

/** The caller side: may invoke exactly these functions (qualified ARNs when the grant is on an alias). */
export function lambdaInvokerStatement(functionArns: string[]): PermissionStatement {
    return { sid: "InvokeSharedFunctions", actions: [LAMBDA_INVOKE_ACTION], resources: sortedUnique(functionArns) };
}

function invokedArn(fn: InvokedFunction): string {
    return fn.qualifier === undefined ? fn.arn : `${fn.arn}:${fn.qualifier}`;
}

/** Stable per principal: `invoke-111111111111-role-CiBuild`, `invoke-events-222222222222`. */
export function invokeStatementId(principal: string, sourceAccount?: string): string {
    const raw = isServicePrincipal(principal)
        ? `invoke-${principal.split(".")[0]}-${sourceAccount}`
        : (() => {
              const { accountId, resource } = parsePrincipalArn(principal);
              const [kind, ...rest] = resource.split("/");
              return `invoke-${accountId}-${kind}-${rest[rest.length - 1]}`;
          })();
    // AddPermission accepts [a-zA-Z0-9-_], at most 100 characters.
    return raw.replace(/[^A-Za-z0-9_-]/g, "_").slice(0, 100);
}

/**
 * The caller role's inline policy for one function: `invoke-999999999999-us-east-1-release-notifier`.
 * Account and region keep it unique when a role invokes same-named functions of several environments.
 */
export function invokePolicyName(functionArn: string, qualifier?: string): string {
    const [, , , region, accountId, , functionName] = functionArn.split(":");
    const raw = `invoke-${accountId}-${region}-${functionName}${qualifier === undefined ? "" : `-${qualifier}`}`;
    // Inline policy names accept [\w+=,.@-], at most 128 characters.
    return raw.replace(/[^\w+=,.@-]/g, "_").slice(0, IAM_LIMITS.name);
}

function roleNameOf(roleArn: string): string {
    return roleArn.split("/").pop()!;
}

const FUNCTION_ARN = /^arn:[a-z-]+:lambda:[a-z0-9-]+:(\d{12}):function:[A-Za-z0-9_-]{1,64}$/;
const QUALIFIER = /^(\$LATEST|[A-Za-z0-9_-]{1,128})$/;

function validateInvokeGrant(name: string, args: LambdaInvokeGrantArgs): void {
    const fn = args.function;
    if (!FUNCTION_ARN.test(fn.arn)) {
        throw new Error(
            `Invalid function ARN "${fn.arn}" in LambdaInvokeGrant ${name}: expected arn:<partition>:lambda:<region>:<account>:function:<name>`,
        );
    }
    if (fn.qualifier !== undefined && !QUALIFIER.test(fn.qualifier)) {
        throw new Error(`Invalid qualifier "${fn.qualifier}" in LambdaInvokeGrant ${name}: an alias or version`);
    }
    if (!fn.provider) {
        // Without it the permissions would be created in this (the callers') account, where the function is not.
        throw new Error(`LambdaInvokeGrant ${name} needs a provider for the function's account (function.provider)`);
    }
    if (args.propagationWait !== undefined && !/^\d+(s|m|h)$/.test(args.propagationWait)) {
        throw new Error(`Invalid propagationWait "${args.propagationWait}" in LambdaInvokeGrant ${name}: a duration such as 30s`);
    }
    const callers = args.callers ?? [];
    const services = args.services ?? [];
    if (callers.length + services.length === 0) {
        throw new Error(`LambdaInvokeGrant ${name} names no caller or service that may invoke`);
    }
    for (const { roleArn } of callers) {
        if (roleArn === "*" || hasWildcard(roleArn)) {
            throw new Error(`Refusing to let "${roleArn}" invoke in LambdaInvokeGrant ${name}: name exact role ARNs`);
        }
        const { resource } = parsePrincipalArn(roleArn);
        if (!resource.startsWith("role/")) {
            throw new Error(
                `Refusing principal "${roleArn}" in LambdaInvokeGrant ${name}: name the caller role; ` +
                    "an account would let every identity its own policies allow invoke the function",
            );
        }
    }
    for (const invoker of services) {
        if (!isServicePrincipal(invoker.service)) {
            throw new Error(
                `Invalid service principal "${invoker.service}" in LambdaInvokeGrant ${name}: expected <service>.amazonaws.com`,
            );
        }
        // Without it, resources of any account that can target the function through the service could invoke it.
        assertAccountId(invoker.sourceAccount, `source account of ${invoker.service}`);
    }
    const ids = [
        ...callers.map((caller) => invokeStatementId(caller.roleArn)),
        ...services.map((invoker) => invokeStatementId(invoker.service, invoker.sourceAccount)),
    ];
    const duplicate = ids.find((id, index) => ids.indexOf(id) !== index);
    if (duplicate !== undefined) {
        throw new Error(`LambdaInvokeGrant ${name} names the same invoker twice (statement ${duplicate})`);
    }
}
