// What the first real deployment needs from the stack files: a Lambda runtime AWS still accepts,
// alarm topics with subscribers, the AWS Config recorder said for, and code deployed elsewhere left alone.
import { strict as assert } from "assert";
import { ConfigEdit, configProblems, loadStackFiles, referenceProject } from "../support/project";

const day = (iso: string) => new Date(`${iso}T00:00:00Z`);
const notifier = (c: Parameters<ConfigEdit>[0]) => c["crossaccount:functions"][0];

describe("stack configuration for the first deployment", () => {
    it("defaults a function to nodejs24.x, keeps the reference organization's subscribers and recorder, and reads codeDeployedElsewhere", () => {
        const organization = loadStackFiles(referenceProject({ prod: (c) => delete notifier(c).codeDeployedElsewhere }));
        const prod = organization.environments.prod.settings;
        assert.equal(prod.functions[0].runtime, "nodejs24.x");
        assert.equal(prod.functions[0].codeDeployedElsewhere, false);
        assert.deepEqual(prod.managedPolicyRule?.recorder, { name: "default", create: false });
        for (const env of ["dev", "test", "prod"]) {
            assert.deepEqual(
                organization.environments[env].settings.alarms?.subscriptions,
                [{ protocol: "email", endpoint: "security-alerts@example.com" }],
                env,
            );
        }
        assert.equal(loadStackFiles(referenceProject()).environments.prod.settings.functions[0].codeDeployedElsewhere, true);
    });

    it("refuses a runtime whose creation AWS has blocked, or blocks within 90 days of the run, naming the dates' source", () => {
        const usable =
            "nodejs24.x, nodejs22.x, python3.14, python3.13, python3.12, python3.11, java25, java21, dotnet10, ruby3.4, ruby3.3, provided.al2023";
        assert.deepEqual(configProblems({ prod: (c) => (notifier(c).runtime = "nodejs20.x") }, day("2026-12-03")), [
            "Pulumi.prod.yaml: crossaccount:functions[0].runtime: AWS blocks creating functions on 'nodejs20.x' since 2026-06-01 " +
                `(AWS Lambda Developer Guide, "Lambda runtimes" (supported and deprecated runtimes tables)); use one of ${usable}`,
        ]);
        // dotnet8's creation block (2026-12-10) is within 90 days of 2026-10-01; nodejs22.x's (2027-06-01) is not.
        assert.match(
            configProblems({ prod: (c) => (notifier(c).runtime = "dotnet8") }, day("2026-10-01"))[0],
            /^Pulumi\.prod\.yaml: crossaccount:functions\[0\]\.runtime: AWS blocks creating functions on 'dotnet8' from 2026-12-10, within 90 days /,
        );
        assert.doesNotThrow(() =>
            loadStackFiles(referenceProject({ prod: (c) => (notifier(c).runtime = "nodejs22.x") }), day("2026-12-03")),
        );
        assert.deepEqual(configProblems({ prod: (c) => (notifier(c).runtime = "nodejs22.x") }, day("2027-03-15")).length, 1);
        assert.deepEqual(configProblems({ prod: (c) => (notifier(c).runtime = "node24") }), [
            'Pulumi.prod.yaml: crossaccount:functions[0].runtime: must be a Lambda runtime AWS publishes, such as nodejs24.x (got "node24")',
        ]);
    });

    it("refuses alarms nobody receives, malformed endpoints and a function of another account", () => {
        const problems = configProblems({
            dev: (c) => (c["crossaccount:alarms"].subscriptions = []),
            test: (c) =>
                (c["crossaccount:alarms"].subscriptions = [
                    { protocol: "email", endpoint: "not-an-address" },
                    { protocol: "https", endpoint: "http://hooks.example.com/alarm" },
                ]),
            prod: (c) =>
                (c["crossaccount:alarms"].subscriptions = [
                    { protocol: "lambda", endpoint: "arn:aws:lambda:us-east-1:111111111111:function:pager" },
                    { protocol: "sqs", endpoint: "arn:aws:sqs:us-east-1:999999999999:alarms" },
                    { protocol: "sqs", endpoint: "arn:aws:sqs:us-east-1:999999999999:alarms" },
                ]),
        });
        assert.deepEqual(problems, [
            "Pulumi.dev.yaml: crossaccount:alarms.subscriptions: must name at least one subscriber (email, https, sqs or lambda): an alarm nobody receives is not an alarm",
            'Pulumi.test.yaml: crossaccount:alarms.subscriptions[0].endpoint: must be an email address (got "not-an-address")',
            'Pulumi.test.yaml: crossaccount:alarms.subscriptions[1].endpoint: must be an https:// URL (got "http://hooks.example.com/alarm")',
        ]);
        // The cross-checks run once every file parses.
        assert.deepEqual(
            configProblems({
                prod: (c) =>
                    (c["crossaccount:alarms"].subscriptions = [
                        { protocol: "lambda", endpoint: "arn:aws:lambda:us-east-1:111111111111:function:pager" },
                        { protocol: "sqs", endpoint: "arn:aws:sqs:us-east-1:999999999999:alarms" },
                        { protocol: "sqs", endpoint: "arn:aws:sqs:us-east-1:999999999999:alarms" },
                    ]),
            }),
            [
                "Pulumi.prod.yaml: crossaccount:alarms.subscriptions[0].endpoint: function in account 111111111111: SNS needs a permission in the function's account; subscribe a function of 999999999999",
                "Pulumi.prod.yaml: crossaccount:alarms.subscriptions[2].endpoint: subscribes sqs:arn:aws:sqs:us-east-1:999999999999:alarms twice",
            ],
        );
        assert.deepEqual(configProblems({ dev: (c) => delete c["crossaccount:alarms"].subscriptions }), [
            "Pulumi.dev.yaml: crossaccount:alarms.subscriptions: is required",
        ]);
    });

    it("refuses an unknown recorder setting", () => {
        assert.deepEqual(
            configProblems({ prod: (c) => (c["crossaccount:managedPolicyRule"].recorder = { name: "default", create: "yes" }) }),
            [
                'Pulumi.prod.yaml: crossaccount:managedPolicyRule.recorder.create: Invalid input: expected boolean, received string (got "yes")',
            ],
        );
    });
});
