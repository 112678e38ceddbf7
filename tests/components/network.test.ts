import * as assert from "assert";
import { EnvironmentNetwork, planSubnets } from "../../components/network";
import { TEST, accountProvider, promiseOf, recorded, settle, suiteMocks } from "./support";

describe("EnvironmentNetwork", () => {
    const mocks = suiteMocks();

    it("creates a DNS-enabled VPC, private subnets across the zones and one route table without inline routes", async () => {
        const test = accountProvider("test-for-network", TEST);
        const network = new EnvironmentNetwork(
            "test-net",
            {
                cidrBlock: "10.20.0.0/16",
                subnetCidrs: ["10.20.1.0/24", "10.20.2.0/24", "10.20.3.0/24"],
                availabilityZones: ["us-east-1a", "us-east-1b"],
                tags: { env: "test" },
            },
            { provider: test },
        );
        assert.strictEqual(network.cidrBlock, "10.20.0.0/16");
        assert.strictEqual(network.subnetIds.length, 3);
        assert.strictEqual(network.routeTableIds.length, 1);
        const [vpcId, routeTableId, subnetIds] = await Promise.all([
            promiseOf(network.vpcId),
            promiseOf(network.routeTableIds[0]),
            Promise.all(network.subnetIds.map(promiseOf)),
        ]);
        await settle();

        const component = recorded(mocks, "crossaccount:index:EnvironmentNetwork", "test-net");
        const vpc = recorded(mocks, "aws:ec2/vpc:Vpc", "test-net");
        assert.deepStrictEqual(vpc.inputs, {
            cidrBlock: "10.20.0.0/16",
            enableDnsSupport: true,
            enableDnsHostnames: true,
            tags: { env: "test", Name: "test-net" },
        });
        const routeTable = recorded(mocks, "aws:ec2/routeTable:RouteTable", "test-net-private");
        assert.deepStrictEqual(routeTable.inputs, { vpcId, tags: { env: "test", Name: "test-net-private" } });
        assert.ok(!("routes" in routeTable.inputs), "no inline routes");

        const zones = ["us-east-1a", "us-east-1b", "us-east-1a"];
        ["10.20.1.0/24", "10.20.2.0/24", "10.20.3.0/24"].forEach((cidrBlock, index) => {
            // Named by the block, not the position (aliased to the position-based name it had before).
            const key = cidrBlock.replace(/[./]/g, "-");
            const subnet = recorded(mocks, "aws:ec2/subnet:Subnet", `test-net-private-${key}`);
            assert.deepStrictEqual(subnet.inputs, {
                vpcId,
                cidrBlock,
                availabilityZone: zones[index],
                mapPublicIpOnLaunch: false,
                tags: { env: "test", Name: `test-net-private-${key}` },
            });
            const association = recorded(mocks, "aws:ec2/routeTableAssociation:RouteTableAssociation", `test-net-private-${key}`);
            for (const resource of [subnet, association])
                assert.deepStrictEqual(resource.options.aliases, [`${component.urn}::test-net-private-${index}`]);
            assert.deepStrictEqual(association.inputs, { subnetId: subnetIds[index], routeTableId });
        });
        const children = mocks.resources.filter((r) => r.parent === component.urn);
        assert.strictEqual(children.length, 1 + 1 + 3 + 3);
        for (const child of children) {
            assert.strictEqual(child.accountId, TEST, `${child.name} account`);
        }
    });

    it("puts each subnet in the same zone whatever the order of the subnets and the zones", async () => {
        const zonesOf = async (name: string, subnetCidrs: string[], availabilityZones: string[]) => {
            new EnvironmentNetwork(name, { cidrBlock: "10.50.0.0/16", subnetCidrs, availabilityZones });
            await settle();
            return mocks.resources
                .filter((r) => r.type === "aws:ec2/subnet:Subnet" && r.name.startsWith(`${name}-`))
                .map((r) => `${r.inputs.cidrBlock} ${r.inputs.availabilityZone}`)
                .sort();
        };
        const inOrder = await zonesOf("zones-a", ["10.50.1.0/24", "10.50.2.0/24", "10.50.3.0/24"], ["us-east-1a", "us-east-1b"]);
        assert.deepStrictEqual(inOrder, ["10.50.1.0/24 us-east-1a", "10.50.2.0/24 us-east-1b", "10.50.3.0/24 us-east-1a"]);
        assert.deepStrictEqual(
            await zonesOf("zones-b", ["10.50.3.0/24", "10.50.1.0/24", "10.50.2.0/24"], ["us-east-1b", "us-east-1a"]),
            inOrder,
        );
    });

    it("defaults to two subnets and leaves the zone to AWS", async () => {
        new EnvironmentNetwork("default-net", { cidrBlock: "10.30.0.0/16", subnetCidrs: [], availabilityZones: [] });
        await settle();
        const subnets = ["10-30-0-0-24", "10-30-1-0-24"].map(
            (key) => recorded(mocks, "aws:ec2/subnet:Subnet", `default-net-private-${key}`).inputs,
        );
        assert.deepStrictEqual(
            subnets.map((s) => s.cidrBlock),
            ["10.30.0.0/24", "10.30.1.0/24"],
        );
        assert.ok(subnets.every((s) => s.availabilityZone === undefined));
    });

    it("names the VPC and its parts after a caller-given Name tag", async () => {
        new EnvironmentNetwork("named-net", { cidrBlock: "10.40.0.0/16", tags: { Name: "dev-vpc", env: "dev" } });
        await settle();
        assert.deepStrictEqual(recorded(mocks, "aws:ec2/vpc:Vpc", "named-net").inputs.tags, { Name: "dev-vpc", env: "dev" });
        assert.deepStrictEqual(recorded(mocks, "aws:ec2/routeTable:RouteTable", "named-net-private").inputs.tags, {
            Name: "dev-vpc-private",
            env: "dev",
        });
        assert.deepStrictEqual(recorded(mocks, "aws:ec2/subnet:Subnet", "named-net-private-10-40-1-0-24").inputs.tags, {
            Name: "dev-vpc-private-10-40-1-0-24",
            env: "dev",
        });
    });

    it("plans default subnets as /24s, or halves of a VPC of /24 or smaller", () => {
        assert.deepStrictEqual(planSubnets("10.0.0.0/20"), ["10.0.0.0/24", "10.0.1.0/24"]);
        assert.deepStrictEqual(planSubnets("10.0.0.0/24"), ["10.0.0.0/25", "10.0.0.128/25"]);
        assert.deepStrictEqual(planSubnets("10.0.0.0/27"), ["10.0.0.0/28", "10.0.0.16/28"]);
    });

    describe("validation", () => {
        const cases: [string, string, string[] | undefined, RegExp][] = [
            ["a VPC prefix under /16", "10.0.0.0/8", undefined, /Invalid VPC CIDR block 10.0.0.0\/8: the prefix must be \/16 to \/28/],
            ["an IPv6 VPC", "fd00::/56", undefined, /Invalid VPC CIDR block "fd00::\/56"/],
            [
                "a VPC too small for default subnets",
                "10.0.0.0/28",
                undefined,
                /10.0.0.0\/28 is too small for default subnets; give subnetCidrs/,
            ],
            [
                "a subnet outside the VPC",
                "10.0.0.0/16",
                ["10.1.0.0/24"],
                /Subnet CIDR block 10.1.0.0\/24 is not inside the VPC CIDR block 10.0.0.0\/16/,
            ],
            [
                "overlapping subnets",
                "10.0.0.0/16",
                ["10.0.0.0/23", "10.0.1.0/24"],
                /Subnet CIDR blocks 10.0.0.0\/23 and 10.0.1.0\/24 overlap/,
            ],
            ["a subnet smaller than /28", "10.0.0.0/16", ["10.0.0.0/29"], /Invalid subnet CIDR block 10.0.0.0\/29/],
            ["a subnet with host bits", "10.0.0.0/16", ["10.0.0.1/24"], /host bits are set/],
        ];
        for (const [label, cidrBlock, subnetCidrs, message] of cases) {
            it(`refuses ${label} before creating anything`, () => {
                const before = mocks.resources.length;
                assert.throws(() => new EnvironmentNetwork(`invalid-${label.replace(/\W+/g, "-")}`, { cidrBlock, subnetCidrs }), message);
                assert.strictEqual(mocks.resources.length, before);
            });
        }
    });
});
