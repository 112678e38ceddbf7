// Endpoint and organization conditions that keep a "*" principal to the organization's accounts or networks
// (policy-pack/lib/iam/scoping.ts), as the bucket and repository public-principal rules read them.
import * as assert from "assert";
import fc from "fast-check";
import { PUBLIC_SCOPING_KEYS, ScopingKey, isPublicGrantLimited, parsePolicyDocument } from "../../policy-pack/lib/iam";
import { notAllowed, reported, rowsFor } from "./expect";
import { ACCOUNTS, UNKNOWN_STRING, patched, policyJson, tlsDeny } from "./fixtures";

const OBJECTS = "arn:aws:s3:::images-dev/*";
const ORG = "o-a1b2c3d4e5";
const publicRead = (condition: Record<string, unknown>) => ({
    Sid: "OrgNetworkRead",
    Effect: "Allow",
    Principal: "*",
    Action: "s3:GetObject",
    Resource: OBJECTS,
    Condition: condition,
});
const bucketRows = (...statements: Record<string, unknown>[]) =>
    rowsFor(patched("images-dev-policy", { policy: policyJson(tlsDeny("images-dev"), ...statements) }));

const limited = (condition: Record<string, unknown>): boolean => {
    const parsed = parsePolicyDocument(policyJson(publicRead(condition)));
    assert.strictEqual(parsed.state, "parsed");
    return isPublicGrantLimited(parsed.statements[0]);
};

describe("endpoint and organization conditions on a public principal", () => {
    it("count each key of the table with a concrete value: VPC endpoints, their owners, the organization, the account", () => {
        const concrete: Record<string, unknown>[] = [
            { StringEquals: { "aws:SourceVpce": "vpce-0a1b2c3d4e5f60718" } },
            { StringEquals: { "aws:SourceVpc": "vpc-0fedcba987654321" } },
            { StringEquals: { "aws:VpceAccount": ACCOUNTS.prod } },
            { StringEquals: { "aws:VpceOrgID": ORG } },
            { "ForAnyValue:StringLike": { "aws:VpceOrgPaths": `${ORG}/r-ab12/ou-ab12-11111111/*` } },
            { StringEquals: { "aws:PrincipalOrgID": ORG } },
            { "ForAnyValue:StringLike": { "aws:PrincipalOrgPaths": [`${ORG}/r-ab12/ou-ab12-22222222/*`] } },
            { StringEquals: { "aws:PrincipalAccount": [ACCOUNTS.dev, ACCOUNTS.test] } },
            { StringEquals: { "aws:SourceOrgID": ORG } },
            // A policy variable resolves to the resource's own organization.
            { StringEquals: { "aws:PrincipalOrgID": "${aws:ResourceOrgID}" } },
            // Not known until deployment: still a limit.
            { StringEquals: { "aws:VpceOrgID": UNKNOWN_STRING } },
        ];
        assert.deepStrictEqual(
            concrete.map(limited),
            concrete.map(() => true),
        );
    });

    it("do not count wildcards over the whole space, negations, IfExists, ForAllValues or keys outside the table", () => {
        const open: Record<string, unknown>[] = [
            { StringLike: { "aws:VpceOrgID": "o-*" } },
            { StringLike: { "aws:SourceVpce": "vpce-*" } },
            { StringLike: { "aws:PrincipalOrgID": "*" } },
            { StringLike: { "aws:VpceAccount": "*" } },
            { "ForAnyValue:StringLike": { "aws:PrincipalOrgPaths": "o-*/*" } },
            { ArnLike: { "aws:PrincipalArn": "arn:aws:iam::*:role/reader" } },
            { IpAddress: { "aws:SourceIp": "0.0.0.0/0" } },
            { StringNotEquals: { "aws:SourceVpce": "vpce-0a1b2c3d4e5f60718" } },
            { StringEqualsIfExists: { "aws:VpceOrgID": ORG } },
            { "ForAllValues:StringLike": { "aws:PrincipalOrgPaths": `${ORG}/*` } },
            { StringEquals: { "aws:RequestedRegion": "us-east-1" } },
        ];
        assert.deepStrictEqual(
            open.map(limited),
            open.map(() => false),
        );
    });

    it("every key of the table limits with any concrete value, and none with that value's identifying part wildcarded", () => {
        const id = (length: number) => fc.stringMatching(new RegExp(`^[a-z0-9]{${length}}$`));
        const account = fc.stringMatching(/^\d{12}$/);
        /** A concrete value of the key's kind, and the same value with its identifying part replaced by "*". */
        const values: Record<ScopingKey["kind"], fc.Arbitrary<[string, string]>> = {
            account: account.map((value) => [value, "*"]),
            "org-id": id(10).map((org) => [`o-${org}`, "o-*"]),
            "org-path": fc.tuple(id(10), id(4)).map(([org, root]) => [`o-${org}/r-${root}/*`, `o-*/r-${root}/*`]),
            vpc: id(17).map((vpc) => [`vpc-${vpc}`, "vpc-*"]),
            vpce: id(17).map((vpce) => [`vpce-${vpce}`, "vpce-*"]),
            ip: fc.tuple(fc.nat(255), fc.integer({ min: 8, max: 32 })).map(([octet, bits]) => [`10.${octet}.0.0/${bits}`, "0.0.0.0/0"]),
            arn: fc.tuple(account, id(8)).map(([owner, name]) => [`arn:aws:iam::${owner}:role/${name}`, `arn:aws:iam::*:role/${name}`]),
            id: id(21).map((unique) => [`AROA${unique.toUpperCase()}:session`, "*:session"]),
            service: id(6).map((service) => [`${service}.amazonaws.com`, "*.amazonaws.com"]),
        };
        const cases = fc.constantFrom(...PUBLIC_SCOPING_KEYS).chain((entry) => values[entry.kind].map((pair) => ({ entry, pair })));
        fc.assert(
            fc.property(cases, ({ entry, pair: [concrete, wildcard] }) => {
                const operator = entry.kind === "ip" ? "IpAddress" : entry.kind === "arn" ? "ArnLike" : "StringLike";
                assert.strictEqual(limited({ [operator]: { [entry.key]: concrete } }), true, `${entry.key} ${concrete}`);
                assert.strictEqual(limited({ [operator]: { [entry.key]: [concrete, wildcard] } }), false, `${entry.key} ${wildcard}`);
            }),
            { numRuns: 300 },
        );
    });

    it("a bucket open only to the organization's VPC endpoints is not public", async () => {
        // Sids are unique within a policy: AWS refuses duplicates, and so does iam-policy-document-valid.
        assert.deepStrictEqual(
            await bucketRows(
                publicRead({ StringEquals: { "aws:VpceOrgID": ORG } }),
                {
                    ...publicRead({ "ForAnyValue:StringLike": { "aws:VpceOrgPaths": [`${ORG}/r-ab12/ou-ab12-11111111/*`] } }),
                    Sid: "OrgNetworkRead2",
                },
                {
                    ...publicRead({ StringEquals: { "aws:SourceVpce": ["vpce-0a1b2c3d4e5f60718", "vpce-1b2c3d4e5f6071829"] } }),
                    Sid: "OrgNetworkRead3",
                },
                { ...publicRead({ StringEquals: { "aws:VpceAccount": ACCOUNTS.test } }), Sid: "OrgNetworkRead4" },
                { ...publicRead({ StringEquals: { "aws:SourceOrgID": ORG } }), Sid: "OrgNetworkRead5" },
            ),
            [],
        );
    });

    it("a bucket whose endpoint condition is a wildcard is public (exact text)", async () => {
        assert.deepStrictEqual(
            await bucketRows(publicRead({ StringLike: { "aws:VpceOrgID": "o-*" } })),
            reported("s3-bucket-policy-no-public-principal", "images-dev-policy", [
                'policy statement 2 ("OrgNetworkRead"): grants "s3:GetObject" to every principal ("*") without a condition that limits who can use it. ' +
                    'Fix: name the principals, e.g. {"AWS": "arn:aws:iam::<account>:root"} with an aws:PrincipalArn condition, ' +
                    "or add a condition such as aws:PrincipalOrgID or aws:SourceArn.",
            ]),
        );
    });

    it("the VPC endpoints of an account outside the organization are a grant to that account", async () => {
        assert.deepStrictEqual(
            await bucketRows(publicRead({ StringEquals: { "aws:VpceAccount": ACCOUNTS.outsider } })),
            reported("s3-bucket-policy-allowed-accounts", "images-dev-policy", [
                `policy statement 2 ("OrgNetworkRead"): ${notAllowed("333333333333", "333333333333")}`,
            ]),
        );
    });

    it("an ECR repository pulled only through the organization's endpoints is not public; through any endpoint it is", async () => {
        const repository = (condition: Record<string, unknown>) =>
            rowsFor(
                patched("images-repository-policy", {
                    policy: policyJson({
                        Sid: "OrgPull",
                        Effect: "Allow",
                        Principal: "*",
                        Action: ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
                        Condition: condition,
                    }),
                }),
            );
        assert.deepStrictEqual(await repository({ StringEquals: { "aws:VpceOrgID": ORG } }), []);
        assert.deepStrictEqual(
            (await repository({ StringLike: { "aws:SourceVpce": "vpce-*" } })).map(([policy]) => policy),
            ["ecr-repository-policy-no-public-principal"],
        );
    });
});
