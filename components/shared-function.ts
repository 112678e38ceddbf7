// A Lambda function that principals of other accounts may invoke: its log group (created first, so it
// has a retention), a least-privilege execution role that may only write to that group, and the function.
// Who may invoke it is a LambdaInvokeGrant in each caller's stack: Lambda checks that a role principal
// exists when its permission is added, and the callers' roles are created after this function's stack.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { DEFAULT_LAMBDA_RUNTIME, DEFAULT_PARTITION, LAMBDA_LIMITS, assertAccountId, assertLogRetention, logGroupArn } from "../aws";
import { CrossAccountRole } from "./cross-account-role";

export interface SharedFunctionArgs {
    functionName: string;
    /** The function's account and region: its log group's ARN is computed from them. */
    accountId: string;
    region: string;
    description?: string;
    /** Source of index.js (exports.handler); defaults to a placeholder that acknowledges the event. */
    handlerSource?: string;
    /** Defaults to DEFAULT_LAMBDA_RUNTIME (nodejs24.x). */
    runtime?: string;
    memorySizeMb?: number;
    timeoutSeconds?: number;
    /** Defaults to 90 days. */
    logRetentionInDays?: number;
    /** Defaults to <functionName>-execution. */
    executionRoleName?: string;
    /** The code is deployed another way: the placeholder is only the first version, and later code changes are ignored. */
    codeDeployedElsewhere?: boolean;
    tags?: Record<string, string>;
    partition?: string;
}

export const DEFAULT_HANDLER_SOURCE = [
    "// Placeholder: the callers' stacks manage who may invoke this function; deploy the real code separately.",
    "exports.handler = async (event) => ({ ok: true, received: event });",
    "",
].join("\n");
const DEFAULT_FUNCTION_LOG_RETENTION_DAYS = 90;
/** What a deployment of the function's code outside Pulumi changes: the archive and its hash (aws.lambda.Function). */
export const EXTERNAL_CODE_PROPERTIES = ["code", "sourceCodeHash"] as const;
const LAMBDA_SERVICE = "lambda.amazonaws.com";

export class SharedFunction extends pulumi.ComponentResource {
    readonly function: aws.lambda.Function;
    readonly arn: pulumi.Output<string>;
    readonly functionName: pulumi.Output<string>;
    readonly logGroup: aws.cloudwatch.LogGroup;
    readonly executionRole: CrossAccountRole;

    constructor(name: string, args: SharedFunctionArgs, opts?: pulumi.ComponentResourceOptions) {
        validateFunctionArgs(args);
        super("crossaccount:index:SharedFunction", name, {}, opts);
        const partition = args.partition ?? DEFAULT_PARTITION;
        const logGroupName = functionLogGroupName(args.functionName);

        // Lambda would create the group on first use, without a retention; creating it here keeps that in code.
        this.logGroup = new aws.cloudwatch.LogGroup(
            `${name}-logs`,
            { name: logGroupName, retentionInDays: args.logRetentionInDays ?? DEFAULT_FUNCTION_LOG_RETENTION_DAYS, tags: args.tags },
            { parent: this },
        );
        this.executionRole = new CrossAccountRole(
            `${name}-execution`,
            {
                roleName: args.executionRoleName ?? executionRoleName(args.functionName),
                description: `Execution role of function ${args.functionName}: writes its own logs, nothing else.`,
                partition,
                tags: args.tags,
                trust: { trustedServices: [LAMBDA_SERVICE] },
                permissions: [
                    {
                        sid: "WriteOwnLogs",
                        actions: ["logs:CreateLogStream", "logs:PutLogEvents"],
                        resources: [`${logGroupArn(args.region, args.accountId, logGroupName, partition)}:*`],
                    },
                ],
            },
            { parent: this },
        );
        this.function = new aws.lambda.Function(
            name,
            {
                name: args.functionName,
                description: args.description,
                role: this.executionRole.arn,
                runtime: args.runtime ?? DEFAULT_LAMBDA_RUNTIME,
                handler: "index.handler",
                code: new pulumi.asset.AssetArchive({
                    "index.js": new pulumi.asset.StringAsset(args.handlerSource ?? DEFAULT_HANDLER_SOURCE),
                }),
                memorySize: args.memorySizeMb,
                timeout: args.timeoutSeconds,
                tags: args.tags,
            },
            {
                parent: this,
                // The first invocation must find its log group and a role allowed to write to it.
                dependsOn: [this.logGroup, this.executionRole],
                // Code deployed another way changes the archive's hash in AWS: without this, the next update would put the placeholder back.
                ...(args.codeDeployedElsewhere && { ignoreChanges: [...EXTERNAL_CODE_PROPERTIES] }),
            },
        );
        this.arn = this.function.arn;
        this.functionName = this.function.name;

        this.registerOutputs({ arn: this.arn, functionName: this.functionName });
    }
}

export function executionRoleName(functionName: string): string {
    return `${functionName}-execution`;
}

/** Where Lambda writes a function's logs by default. */
export function functionLogGroupName(functionName: string): string {
    return `/aws/lambda/${functionName}`;
}

const FUNCTION_NAME = /^[A-Za-z0-9_-]{1,64}$/;

function validateFunctionArgs(args: SharedFunctionArgs): void {
    if (!FUNCTION_NAME.test(args.functionName)) {
        throw new Error(`Invalid function name "${args.functionName}": 1-64 letters, digits, '-' or '_'`);
    }
    assertAccountId(args.accountId, `account ID of function ${args.functionName}`);
    if (args.logRetentionInDays !== undefined) {
        assertLogRetention(args.logRetentionInDays, `the log group of function ${args.functionName}`);
    }
    if (
        args.memorySizeMb !== undefined &&
        (!Number.isInteger(args.memorySizeMb) ||
            args.memorySizeMb < LAMBDA_LIMITS.minMemoryMb ||
            args.memorySizeMb > LAMBDA_LIMITS.maxMemoryMb)
    ) {
        throw new Error(`Invalid memorySizeMb ${args.memorySizeMb} for function ${args.functionName}: 128-10240`);
    }
    if (
        args.timeoutSeconds !== undefined &&
        (!Number.isInteger(args.timeoutSeconds) || args.timeoutSeconds < 1 || args.timeoutSeconds > LAMBDA_LIMITS.maxTimeoutSeconds)
    ) {
        throw new Error(`Invalid timeoutSeconds ${args.timeoutSeconds} for function ${args.functionName}: 1-900`);
    }
}
