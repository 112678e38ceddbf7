// Rules for Lambda functions themselves (their permissions are in resource-policies.ts): the runtime,
// against AWS's published deprecation dates (lib/lambda-runtimes.ts, the one table, with its source).
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { LAMBDA_RUNTIMES_SOURCE, RUNTIME_NOTICE_DAYS, runtimeStatus, usableRuntimes } from "./lib/lambda-runtimes";
import { aws } from "./lib/resource-types";
import { resourceRule } from "./lib/rule-kit";
import { asString } from "./lib/values";

interface RuntimeClockConfig {
    /** The day the dates are compared with (YYYY-MM-DD); empty means the day the pack runs. */
    asOf: string;
}

const runtimeClockConfig = {
    defaults: { asOf: "" } as RuntimeClockConfig,
    schema: {
        asOf: {
            type: "string" as const,
            description: "Compare the runtime dates with this day (YYYY-MM-DD) instead of today, for a reproducible preview.",
        },
    },
};

function clock(config: RuntimeClockConfig): Date {
    const day = /^\d{4}-\d{2}-\d{2}$/.test(config.asOf) ? Date.parse(`${config.asOf}T00:00:00Z`) : NaN;
    return Number.isNaN(day) ? new Date() : new Date(day);
}

const fix = (now: Date) =>
    `Fix: move the function to a supported runtime (${usableRuntimes(now)
        .filter((id) => id.startsWith("nodejs") || id.startsWith("python"))
        .join(", ")} ...).`;

/** A rule on a function's runtime (when known: unknown in preview, unset for container images) on the configured day. */
function runtimeRule(spec: { name: string; description: string; advisory?: boolean; check: (runtime: string, now: Date) => string[] }) {
    return resourceRule<RuntimeClockConfig>({
        name: spec.name,
        description: spec.description,
        ...(spec.advisory && { enforcementLevel: "advisory" as const }),
        appliesTo: [aws.lambda.Function],
        config: runtimeClockConfig,
        check: ({ props, config }) => {
            const runtime = asString(props.runtime);
            return runtime === undefined ? [] : spec.check(runtime, clock(config));
        },
    });
}

export const lambdaRuntimeBlocked = runtimeRule({
    name: "lambda-runtime-blocked",
    description:
        "A function's runtime is one AWS still lets you create functions on: creating (and later updating) a function on a " +
        `deprecated runtime fails once AWS blocks it (dates from ${LAMBDA_RUNTIMES_SOURCE}). Checkov CKV_AWS_363; ` +
        "tflint aws_lambda_function_deprecated_runtime; Security Hub Lambda.2.",
    check: (runtime, now) => {
        const update = runtimeStatus(runtime, now, "update");
        if (update.kind === "blocked") {
            return [
                `runtime "${runtime}" is past AWS's block on function updates (${update.date}): the function can be neither created nor changed. ${fix(now)}`,
            ];
        }
        const create = runtimeStatus(runtime, now, "create");
        if (create.kind === "blocked") {
            return [
                `runtime "${runtime}" is past AWS's block on function creation (${create.date}); updates are blocked from ${create.runtime.blockUpdate}. ${fix(now)}`,
            ];
        }
        return [];
    },
});

export const lambdaRuntimeDeprecationNotice = runtimeRule({
    name: "lambda-runtime-deprecation-notice",
    advisory: true,
    description:
        `Advisory: a function's runtime is not blocked by AWS within the next ${RUNTIME_NOTICE_DAYS} days, and is one the ` +
        "table of AWS runtimes knows (a new runtime: add it with its dates). Checkov CKV_AWS_363; tflint aws_lambda_function_deprecated_runtime.",
    check: (runtime, now) => {
        const status = runtimeStatus(runtime, now, "create");
        if (status.kind === "unknown") {
            return [
                `runtime "${runtime}" is not in the table of Lambda runtimes (${LAMBDA_RUNTIMES_SOURCE}); its deprecation dates cannot be checked. ` +
                    "Fix: use a runtime of the table, or add the new runtime with its dates to policy-pack/lib/lambda-runtimes.ts.",
            ];
        }
        if (status.kind !== "blocked-soon") return [];
        return [
            `runtime "${runtime}" is deprecated on ${status.runtime.deprecation}; AWS blocks creating functions on it from ${status.date} ` +
                `(in ${status.days} days) and updating them from ${status.runtime.blockUpdate}. ${fix(now)}`,
        ];
    },
});

export const lambdaPolicies: ResourceValidationPolicy[] = [lambdaRuntimeBlocked, lambdaRuntimeDeprecationNotice];
