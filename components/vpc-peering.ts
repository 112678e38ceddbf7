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
    routeTableIds: pulumi.Input<string>[];
    /** A provider for the peer account (its allowedAccountIds should be accountId). */
    provider: aws.Provider;
}

export interface CrossAccountVpcPeeringArgs {
    vpcId: pulumi.Input<string>;
    cidrBlock: string;
    routeTableIds: pulumi.Input<string>[];
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
            routeTableIds: pulumi.Input<string>[],
            destinationCidrBlock: string,
            sideOpts: pulumi.CustomResourceOptions,
        ) =>
            routeTableIds.map(
                (routeTableId, index) =>
                    new aws.ec2.Route(
                        `${name}-${direction}-${index}`,
                        { routeTableId, destinationCidrBlock, vpcPeeringConnectionId: this.connection.id },
                        { ...sideOpts, ...afterAcceptance },
                    ),
            );
        this.routes = routesThroughPeering("to-peer", args.routeTableIds, peer.cidrBlock, requesterOpts);
        this.peerRoutes = routesThroughPeering("from-peer", peer.routeTableIds, args.cidrBlock, peerOpts);

        this.registerOutputs({ peeringConnectionId: this.peeringConnectionId });
    }
}

function assertNoOverlap(cidrBlock: string, peerCidrBlock: string): void {
    const local = parseIpv4Cidr(cidrBlock, "VPC CIDR block");
    const remote = parseIpv4Cidr(peerCidrBlock, "peer VPC CIDR block");
    if (cidrsOverlap(local, remote)) {
        throw new Error(`Cannot peer VPCs with overlapping CIDR blocks ${cidrBlock} and ${peerCidrBlock}`);
    }
}
