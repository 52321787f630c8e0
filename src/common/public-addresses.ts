import dns from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';

/**
 * The rules for connections the engine makes to addresses others chose (a provider's image link, a user's
 * webhook): only public addresses, checked for the very connection that is made.
 */

/** Whether loopback (127.0.0.0/8, ::1) counts as reachable: only tests that run their peers on loopback say so. */
export interface AddressRules {
  allowInsecureLoopback: boolean;
}

const LOOPBACK_ADDRESSES = new BlockList();
LOOPBACK_ADDRESSES.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK_ADDRESSES.addAddress('::1', 'ipv6');

/** Addresses never reached, whatever name leads there: loopback, private, link-local, reserved. */
const NON_PUBLIC_ADDRESSES = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local, cloud metadata (169.254.169.254)
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
] as const) {
  NON_PUBLIC_ADDRESSES.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b::', 96], // NAT64: may translate to any IPv4 address, private ones included
  ['100::', 64], // discard
  ['2001:db8::', 32], // documentation
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['ff00::', 8], // multicast
] as const) {
  NON_PUBLIC_ADDRESSES.addSubnet(network, prefix, 'ipv6');
}

/** Whether `host` is on an allow-list where `*.example.com` admits every subdomain of example.com. */
export function hostAllowed(host: string, allowedHosts: readonly string[]): boolean {
  return allowedHosts.some((allowed) =>
    allowed.startsWith('*.') ? host.endsWith(allowed.slice(1)) && host.length > allowed.length - 1 : host === allowed,
  );
}

/**
 * Why a connection to `address` (an IP) is refused, or undefined when it is a public address. IPv4-mapped
 * IPv6 addresses (::ffff:10.0.0.1) are judged as the IPv4 address they carry.
 */
export function addressRefusal(address: string, rules: AddressRules): string | undefined {
  const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
  if (rules.allowInsecureLoopback && LOOPBACK_ADDRESSES.check(address, family)) return undefined;
  return NON_PUBLIC_ADDRESSES.check(address, family) ? `address ${address} is not a public address` : undefined;
}

/** The IP a URL's host names literally (brackets of IPv6 removed), or undefined for a name. */
export function literalAddress(hostname: string): string | undefined {
  const literal = hostname.replace(/^\[(.*)\]$/, '$1');
  return isIP(literal) ? literal : undefined;
}

/** A connection refused because its name resolved to an address the rules refuse. */
export class RefusedAddressError extends Error {}

/** How names are resolved: `dns.lookup` with `all: true` (injectable so the rules are testable without DNS). */
export type ResolveAll = (hostname: string, family: number | undefined) => Promise<dns.LookupAddress[]>;

const systemResolveAll: ResolveAll = (hostname, family) => dns.promises.lookup(hostname, { all: true, family });

/** Resolves `hostname` and refuses it (RefusedAddressError) when any of its addresses is not public. */
export async function resolvePublicAddresses(
  hostname: string,
  rules: AddressRules,
  resolveAll: ResolveAll = systemResolveAll,
  family?: number,
): Promise<dns.LookupAddress[]> {
  const addresses = await resolveAll(hostname, family);
  const refusal = addresses.map((entry) => addressRefusal(entry.address, rules)).find((reason) => reason !== undefined);
  if (refusal) throw new RefusedAddressError(`${hostname} resolves to a refused address: ${refusal}`);
  if (addresses.length === 0) throw new Error(`${hostname} has no address`);
  return addresses;
}

/**
 * A `lookup` for http(s) requests that refuses non-public addresses. It runs for the very connection that
 * is made, so a name that resolves to a public address when checked and to a private one when used (DNS
 * rebinding) gains nothing.
 */
export function publicAddressLookup(rules: AddressRules, resolveAll: ResolveAll = systemResolveAll): LookupFunction {
  return (hostname, lookupOptions, callback) => {
    const family =
      typeof lookupOptions.family === 'number' && lookupOptions.family !== 0 ? lookupOptions.family : undefined;
    resolvePublicAddresses(hostname, rules, resolveAll, family).then(
      (addresses) => {
        if (lookupOptions.all)
          return (callback as unknown as (error: null, all: dns.LookupAddress[]) => void)(null, addresses);
        callback(null, addresses[0].address, addresses[0].family);
      },
      (error: NodeJS.ErrnoException) => callback(error, '', 0),
    );
  };
}
