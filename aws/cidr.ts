// IPv4 CIDR arithmetic shared by the network and peering components (parsing via ipaddr.js).
import * as ipaddr from "ipaddr.js";

export interface Ipv4Cidr {
    /** Network address as an unsigned 32-bit integer. */
    network: number;
    prefix: number;
    text: string;
}

/** Parses an IPv4 CIDR block; refuses IPv6 and addresses with host bits set (AWS wants the network address). */
export function parseIpv4Cidr(cidr: string, what = "CIDR block"): Ipv4Cidr {
    let address: ipaddr.IPv4 | ipaddr.IPv6;
    let prefix: number;
    try {
        [address, prefix] = ipaddr.parseCIDR(cidr);
    } catch {
        throw new Error(`Invalid ${what} "${cidr}": expected an IPv4 CIDR block such as 10.10.0.0/16`);
    }
    if (address.kind() !== "ipv4" || !ipaddr.IPv4.isValidFourPartDecimal(cidr.split("/")[0])) {
        throw new Error(`Invalid ${what} "${cidr}": expected an IPv4 CIDR block such as 10.10.0.0/16`);
    }
    const value = address.toByteArray().reduce((acc, byte) => acc * 256 + byte, 0);
    const network = value - (value % blockSize(prefix));
    if (network !== value) {
        throw new Error(`Invalid ${what} "${cidr}": host bits are set (the network address is ${formatCidr(network, prefix)})`);
    }
    return { network, prefix, text: cidr };
}

export function formatCidr(network: number, prefix: number): string {
    const bytes = [24, 16, 8, 0].map((shift) => Math.floor(network / 2 ** shift) % 256);
    return `${bytes.join(".")}/${prefix}`;
}

function blockSize(prefix: number): number {
    return 2 ** (32 - prefix);
}

export function cidrContains(outer: Ipv4Cidr, inner: Ipv4Cidr): boolean {
    return outer.prefix <= inner.prefix && inner.network - (inner.network % blockSize(outer.prefix)) === outer.network;
}

/** Aligned blocks either nest or are disjoint, so overlap is containment one way or the other. */
export function cidrsOverlap(a: Ipv4Cidr, b: Ipv4Cidr): boolean {
    return cidrContains(a, b) || cidrContains(b, a);
}

/** The first `count` consecutive blocks of size /`prefix` inside `parent`. */
export function carveSubnets(parent: Ipv4Cidr, count: number, prefix: number): string[] {
    if (prefix < parent.prefix || count > 2 ** (prefix - parent.prefix)) {
        throw new Error(`Cannot carve ${count} /${prefix} subnets from ${parent.text}`);
    }
    return Array.from({ length: count }, (_, index) => formatCidr(parent.network + index * blockSize(prefix), prefix));
}
