import * as assert from "assert";
import { isDateConditionValue } from "../../policy-pack/conditions";
import { expectClean, expectRows, reported, rowsFor } from "./expect";
import { userPolicy } from "./fixtures";

const IMAGES = "arn:aws:s3:::images-dev/*";

describe("condition value rules", () => {
    describe("iam-date-condition-values", () => {
        it("reports a Date condition value that is neither ISO 8601 nor an integer epoch (exact text)", async () => {
            await expectRows(
                userPolicy({
                    Sid: "Window",
                    Effect: "Allow",
                    Action: "s3:GetObject",
                    Resource: IMAGES,
                    Condition: { DateLessThan: { "aws:CurrentTime": "31/01/2026" } },
                }),
                reported("iam-date-condition-values", "alice-assume", [
                    'policy statement 1 ("Window"): DateLessThan aws:CurrentTime has the value "31/01/2026", which is neither an ISO 8601 time ' +
                        'nor an integer epoch in seconds, so the condition never matches. Fix: write the time in ISO 8601, e.g. "2026-01-31T00:00:00Z".',
                ]),
            );
        });

        it("reports each bad value of qualified and IfExists operators, in Deny statements too", async () => {
            const result = await rowsFor(
                userPolicy(
                    { Effect: "Allow", Action: "s3:GetObject", Resource: IMAGES },
                    {
                        Effect: "Deny",
                        Action: "s3:GetObject",
                        Resource: IMAGES,
                        Condition: { DateGreaterThanIfExists: { "aws:EpochTime": ["1.5e9", "2026-13-45"] } },
                    },
                ),
            );
            assert.deepStrictEqual(
                result.map((row) => [row[0], row[3].split(", which")[0]]),
                [
                    ["iam-date-condition-values", 'policy statement 2: DateGreaterThanIfExists aws:EpochTime has the value "1.5e9"'],
                    ["iam-date-condition-values", 'policy statement 2: DateGreaterThanIfExists aws:EpochTime has the value "2026-13-45"'],
                ],
            );
        });

        it("accepts ISO 8601 times, integer epochs, policy variables and non-date operators", async () => {
            await expectClean(
                userPolicy({
                    Effect: "Allow",
                    Action: "s3:GetObject",
                    Resource: IMAGES,
                    Condition: {
                        DateLessThan: { "aws:CurrentTime": ["2026-01-31T00:00:00Z", "2026-01-31", "2026-01-31T00:00:00.000+01:00"] },
                        DateGreaterThan: { "aws:EpochTime": "1700000000", "aws:TokenIssueTime": "${aws:CurrentTime}" },
                        StringEquals: { "aws:username": "31/01/2026" },
                    },
                }),
            );
            assert.deepStrictEqual(["2026-01-31T00:00Z", "1700000000", "2026-1-5", "tomorrow", ""].map(isDateConditionValue), [
                true,
                true,
                false,
                false,
                false,
            ]);
        });
    });
});
