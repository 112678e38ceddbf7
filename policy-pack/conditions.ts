// Condition values AWS cannot compare. A Date condition takes an ISO 8601 time or an integer epoch in
// seconds (IAM User Guide, "Date condition operators"); anything else never matches, so an Allow with it
// grants nothing and a Deny with it protects nothing, silently.
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { at } from "./lib/documents";
import { documentRule } from "./lib/rule-kit";

/** W3C's ISO 8601 profile, as AWS accepts it: a date, optionally a time with seconds, fraction and zone. */
const ISO_8601 = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?$/;
const EPOCH_SECONDS = /^\d+$/;

export function isDateConditionValue(value: string): boolean {
    if (EPOCH_SECONDS.test(value)) return true;
    return ISO_8601.test(value) && !Number.isNaN(Date.parse(value));
}

export const dateConditionValues = documentRule({
    name: "iam-date-condition-values",
    description:
        "Every value of a Date condition (DateLessThan, DateGreaterThan, ...) is an ISO 8601 time or an integer epoch in seconds; " +
        "any other value never matches. Parliament MISMATCHED_TYPE.",
    documents: ["trust", "identity", "bucket", "repository"],
    check: (located) =>
        located.document.statements.flatMap((statement) =>
            statement.conditions
                .filter((condition) => condition.baseOperator.startsWith("date"))
                // Policy variables (${aws:TokenIssueTime}) are resolved at request time.
                .flatMap((condition) =>
                    condition.values
                        .filter((value) => !value.includes("${") && !isDateConditionValue(value))
                        .map(
                            (value) =>
                                `${at(located, statement)}: ${condition.operator} ${condition.key} has the value "${value}", ` +
                                "which is neither an ISO 8601 time nor an integer epoch in seconds, so the condition never matches. " +
                                'Fix: write the time in ISO 8601, e.g. "2026-01-31T00:00:00Z".',
                        ),
                ),
        ),
});

export const conditionPolicies: ResourceValidationPolicy[] = [dateConditionValues];
