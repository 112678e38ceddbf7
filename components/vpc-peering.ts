// Peers a VPC in this account with a VPC in another account. Each side's resources are managed with
// that side's own credentials: the request and this side's routes with the provider this component
// was given (opts), the acceptance and the peer's routes with `peer.provider`.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { assertAccountId } from "../aws";
import { cidrsOverlap, parseIpv4Cidr } from "../aws";

export interface PeerSide {
    accountId: string;
    /** Only needed when the peer VPC is in another region. */
    region?: string;
    vpcId: pulumi.Input<string>;
    cidrBlock: string;
    /** The peer's route tables that get a route to this VPC, by a name that identifies each (see RouteTables). */
    routeTables: RouteTables;
    /** A provider for the peer account (its allowedAccountIds should be accountId). */
    provider: aws.Provider;
}

/**
 * Route tables by a name that says what each is ("private", "data"): a route's resource name comes from
 * that name, never from a position, so adding, removing or reordering tables moves no other route (a
 * renamed route is created before the old one is deleted, and AWS refuses a second route to the same
 * destination in one table). Route table IDs are unknown until deployed, so they cannot name anything.
 */
export type RouteTables = Record<string, pulumi.Input<string>>;

export interface CrossAccountVpcPeeringArgs {
    vpcId: pulumi.Input<string>;
    cidrBlock: string;
    /** This VPC's route tables that get a route to the peer. */
    routeTables: RouteTables;
    peer: PeerSide;
    /** Defaults to true. */
    allowDnsResolution?: boolean;
    tags?: Record<string, string>;
}

export class CrossAccountVpcPeering extends pulumi.ComponentResource {
    readonly connection: aws.ec2.VpcPeeringConnection;
    readonly accepter: aws.ec2.VpcPeeringConnectionAccepter;
    readonly peeringConnectionId: pulumi.Output<string>;
    readonly requesterOptions: aws.ec2.PeeringConnectionOptions;
    readonly accepterOptions: aws.ec2.PeeringConnectionOptions;
    readonly routes: aws.ec2.Route[];
    readonly peerRoutes: aws.ec2.Route[];

    constructor(name: string, args: CrossAccountVpcPeeringArgs, opts?: pulumi.ComponentResourceOptions) {
        assertNoOverlap(args.cidrBlock, args.peer.cidrBlock);
        assertAccountId(args.peer.accountId, "peer account ID");
        assertRouteTableNames(args.routeTables, "this VPC's");
        assertRouteTableNames(args.peer.routeTables, "the peer VPC's");
        super("crossaccount:index:CrossAccountVpcPeering", name, {}, opts);
        const tags = { ...args.tags, Name: args.tags?.Name ?? name };
        const peer = args.peer;
        // Children without an explicit provider inherit this component's (the requester's).
        const requesterOpts = { parent: this };
        const peerOpts = { parent: this, provider: peer.provider };

        // No autoAccept here: it only works within one account and region.
        this.connection = new aws.ec2.VpcPeeringConnection(
            name,
            { vpcId: args.vpcId, peerVpcId: peer.vpcId, peerOwnerId: peer.accountId, peerRegion: peer.region, tags },
            requesterOpts,
        );
        this.peeringConnectionId = this.connection.id;

        this.accepter = new aws.ec2.VpcPeeringConnectionAccepter(
            `${name}-accepter`,
            { vpcPeeringConnectionId: this.connection.id, autoAccept: true, tags },
            peerOpts,
        );

        // Options can only be set on an active connection, and each side only by its own account.
        // Always managed (even when false) because deleting this resource would not reset them.
        const allowRemoteVpcDnsResolution = args.allowDnsResolution ?? true;
        const afterAcceptance = { dependsOn: [this.accepter] };
        this.requesterOptions = new aws.ec2.PeeringConnectionOptions(
            `${name}-requester-options`,
            { vpcPeeringConnectionId: this.accepter.vpcPeeringConnectionId, requester: { allowRemoteVpcDnsResolution } },
            { ...requesterOpts, ...afterAcceptance },
        );
        this.accepterOptions = new aws.ec2.PeeringConnectionOptions(
            `${name}-accepter-options`,
            { vpcPeeringConnectionId: this.accepter.vpcPeeringConnectionId, accepter: { allowRemoteVpcDnsResolution } },
            { ...peerOpts, ...afterAcceptance },
        );

        // Each side routes the other's CIDR block through the connection, in its own account.
        const routesThroughPeering = (
            direction: "to-peer" | "from-peer",
            routeTables: RouteTables,
            destinationCidrBlock: string,
            sideOpts: pulumi.CustomResourceOptions,
        ) => {
            // The caller's order: the order of the routeTableIds list this map replaced.
            const written = Object.keys(routeTables);
            return [...written].sort().map((key) => {
                // Routes were once named by their table's position (`-0`, `-1`); the alias keeps such a stack's
                // routes on upgrade. Without it the renamed route would be created next to the old one, which
                // AWS refuses; a wrong guess (tables reordered while upgrading) fails the same way, no worse.
                // Once upgraded, the old names are gone from the state and the alias matches nothing.
                const aliases = [{ name: `${name}-${direction}-${written.indexOf(key)}` }];
                return new aws.ec2.Route(
                    `${name}-${direction}-${key}`,
                    { routeTableId: routeTables[key], destinationCidrBlock, vpcPeeringConnectionId: this.connection.id },
                    { ...sideOpts, ...afterAcceptance, aliases },
                );
            });
        };
        this.routes = routesThroughPeering("to-peer", args.routeTables, peer.cidrBlock, requesterOpts);
        this.peerRoutes = routesThroughPeering("from-peer", peer.routeTables, args.cidrBlock, peerOpts);

        this.registerOutputs({ peeringConnectionId: this.peeringConnectionId });
    }
}

function assertRouteTableNames(routeTables: RouteTables, what: string): void {
    for (const key of Object.keys(routeTables)) {
        if (!/^[a-z0-9][a-z0-9-]*$/.test(key)) {
            throw new Error(`${what} route table name "${key}" must be lowercase letters, digits and hyphens: it names the route`);
        }
    }
}

function assertNoOverlap(cidrBlock: string, peerCidrBlock: string): void {
    const local = parseIpv4Cidr(cidrBlock, "VPC CIDR block");
    const remote = parseIpv4Cidr(peerCidrBlock, "peer VPC CIDR block");
    if (cidrsOverlap(local, remote)) {
        throw new Error(`Cannot peer VPCs with overlapping CIDR blocks ${cidrBlock} and ${peerCidrBlock}`);
    }
}
