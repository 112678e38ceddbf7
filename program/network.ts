// Network: the environment's VPC and, for each peering it manages, both sides of the connection (the
// peer's side through the peer account's provider, with the VPC and route table read from its stack).
import * as pulumi from "@pulumi/pulumi";
import { NetworkSettings } from "../config";
import { CrossAccountVpcPeering, EnvironmentNetwork } from "../components";
import { StackContext, stackOf } from "./context";
import { StackOutputs } from "./outputs";

type NetworkOutputs = Pick<StackOutputs, "vpcId" | "vpcCidr" | "routeTableId" | "peeringConnectionIds">;

export function deployNetwork(context: StackContext, settings: NetworkSettings): NetworkOutputs {
    const { organization, environment, providers, tags, home } = context;
    const network = new EnvironmentNetwork(
        "network",
        {
            cidrBlock: settings.cidr,
            subnetCidrs: settings.subnets.length > 0 ? settings.subnets : undefined,
            availabilityZones: settings.availabilityZones.length > 0 ? settings.availabilityZones : undefined,
            tags: { ...tags, Name: `${environment.name}-vpc` },
        },
        home,
    );
    const peeringConnectionIds: Record<string, pulumi.Output<string>> = {};
    for (const peering of settings.peerings) {
        const peer = organization.environments[peering.peer];
        const peerStack = stackOf(context, peer.name);
        const connection = new CrossAccountVpcPeering(
            `${environment.name}-to-${peer.name}`,
            {
                vpcId: network.vpcId,
                cidrBlock: settings.cidr,
                routeTables: { private: network.routeTable.id },
                allowDnsResolution: peering.dnsResolution,
                tags: { ...tags, Name: `${environment.name}-to-${peer.name}` },
                peer: {
                    accountId: peer.accountId,
                    region: peer.region,
                    // Checked at load time: a peer has a network.
                    cidrBlock: peer.settings.network!.cidr,
                    vpcId: peerStack.require("vpcId"),
                    routeTables: { private: peerStack.require("routeTableId") },
                    provider: providers.forAccount(peer.name),
                },
            },
            home,
        );
        peeringConnectionIds[peer.name] = connection.peeringConnectionId;
    }
    return {
        vpcId: network.vpcId,
        vpcCidr: settings.cidr,
        // Peers add routes here; each environment network has exactly one private route table.
        routeTableId: network.routeTable.id,
        peeringConnectionIds,
    };
}
