import * as assert from "assert";
import { expectClean, expectRows, reported, rowsFor } from "./expect";
import {
    ACCOUNTS,
    REFERENCE_CONFIG,
    T,
    UNKNOWN_OBJECT,
    UNKNOWN_STRING,
    awsProvider,
    patch,
    patched,
    policyJson,
    resource,
} from "./fixtures";

describe("VPC peering rules", () => {
    describe("vpc-peering-no-auto-accept-cross-account", () => {
        const fix =
            "Fix: remove autoAccept and accept the request with an aws.ec2.VpcPeeringConnectionAccepter using the peer account's provider.";

        it("reports autoAccept on a request to another account or region", async () => {
            await expectRows(
                (r) => {
                    patch(r, "to-test", { autoAccept: true });
                    r.crossRegion = resource(T.peering, "to-eu", {
                        vpcId: "vpc-dev",
                        peerVpcId: "vpc-eu",
                        peerRegion: "eu-west-1",
                        autoAccept: true,
                        tags: {},
                    });
                },
                [
                    ...reported("vpc-peering-no-auto-accept-cross-account", "to-test", [
                        `autoAccept is true on a peering request to account 222222222222; only the peer account can accept it. ${fix}`,
                    ]),
                    ...reported("vpc-peering-no-auto-accept-cross-account", "to-eu", [
                        `autoAccept is true on a peering request to region eu-west-1; AWS auto-accepts only within one region. ${fix}`,
                    ]),
                ],
            );
        });

        it("accepts autoAccept within one account and region, and on the accepter", async () => {
            await expectClean((r) => {
                r.local = resource(T.peering, "local", {
                    vpcId: "vpc-a",
                    peerVpcId: "vpc-b",
                    peerOwnerId: ACCOUNTS.dev,
                    autoAccept: true,
                    peerRegion: "us-east-1",
                });
                r.accepter = resource(
                    T.peeringAccepter,
                    "from-dev",
                    { vpcPeeringConnectionId: "pcx-1", autoAccept: true },
                    { account: ACCOUNTS.test },
                );
            });
        });
    });

    describe("vpc-peering-allowed-peer-account", () => {
        it("reports a peer account outside allowedAccountIds and accepts the organization's", async () => {
            await expectRows(
                patched("to-test", { peerOwnerId: ACCOUNTS.outsider }),
                reported("vpc-peering-allowed-peer-account", "to-test", [
                    "peerOwnerId 333333333333 is not an allowed account [111111111111, 222222222222, 999999999999]. " +
                        "Fix: peer only with VPCs of the organization's accounts, or add the account to allowedAccountIds in the policy pack config.",
                ]),
            );
            await expectClean(patched("to-test", { peerOwnerId: ACCOUNTS.prod }));
        });
    });

    describe("vpc-peering-no-default-route", () => {
        const message = (prefix: string, cidr: string, peering: string) =>
            `${prefix}sends ${cidr} through VPC peering connection ${peering}, ` +
            "so all otherwise unrouted traffic goes to the peer VPC. Fix: route only the peer VPC's CIDR blocks through the peering connection.";

        it("reports 0.0.0.0/0 and ::/0 through a peering connection, as a Route or inline in a RouteTable", async () => {
            await expectRows(
                (r) => {
                    patch(r, "to-test-route", { destinationCidrBlock: "0.0.0.0/0" });
                    r.v6 = resource(T.route, "v6-default", {
                        routeTableId: "rtb-dev",
                        destinationIpv6CidrBlock: "::/0",
                        vpcPeeringConnectionId: UNKNOWN_STRING,
                    });
                    patch(r, "private", {
                        routes: [
                            { cidrBlock: "0.0.0.0/0", natGatewayId: "nat-1" },
                            { cidrBlock: "0.0.0.0/0", vpcPeeringConnectionId: "pcx-2" },
                        ],
                    });
                },
                [
                    ["vpc-peering-no-default-route", "to-test-route", "mandatory", message("", "0.0.0.0/0", "pcx-1")],
                    ["vpc-peering-no-default-route", "private", "mandatory", message("routes[1] ", "0.0.0.0/0", "pcx-2")],
                    ["vpc-peering-no-default-route", "v6-default", "mandatory", message("", "::/0", "(known after deployment)")],
                ],
            );
        });

        it("accepts default routes through gateways and peer CIDRs through peering", async () => {
            await expectClean((r) => {
                r.igw = resource(T.route, "igw-default", {
                    routeTableId: "rtb-dev",
                    destinationCidrBlock: "0.0.0.0/0",
                    gatewayId: "igw-1",
                });
                patch(r, "private", { routes: UNKNOWN_OBJECT });
            });
        });
    });
});

describe("required-tags", () => {
    const message = (tags: string) =>
        `is missing required tag${tags.includes(",") ? "s" : ""} ${tags}. ` +
        "Fix: add them to tags, or to the provider's defaultTags so every resource gets them.";

    it("is advisory and reports taggable resources missing the configured tags", async () => {
        const noDefaultTags = { ...awsProvider(ACCOUNTS.dev), props: { allowedAccountIds: [ACCOUNTS.dev] } };
        await expectRows(
            (r) => {
                r["image-sharing"] = { ...r["image-sharing"], provider: noDefaultTags };
                r["to-test"] = {
                    ...r["to-test"],
                    provider: noDefaultTags,
                    props: { ...r["to-test"].props, tags: { Environment: "dev", Project: "" } },
                };
                r["developers"] = { ...r["developers"], provider: noDefaultTags };
            },
            [
                ["required-tags", "image-sharing", "advisory", message('"Environment", "Project"')],
                ["required-tags", "to-test", "advisory", message('"Project"')],
            ],
        );
    });

    it("accepts tags given directly, through tagsAll in state, or unknown; and follows the configured list", async () => {
        const noDefaultTags = { ...awsProvider(ACCOUNTS.dev), props: { allowedAccountIds: [ACCOUNTS.dev] } };
        await expectClean((r) => {
            r["image-sharing"] = {
                ...r["image-sharing"],
                provider: noDefaultTags,
                props: { ...r["image-sharing"].props, tags: { Environment: "dev", Project: "x" } },
            };
            r["org-trail"] = {
                ...r["org-trail"],
                provider: noDefaultTags,
                props: { ...r["org-trail"].props, tagsAll: { Environment: "dev", Project: "x" } },
            };
            r["inventory"] = { ...r["inventory"], provider: noDefaultTags, props: { ...r["inventory"].props, tags: UNKNOWN_OBJECT } };
        });
        const config = { ...REFERENCE_CONFIG, "required-tags": { requiredTags: ["Owner"] } };
        const owners = await rowsFor(() => undefined, config);
        assert.deepStrictEqual(
            owners.map(([, name]) => name),
            [
                "ci-deployer",
                "inventory",
                "alice",
                "images-dev",
                "access-logs-dev",
                "trail-logs-dev",
                "org-trail",
                "to-test",
                "private",
                "baseline-share",
            ],
        );
    });

    it("covers KMS keys, and no rule reads their key policy as an identity or resource policy", async () => {
        const noDefaultTags = { ...awsProvider(ACCOUNTS.prod), props: { allowedAccountIds: [ACCOUNTS.prod] } };
        // kms:* on "*" is the standard administration statement of a key policy, not a wildcard grant.
        const keyPolicy = policyJson({
            Effect: "Allow",
            Principal: { AWS: `arn:aws:iam::${ACCOUNTS.prod}:root` },
            Action: "kms:*",
            Resource: "*",
        });
        await expectRows(
            (r) => {
                r.tagged = resource(
                    T.kmsKey,
                    "tagged-key",
                    { policy: keyPolicy, enableKeyRotation: true, tags: { Environment: "prod", Project: "x" } },
                    { account: ACCOUNTS.prod },
                );
                r.untagged = {
                    ...resource(T.kmsKey, "untagged-key", { policy: keyPolicy, enableKeyRotation: true }, { account: ACCOUNTS.prod }),
                    provider: noDefaultTags,
                };
            },
            [["required-tags", "untagged-key", "advisory", message('"Environment", "Project"')]],
        );
    });
});
