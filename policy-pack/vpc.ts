// Rules for VPC peering between accounts.
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { allowedAccounts, formatAccounts, isCrossAccount, providerRegion } from "./lib/accounts";
import { AllowedAccountsConfig, allowedAccountsConfig } from "./lib/config";
import { aws } from "./lib/resource-types";
import { resourceRule } from "./lib/rule-kit";
import { Value, ValueRecord, asBoolean, asRecord, asString, isUnknown } from "./lib/values";

export const peeringNoAutoAcceptCrossAccount = resourceRule({
    name: "vpc-peering-no-auto-accept-cross-account",
    description:
        "A peering request to another account (or region) does not set autoAccept: AWS only auto-accepts within one " +
        "account and region, and the peer account must accept with its own VpcPeeringConnectionAccepter.",
    appliesTo: [aws.ec2.VpcPeeringConnection],
    check: ({ props, providerProps, ownAccounts }) => {
        if (asBoolean(props.autoAccept, false) !== true) return [];
        const peerOwner = asString(props.peerOwnerId);
        const peerRegion = asString(props.peerRegion);
        // v7 resources can name their own region; otherwise the provider's applies.
        const ownRegion = asString(props.region) ?? providerRegion(providerProps);
        const fix =
            "Fix: remove autoAccept and accept the request with an aws.ec2.VpcPeeringConnectionAccepter using the peer account's provider.";
        if (peerOwner && isCrossAccount(peerOwner, ownAccounts)) {
            return [`autoAccept is true on a peering request to account ${peerOwner}; only the peer account can accept it. ${fix}`];
        }
        if (peerRegion && ownRegion && peerRegion !== ownRegion) {
            return [`autoAccept is true on a peering request to region ${peerRegion}; AWS auto-accepts only within one region. ${fix}`];
        }
        return [];
    },
});

export const peeringAllowedPeerAccount = resourceRule<AllowedAccountsConfig>({
    name: "vpc-peering-allowed-peer-account",
    description: "VPC peering connects only to VPCs of allowed accounts (config allowedAccountIds, plus the requester's own account).",
    appliesTo: [aws.ec2.VpcPeeringConnection, aws.ec2.VpcPeeringConnectionAccepter],
    config: allowedAccountsConfig,
    check: ({ props, config, ownAccounts }) => {
        const allowed = allowedAccounts(config.allowedAccountIds, ownAccounts);
        const peerOwner = asString(props.peerOwnerId);
        if (!peerOwner || allowed.size === 0 || allowed.has(peerOwner)) return [];
        return [
            `peerOwnerId ${peerOwner} is not an allowed account ${formatAccounts(allowed)}. ` +
                "Fix: peer only with VPCs of the organization's accounts, or add the account to allowedAccountIds in the policy pack config.",
        ];
    },
});

const isDefaultRoute = (cidr: Value): cidr is string => typeof cidr === "string" && /\/0$/.test(cidr.trim());

/** Problems with one route (a Route resource or an inline route of a RouteTable); `where` prefixes the message. */
function defaultPeeringRoute(route: ValueRecord, destinations: [string, string], where: string): string[] {
    const peering = route.vpcPeeringConnectionId;
    if (peering === undefined || peering === null || peering === "") return [];
    const peeringName = isUnknown(peering) ? "(known after deployment)" : String(peering);
    return destinations
        .map((key) => route[key])
        .filter(isDefaultRoute)
        .map(
            (cidr) =>
                `${where}sends ${cidr} through VPC peering connection ${peeringName}, so all otherwise unrouted traffic goes to the peer VPC. ` +
                "Fix: route only the peer VPC's CIDR blocks through the peering connection.",
        );
}

export const peeringNoDefaultRoute = resourceRule({
    name: "vpc-peering-no-default-route",
    description:
        "No 0.0.0.0/0 or ::/0 route goes through a VPC peering connection (Route resources and inline RouteTable routes). " +
        "Checkov CKV2_AWS_44.",
    appliesTo: [aws.ec2.Route, aws.ec2.RouteTable],
    check: ({ type, props }) => {
        if (type === aws.ec2.Route.__pulumiType) {
            return defaultPeeringRoute(props, ["destinationCidrBlock", "destinationIpv6CidrBlock"], "");
        }
        const routes = Array.isArray(props.routes) ? props.routes : [];
        return routes.flatMap((route, index) => {
            const record = asRecord(route);
            return record ? defaultPeeringRoute(record, ["cidrBlock", "ipv6CidrBlock"], `routes[${index}] `) : [];
        });
    },
});

export const vpcPolicies: ResourceValidationPolicy[] = [peeringNoAutoAcceptCrossAccount, peeringAllowedPeerAccount, peeringNoDefaultRoute];
