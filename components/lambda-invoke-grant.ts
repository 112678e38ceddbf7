// Lets named principals of other accounts invoke a Lambda function. The function's side is one
// aws.lambda.Permission per principal (together they are the function's resource policy), created in
// the function's account. The callers also need an identity policy in their own accounts:
// lambdaInvokerStatement builds it there, and callerPolicy shows the same document here.
//
// Lambda permissions take no aws:PrincipalArn condition, so a role is named exactly, and Lambda checks
// that it exists when the permission is added (unlike the trust-the-root pattern of roles and buckets).
// SourceAccount/SourceArn only apply to service principals: on a direct call by a role the
// AWS:SourceAccount key is absent, so a role grant scoped that way would never match.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import {
    assertAccountId,
    hasWildcard,
    isServicePrincipal,
    parsePrincipalArn,
    serializePolicy,
    sortedUnique,
} from "./policy-document";
import { PermissionStatement, permissionPolicyDocument } from "./cross-account-role";

export const LAMBDA_INVOKE_ACTION = "lambda:InvokeFunction";

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
    /** The function's name; an Output of the function makes every permission wait for it. */
    functionName: pulumi.Input<string>;
    /** The function's ARN, computable from config; the callers' policy names it. */
    functionArn: string;
    /** Exact IAM role or user ARNs that may invoke (account roots and wildcards are refused). */
    principalArns?: string[];
    services?: LambdaServiceInvoker[];
    /** An alias or version: the grant then covers only <functionArn>:<qualifier>. */
    qualifier?: string;
}

export class LambdaInvokeGrant extends pulumi.ComponentResource {
    readonly permissions: aws.lambda.Permission[];
    /** The identity policy every principal in principalArns needs in its own account. */
    readonly callerPolicy?: pulumi.Output<string>;

    constructor(name: string, args: LambdaInvokeGrantArgs, opts?: pulumi.ComponentResourceOptions) {
        validateInvokeGrant(name, args);
        super("crossaccount:index:LambdaInvokeGrant", name, {}, opts);

        const principals = sortedUnique(args.principalArns ?? []).map((principal) => ({
            statementId: invokeStatementId(principal),
            principal,
        }));
        const services = (args.services ?? []).map((invoker) => ({
            statementId: invokeStatementId(invoker.service, invoker.sourceAccount),
            principal: invoker.service,
            sourceAccount: invoker.sourceAccount,
            sourceArn: invoker.sourceArn,
        }));
        this.permissions = [...principals, ...services].map(
            (permission) =>
                new aws.lambda.Permission(
                    `${name}-${permission.statementId}`,
                    {
                        action: LAMBDA_INVOKE_ACTION,
                        function: args.functionName,
                        qualifier: args.qualifier,
                        ...permission,
                    },
                    { parent: this },
                ),
        );

        if (principals.length > 0) {
            this.callerPolicy = serializePolicy(permissionPolicyDocument([lambdaInvokerStatement([invokedArn(args)])]));
        }
        this.registerOutputs({ callerPolicy: this.callerPolicy });
    }
}

/** The caller side: may invoke exactly these functions (qualified ARNs when the grant is on an alias). */
export function lambdaInvokerStatement(functionArns: string[]): PermissionStatement {
    return { sid: "InvokeSharedFunctions", actions: [LAMBDA_INVOKE_ACTION], resources: sortedUnique(functionArns) };
}

function invokedArn(args: LambdaInvokeGrantArgs): string {
    return args.qualifier === undefined ? args.functionArn : `${args.functionArn}:${args.qualifier}`;
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

const FUNCTION_ARN = /^arn:[a-z-]+:lambda:[a-z0-9-]+:(\d{12}):function:[A-Za-z0-9_-]{1,64}$/;
const QUALIFIER = /^(\$LATEST|[A-Za-z0-9_-]{1,128})$/;

function validateInvokeGrant(name: string, args: LambdaInvokeGrantArgs): void {
    if (!FUNCTION_ARN.test(args.functionArn)) {
        throw new Error(`Invalid function ARN "${args.functionArn}" in LambdaInvokeGrant ${name}: expected arn:<partition>:lambda:<region>:<account>:function:<name>`);
    }
    if (args.qualifier !== undefined && !QUALIFIER.test(args.qualifier)) {
        throw new Error(`Invalid qualifier "${args.qualifier}" in LambdaInvokeGrant ${name}: an alias or version`);
    }
    const principals = args.principalArns ?? [];
    const services = args.services ?? [];
    if (principals.length + services.length === 0) {
        throw new Error(`LambdaInvokeGrant ${name} names no principal or service that may invoke`);
    }
    for (const principal of principals) {
        if (principal === "*" || hasWildcard(principal)) {
            throw new Error(`Refusing to let "${principal}" invoke in LambdaInvokeGrant ${name}: name exact role or user ARNs`);
        }
        const { resource } = parsePrincipalArn(principal);
        if (!/^(role|user)\//.test(resource)) {
            throw new Error(
                `Refusing principal "${principal}" in LambdaInvokeGrant ${name}: name the role or user; `
                    + "an account would let every identity its own policies allow invoke the function",
            );
        }
    }
    for (const invoker of services) {
        if (!isServicePrincipal(invoker.service)) {
            throw new Error(`Invalid service principal "${invoker.service}" in LambdaInvokeGrant ${name}: expected <service>.amazonaws.com`);
        }
        // Without it, resources of any account that can target the function through the service could invoke it.
        assertAccountId(invoker.sourceAccount, `source account of ${invoker.service}`);
    }
    const ids = [
        ...principals.map((principal) => invokeStatementId(principal)),
        ...services.map((invoker) => invokeStatementId(invoker.service, invoker.sourceAccount)),
    ];
    const duplicate = ids.find((id, index) => ids.indexOf(id) !== index);
    if (duplicate !== undefined) {
        throw new Error(`LambdaInvokeGrant ${name} names the same invoker twice (statement ${duplicate})`);
    }
}
