// A private VPC for one environment: subnets, and one route table with no inline routes so that
// peering (and anything else) can add aws.ec2.Route resources without fighting over the table.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { Ipv4Cidr, carveSubnets, cidrContains, cidrsOverlap, parseIpv4Cidr } from "../aws";

export interface EnvironmentNetworkArgs {
    cidrBlock: string;
    /** Private subnets; empty or unset means the first two /24s of the VPC (two halves of a smaller VPC). */
    subnetCidrs?: string[];
    /** Assigned to subnets round-robin; empty or unset leaves the choice to AWS. */
    availabilityZones?: string[];
    tags?: Record<string, string>;
}

// AWS limits for VPC and subnet IPv4 blocks.
const MIN_PREFIX = 16;
const MAX_PREFIX = 28;
const DEFAULT_SUBNET_COUNT = 2;
const DEFAULT_SUBNET_PREFIX = 24;

/** A CIDR block as a name part: 10.10.1.0/24 becomes 10-10-1-0-24. */
export function cidrKey(cidr: string): string {
    return cidr.replace(/[./]/g, "-");
}

function compareCidrs(a: Ipv4Cidr, b: Ipv4Cidr): number {
    return a.network - b.network || a.prefix - b.prefix;
}

export class EnvironmentNetwork extends pulumi.ComponentResource {
    readonly vpc: aws.ec2.Vpc;
    readonly vpcId: pulumi.Output<string>;
    readonly cidrBlock: string;
    readonly subnets: aws.ec2.Subnet[];
    readonly subnetIds: pulumi.Output<string>[];
    readonly subnetCidrs: string[];
    readonly routeTable: aws.ec2.RouteTable;
    readonly routeTableIds: pulumi.Output<string>[];

    constructor(name: string, args: EnvironmentNetworkArgs, opts?: pulumi.ComponentResourceOptions) {
        const subnetCidrs = planSubnets(args.cidrBlock, args.subnetCidrs);
        super("crossaccount:index:EnvironmentNetwork", name, {}, opts);
        this.cidrBlock = args.cidrBlock;
        this.subnetCidrs = subnetCidrs;
        // A Name tag given by the caller names the VPC and prefixes the names of its parts.
        const baseName = args.tags?.Name ?? name;
        const tagsNamed = (resourceName: string) => ({ ...args.tags, Name: resourceName });

        this.vpc = new aws.ec2.Vpc(
            name,
            { cidrBlock: args.cidrBlock, enableDnsSupport: true, enableDnsHostnames: true, tags: tagsNamed(baseName) },
            { parent: this },
        );
        this.vpcId = this.vpc.id;

        // No `routes` argument: an inline route list would delete the separately managed routes.
        this.routeTable = new aws.ec2.RouteTable(
            `${name}-private`,
            { vpcId: this.vpc.id, tags: tagsNamed(`${baseName}-private`) },
            { parent: this },
        );
        this.routeTableIds = [this.routeTable.id];

        // Zones (by name) go round-robin over the subnets in address order, so reordering either list moves no
        // subnet: a subnet's zone cannot change in place, a new zone replaces it.
        const zones = [...(args.availabilityZones ?? [])].sort();
        const byAddress = [...subnetCidrs].sort((a, b) => compareCidrs(parseIpv4Cidr(a), parseIpv4Cidr(b)));
        this.subnets = subnetCidrs.map((cidrBlock, index) => {
            // Named by its block, not its position; the alias is the name it had when names were positions.
            const key = `${name}-private-${cidrKey(cidrBlock)}`;
            const previously = { aliases: [{ name: `${name}-private-${index}` }] };
            const subnet = new aws.ec2.Subnet(
                key,
                {
                    vpcId: this.vpc.id,
                    cidrBlock,
                    availabilityZone: zones.length > 0 ? zones[byAddress.indexOf(cidrBlock) % zones.length] : undefined,
                    mapPublicIpOnLaunch: false,
                    tags: tagsNamed(`${baseName}-private-${cidrKey(cidrBlock)}`),
                },
                { parent: this, ...previously },
            );
            new aws.ec2.RouteTableAssociation(
                key,
                { subnetId: subnet.id, routeTableId: this.routeTable.id },
                { parent: this, ...previously },
            );
            return subnet;
        });
        this.subnetIds = this.subnets.map((subnet) => subnet.id);

        this.registerOutputs({ vpcId: this.vpcId, subnetIds: this.subnetIds, routeTableIds: this.routeTableIds });
    }
}

/** Validates the VPC and subnet blocks (or derives the default subnets) before anything is created. */
export function planSubnets(vpcCidr: string, subnetCidrs?: string[]): string[] {
    const vpc = parseIpv4Cidr(vpcCidr, "VPC CIDR block");
    assertPrefixRange(vpc, "VPC CIDR block");
    if (!subnetCidrs || subnetCidrs.length === 0) {
        const prefix = Math.max(vpc.prefix + 1, DEFAULT_SUBNET_PREFIX);
        if (prefix > MAX_PREFIX) {
            throw new Error(`VPC CIDR block ${vpcCidr} is too small for default subnets; give subnetCidrs`);
        }
        return carveSubnets(vpc, DEFAULT_SUBNET_COUNT, prefix);
    }
    const subnets = subnetCidrs.map((cidr) => parseIpv4Cidr(cidr, "subnet CIDR block"));
    subnets.forEach((subnet, index) => {
        assertPrefixRange(subnet, "subnet CIDR block");
        if (!cidrContains(vpc, subnet)) {
            throw new Error(`Subnet CIDR block ${subnet.text} is not inside the VPC CIDR block ${vpcCidr}`);
        }
        const clash = subnets.slice(0, index).find((earlier) => cidrsOverlap(earlier, subnet));
        if (clash) {
            throw new Error(`Subnet CIDR blocks ${clash.text} and ${subnet.text} overlap`);
        }
    });
    return subnetCidrs;
}

function assertPrefixRange(cidr: Ipv4Cidr, what: string): void {
    if (cidr.prefix < MIN_PREFIX || cidr.prefix > MAX_PREFIX) {
        throw new Error(`Invalid ${what} ${cidr.text}: the prefix must be /${MIN_PREFIX} to /${MAX_PREFIX}`);
    }
}
