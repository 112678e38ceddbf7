import * as assert from "assert";
import * as fc from "fast-check";
import { carveSubnets, cidrContains, cidrsOverlap, formatCidr, parseIpv4Cidr } from "../../aws";

describe("cidr", () => {
    it("parses IPv4 CIDR blocks to network and prefix", () => {
        assert.deepStrictEqual(parseIpv4Cidr("10.1.0.0/16"), { network: 10 * 2 ** 24 + 1 * 2 ** 16, prefix: 16, text: "10.1.0.0/16" });
        assert.strictEqual(formatCidr(parseIpv4Cidr("192.168.255.128/25").network, 25), "192.168.255.128/25");
    });

    it("refuses IPv6, garbage and blocks with host bits set", () => {
        assert.throws(() => parseIpv4Cidr("fd00::/8", "VPC CIDR block"), /Invalid VPC CIDR block "fd00::\/8": expected an IPv4 CIDR block/);
        assert.throws(() => parseIpv4Cidr("10.0.0/16"), /Invalid CIDR block "10.0.0\/16"/);
        assert.throws(() => parseIpv4Cidr("10.0.0.0"), /Invalid CIDR block "10.0.0.0"/);
        assert.throws(() => parseIpv4Cidr("10.0.1.0/16"), /host bits are set \(the network address is 10.0.0.0\/16\)/);
    });

    it("detects containment and overlap", () => {
        const vpc = parseIpv4Cidr("10.0.0.0/16");
        assert.ok(cidrContains(vpc, parseIpv4Cidr("10.0.255.0/24")));
        assert.ok(!cidrContains(vpc, parseIpv4Cidr("10.1.0.0/24")));
        assert.ok(!cidrContains(parseIpv4Cidr("10.0.0.0/24"), vpc));
        assert.ok(cidrsOverlap(parseIpv4Cidr("10.0.0.0/24"), vpc));
        assert.ok(!cidrsOverlap(parseIpv4Cidr("10.0.0.0/24"), parseIpv4Cidr("10.0.1.0/24")));
    });

    it("agrees with interval arithmetic on overlap (property)", () => {
        const block = fc.tuple(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.integer({ min: 8, max: 30 })).map(([address, prefix]) => {
            const size = 2 ** (32 - prefix);
            return formatCidr(address - (address % size), prefix);
        });
        fc.assert(
            fc.property(block, block, (a, b) => {
                const [pa, pb] = [parseIpv4Cidr(a), parseIpv4Cidr(b)];
                const [endA, endB] = [pa.network + 2 ** (32 - pa.prefix) - 1, pb.network + 2 ** (32 - pb.prefix) - 1];
                const intervalsOverlap = pa.network <= endB && pb.network <= endA;
                return cidrsOverlap(pa, pb) === intervalsOverlap;
            }),
            { numRuns: 500 },
        );
    });

    it("carves consecutive subnets and refuses to carve more than fit", () => {
        assert.deepStrictEqual(carveSubnets(parseIpv4Cidr("10.2.0.0/16"), 2, 24), ["10.2.0.0/24", "10.2.1.0/24"]);
        assert.throws(() => carveSubnets(parseIpv4Cidr("10.2.0.0/24"), 3, 25), /Cannot carve 3 \/25 subnets from 10.2.0.0\/24/);
    });
});
