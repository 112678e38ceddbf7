import { strict as assert } from "assert";
import {
    conditionValuesFor,
    coversAction,
    mayCoverResource,
    parseArn,
    parseOperator,
    parsePolicyDocument,
    principalAccount,
    principalOf,
    type Statement,
} from "../../policy-pack/lib/iam";
import { PRINCIPAL_ACCOUNTS } from "./fixtures";

function statements(document: object): Statement[] {
    const parsed = parsePolicyDocument(JSON.stringify(document));
    assert.equal(parsed.state, "parsed");
    return parsed.state === "parsed" ? parsed.statements : [];
}

describe("policy pack: the IAM document model", () => {
    it("says which account a principal is in, with one typed answer", () => {
        for (const [principal, account] of PRINCIPAL_ACCOUNTS) {
            assert.deepEqual(principalAccount(principal), account, principal);
        }
        assert.deepEqual(principalOf("Service", "cloudtrail.amazonaws.com"), { kind: "service", name: "cloudtrail.amazonaws.com" });
        assert.deepEqual(principalOf("Federated", "arn:aws:iam::333333333333:oidc-provider/token.actions.githubusercontent.com"), {
            kind: "federated",
            provider: "arn:aws:iam::333333333333:oidc-provider/token.actions.githubusercontent.com",
            account: "333333333333",
        });
        assert.deepEqual(principalOf("Federated", "cognito-identity.amazonaws.com"), {
            kind: "federated",
            provider: "cognito-identity.amazonaws.com",
        });
    });

    it("parses condition operators into set qualifier, base operator and IfExists", () => {
        assert.deepEqual(parseOperator("ForAllValues:StringEqualsIfExists"), {
            operator: "ForAllValues:StringEqualsIfExists",
            baseOperator: "stringequals",
            ifExists: true,
            setQualifier: "forallvalues",
        });
        assert.deepEqual(parseOperator("ArnLike"), {
            operator: "ArnLike",
            baseOperator: "arnlike",
            ifExists: false,
            setQualifier: undefined,
        });
    });

    it("keeps Principal and NotPrincipal apart and reads the values conditions name", () => {
        const [allow, deny] = statements({
            Statement: [
                {
                    Effect: "Allow",
                    Principal: { AWS: "arn:aws:iam::111111111111:root" },
                    Action: "sts:AssumeRole",
                    Condition: { ArnLike: { "aws:PrincipalArn": ["arn:aws:iam::111111111111:role/ci-*"] } },
                },
                {
                    Effect: "Deny",
                    NotPrincipal: { AWS: "arn:aws:iam::111111111111:root" },
                    NotAction: "s3:Get*",
                    Resource: "arn:aws:s3:::b/*",
                },
            ],
        });
        assert.deepEqual(allow.principal?.byType.AWS.values, ["arn:aws:iam::111111111111:root"]);
        assert.equal(allow.notPrincipal, undefined);
        assert.deepEqual(deny.notPrincipal?.byType.AWS.values, ["arn:aws:iam::111111111111:root"]);
        assert.equal(deny.principal, undefined);
        assert.deepEqual(conditionValuesFor(allow, "AWS:PrincipalArn", ["arnlike"]), ["arn:aws:iam::111111111111:role/ci-*"]);
        assert.equal(conditionValuesFor(allow, "aws:PrincipalAccount", ["stringequals"]), undefined);
        assert.deepEqual(
            [coversAction(allow, "STS:assumerole"), coversAction(deny, "s3:GetObject"), coversAction(deny, "s3:PutObject")],
            [true, false, true],
        );
        assert.deepEqual(
            [
                mayCoverResource(allow, "arn:aws:iam::1:role/x"),
                mayCoverResource(deny, "arn:aws:s3:::b/k"),
                mayCoverResource(deny, "arn:aws:s3:::other/k"),
            ],
            [true, true, false],
        );
    });

    it("parses ARNs, keeping colons in the resource", () => {
        assert.deepEqual(parseArn("arn:aws:lambda:eu-west-1:111111111111:function:f:live"), {
            partition: "aws",
            service: "lambda",
            region: "eu-west-1",
            account: "111111111111",
            resource: "function:f:live",
        });
        assert.equal(parseArn("111111111111"), undefined);
    });
});
