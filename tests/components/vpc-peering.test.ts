import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import type { MockedResource } from "../../plan/aws-mocks";
import { CrossAccountVpcPeering, CrossAccountVpcPeeringArgs, PeerSide } from "../../components/vpc-peering";
import { DEV, PROD, TEST, accountProvider, promiseOf, recorded, settle, suiteMocks } from "./support";

describe("CrossAccountVpcPeering", () => {
    const mocks = suiteMocks();
    let devProvider: ReturnType<typeof accountProvider>;
    let testProvider: ReturnType<typeof accountProvider>;
    before(() => {
        devProvider = accountProvider("dev-for-peering", DEV);
        testProvider = accountProvider("test-for-peering", TEST);
    });

    function peer(overrides: Partial<PeerSide> = {}): PeerSide {
        return {
            accountId: TEST,
            vpcId: "vpc-test",
            cidrBlock: "10.20.0.0/16",
            routeTables: { private: "rtb-test-a" },
            provider: testProvider,
            ...overrides,
        };
    }

    it("requests from this account, accepts and routes in each account with that account's provider", async () => {
        const peering = new CrossAccountVpcPeering(
            "dev-to-test",
            {
                vpcId: pulumi.output("vpc-dev"),
                cidrBlock: "10.10.0.0/16",
                routeTables: { private: "rtb-dev-a", data: pulumi.output("rtb-dev-b") },
                peer: peer({ region: "us-west-2" }),
                tags: { env: "dev" },
            },
            { provider: devProvider },
        );
        const connectionId = await promiseOf(peering.peeringConnectionId);
        assert.match(connectionId, /^pcx-/);
        await settle();

        const component = recorded(mocks, "crossaccount:index:CrossAccountVpcPeering", "dev-to-test");
        const tags = { env: "dev", Name: "dev-to-test" };
        const connection = recorded(mocks, "aws:ec2/vpcPeeringConnection:VpcPeeringConnection", "dev-to-test");
        const accepter = recorded(mocks, "aws:ec2/vpcPeeringConnectionAccepter:VpcPeeringConnectionAccepter", "dev-to-test-accepter");
        const requesterOptions = recorded(
            mocks,
            "aws:ec2/peeringConnectionOptions:PeeringConnectionOptions",
            "dev-to-test-requester-options",
        );
        const accepterOptions = recorded(
            mocks,
            "aws:ec2/peeringConnectionOptions:PeeringConnectionOptions",
            "dev-to-test-accepter-options",
        );
        const routes = ["private", "data"].map((key) => recorded(mocks, "aws:ec2/route:Route", `dev-to-test-to-peer-${key}`));
        const peerRoute = recorded(mocks, "aws:ec2/route:Route", "dev-to-test-from-peer-private");

        const expected: [MockedResource, string, Record<string, unknown>][] = [
            [connection, DEV, { vpcId: "vpc-dev", peerVpcId: "vpc-test", peerOwnerId: TEST, peerRegion: "us-west-2", tags }],
            [accepter, TEST, { vpcPeeringConnectionId: connectionId, autoAccept: true, tags }],
            [requesterOptions, DEV, { vpcPeeringConnectionId: connectionId, requester: { allowRemoteVpcDnsResolution: true } }],
            [accepterOptions, TEST, { vpcPeeringConnectionId: connectionId, accepter: { allowRemoteVpcDnsResolution: true } }],
            [routes[0], DEV, { routeTableId: "rtb-dev-a", destinationCidrBlock: "10.20.0.0/16", vpcPeeringConnectionId: connectionId }],
            [routes[1], DEV, { routeTableId: "rtb-dev-b", destinationCidrBlock: "10.20.0.0/16", vpcPeeringConnectionId: connectionId }],
            [peerRoute, TEST, { routeTableId: "rtb-test-a", destinationCidrBlock: "10.10.0.0/16", vpcPeeringConnectionId: connectionId }],
        ];
        for (const [resource, account, inputs] of expected) {
            assert.deepStrictEqual(resource.inputs, inputs, resource.name);
            assert.strictEqual(resource.accountId, account, `${resource.name} account`);
            assert.strictEqual(resource.parent, component.urn, `${resource.name} parent`);
        }
        assert.strictEqual(mocks.resources.filter((r) => r.parent === component.urn).length, expected.length);
        assert.ok(!("autoAccept" in connection.inputs), "no autoAccept on the requester side");

        // Options and routes wait for acceptance; options can only be set on an active connection.
        for (const resource of [requesterOptions, accepterOptions, routes[0], routes[1], peerRoute]) {
            assert.ok(resource.dependencies.includes(accepter.urn), `${resource.name} depends on the accepter`);
        }
        // Routes were named by position before: each is aliased to its table's position in the caller's order.
        assert.deepStrictEqual(peerRoute.options.aliases, [`${component.urn}::dev-to-test-from-peer-0`]);
        assert.deepStrictEqual(
            routes.map((route) => route.options.aliases),
            [[`${component.urn}::dev-to-test-to-peer-0`], [`${component.urn}::dev-to-test-to-peer-1`]],
            "private was written first, data second",
        );
    });

    it("names routes by their table's name: reordering or adding tables renames no route", async () => {
        const names = async (name: string, routeTables: Record<string, string>) => {
            new CrossAccountVpcPeering(
                name,
                { vpcId: "vpc-dev", cidrBlock: "10.10.0.0/16", routeTables, peer: peer() },
                { provider: devProvider },
            );
            await settle();
            return mocks.resources
                .filter((r) => r.type === "aws:ec2/route:Route" && r.name.startsWith(`${name}-to-peer-`))
                .map((r) => `${r.name.slice(name.length)} ${r.inputs.routeTableId}`)
                .sort();
        };
        const before = await names("order-a", { private: "rtb-p", data: "rtb-d" });
        assert.deepStrictEqual(before, ["-to-peer-data rtb-d", "-to-peer-private rtb-p"]);
        assert.deepStrictEqual(await names("order-b", { data: "rtb-d", private: "rtb-p" }), before);
        assert.deepStrictEqual(await names("order-c", { edge: "rtb-e", data: "rtb-d", private: "rtb-p" }), [
            "-to-peer-data rtb-d",
            "-to-peer-edge rtb-e",
            "-to-peer-private rtb-p",
        ]);
    });

    it("omits peerRegion for a same-region peer, keeps a given Name tag and manages DNS resolution when turned off", async () => {
        new CrossAccountVpcPeering(
            "no-dns",
            {
                vpcId: "vpc-dev",
                cidrBlock: "10.10.0.0/16",
                routeTables: {},
                peer: peer({ routeTables: {} }),
                allowDnsResolution: false,
                tags: { Name: "dev-test-peering" },
            },
            { provider: devProvider },
        );
        await settle();
        const connection = recorded(mocks, "aws:ec2/vpcPeeringConnection:VpcPeeringConnection", "no-dns");
        assert.ok(!("peerRegion" in connection.inputs));
        assert.deepStrictEqual(connection.inputs.tags, { Name: "dev-test-peering" }, "a caller-given Name tag wins");
        assert.deepStrictEqual(
            recorded(mocks, "aws:ec2/peeringConnectionOptions:PeeringConnectionOptions", "no-dns-requester-options").inputs.requester,
            { allowRemoteVpcDnsResolution: false },
        );
        assert.deepStrictEqual(
            recorded(mocks, "aws:ec2/peeringConnectionOptions:PeeringConnectionOptions", "no-dns-accepter-options").inputs.accepter,
            { allowRemoteVpcDnsResolution: false },
        );
        assert.strictEqual(
            mocks.resources.filter((r) => r.name.startsWith("no-dns-to-peer") || r.name.startsWith("no-dns-from-peer")).length,
            0,
        );
    });

    describe("validation", () => {
        const base = (): CrossAccountVpcPeeringArgs => ({
            vpcId: "vpc-dev",
            cidrBlock: "10.10.0.0/16",
            routeTables: { private: "rtb-dev" },
            peer: peer(),
        });
        const cases: [string, () => CrossAccountVpcPeeringArgs, RegExp][] = [
            [
                "identical CIDRs",
                () => ({ ...base(), peer: peer({ cidrBlock: "10.10.0.0/16" }) }),
                /Cannot peer VPCs with overlapping CIDR blocks 10.10.0.0\/16 and 10.10.0.0\/16/,
            ],
            [
                "a peer CIDR inside this one",
                () => ({ ...base(), peer: peer({ cidrBlock: "10.10.128.0/20" }) }),
                /Cannot peer VPCs with overlapping CIDR blocks 10.10.0.0\/16 and 10.10.128.0\/20/,
            ],
            [
                "this CIDR inside the peer's",
                () => ({ ...base(), cidrBlock: "10.20.5.0/24" }),
                /Cannot peer VPCs with overlapping CIDR blocks 10.20.5.0\/24 and 10.20.0.0\/16/,
            ],
            [
                "an invalid peer CIDR",
                () => ({ ...base(), peer: peer({ cidrBlock: "10.20.0.0/33" }) }),
                /Invalid peer VPC CIDR block "10.20.0.0\/33"/,
            ],
            ["a bad peer account ID", () => ({ ...base(), peer: peer({ accountId: "123" }) }), /Invalid peer account ID "123"/],
            [
                "a route table name that cannot name a route",
                () => ({ ...base(), peer: peer({ routeTables: { "Private Subnets": "rtb-test" } }) }),
                /^Error: the peer VPC's route table name "Private Subnets" must be lowercase letters, digits and hyphens: it names the route$/,
            ],
        ];
        for (const [label, args, message] of cases) {
            it(`refuses ${label} before creating anything`, () => {
                const before = mocks.resources.length;
                assert.throws(
                    () => new CrossAccountVpcPeering(`invalid-${label.replace(/\W+/g, "-")}`, args(), { provider: devProvider }),
                    message,
                );
                assert.strictEqual(mocks.resources.length, before);
            });
        }
    });

    it("accepts adjacent, non-overlapping CIDRs", () => {
        assert.doesNotThrow(
            () =>
                new CrossAccountVpcPeering(
                    "adjacent",
                    {
                        vpcId: "vpc-prod",
                        cidrBlock: "10.0.0.0/16",
                        routeTables: {},
                        peer: peer({ accountId: PROD, cidrBlock: "10.1.0.0/16", routeTables: {} }),
                    },
                    { provider: devProvider },
                ),
        );
    });
});
