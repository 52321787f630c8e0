import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { ProviderError } from '../../common/errors';

export interface SafeDownloadOptions {
  /** Hosts links may come from; `*.example.com` admits every subdomain of example.com. */
  allowedHosts: readonly string[];
  /** Test-only: also admit plain http to 127.0.0.1 / localhost / ::1. Off by default. */
  allowInsecureLoopback: boolean;
  timeoutMs: number;
  maxBytes: number;
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Addresses a provider's link must never reach, whatever name it uses: loopback, private, link-local, reserved. */
const LOOPBACK_ADDRESSES = new BlockList();
LOOPBACK_ADDRESSES.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK_ADDRESSES.addAddress('::1', 'ipv6');

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

function hostAllowed(host: string, allowedHosts: readonly string[]): boolean {
  return allowedHosts.some((allowed) =>
    allowed.startsWith('*.') ? host.endsWith(allowed.slice(1)) && host.length > allowed.length - 1 : host === allowed,
  );
}

/**
 * Why a connection to `address` (an IP) is refused, or undefined when it is a public address. IPv4-mapped
 * IPv6 addresses (::ffff:10.0.0.1) are judged as the IPv4 address they carry.
 */
export function addressRefusal(
  address: string,
  options: Pick<SafeDownloadOptions, 'allowInsecureLoopback'>,
): string | undefined {
  const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
  if (options.allowInsecureLoopback && LOOPBACK_ADDRESSES.check(address, family)) return undefined;
  return NON_PUBLIC_ADDRESSES.check(address, family) ? `address ${address} is not a public address` : undefined;
}

/** Why `url` may not be fetched, or undefined when it may (names are checked again once resolved). */
export function downloadRefusal(
  url: string,
  options: Pick<SafeDownloadOptions, 'allowedHosts' | 'allowInsecureLoopback'>,
): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'it is not a valid URL';
  }
  const host = parsed.hostname.toLowerCase();
  if (options.allowInsecureLoopback && parsed.protocol === 'http:' && LOOPBACK_HOSTS.has(host)) return undefined;
  if (parsed.protocol !== 'https:') return 'only https links are downloaded';
  if (parsed.username || parsed.password) return 'links with credentials are refused';
  if (!hostAllowed(host, options.allowedHosts)) return `host ${host} is not in IMAGE_DOWNLOAD_ALLOWED_HOSTS`;
  // An IP literal is never resolved, so it is judged here (the URL parser already normalised 0x7f.1, 2130706433 …).
  const literal = host.replace(/^\[(.*)\]$/, '$1');
  if (isIP(literal)) return addressRefusal(literal, options);
  return undefined;
}

class RefusedAddressError extends Error {}

/**
 * DNS resolution that refuses non-public addresses. It runs for the very connection that is made, so a
 * name that resolves to a public address when checked and to a private one when used (DNS rebinding)
 * gains nothing.
 */
function publicAddressLookup(options: Pick<SafeDownloadOptions, 'allowInsecureLoopback'>): LookupFunction {
  return (hostname, lookupOptions, callback) => {
    dns.lookup(hostname, { ...lookupOptions, all: true }, (error, addresses) => {
      if (error) return callback(error, '', 0);
      const refusal = addresses
        .map((entry) => addressRefusal(entry.address, options))
        .find((reason) => reason !== undefined);
      if (refusal)
        return callback(new RefusedAddressError(`${hostname} resolves to a refused address: ${refusal}`), '', 0);
      if (addresses.length === 0) return callback(new Error(`${hostname} has no address`), '', 0);
      if (lookupOptions.all)
        return (callback as unknown as (error: null, all: dns.LookupAddress[]) => void)(null, addresses);
      return callback(null, addresses[0].address, addresses[0].family);
    });
  };
}

/**
 * Fetches an image a provider linked to (its links expire, so they are fetched at once). Only https from
 * configured hosts that resolve to public addresses, no redirects (a redirect could leave the allow-list),
 * a size cap and a timeout.
 */
export async function downloadImage(url: string, options: SafeDownloadOptions, signal: AbortSignal): Promise<Buffer> {
  const refusal = downloadRefusal(url, options);
  if (refusal) throw new ProviderError(`Refused to download the provider's image: ${refusal}`, false);

  const abort = AbortSignal.any([signal, AbortSignal.timeout(options.timeoutMs)]);
  let response: http.IncomingMessage;
  try {
    response = await get(url, { lookup: publicAddressLookup(options), signal: abort });
  } catch (error) {
    if (error instanceof RefusedAddressError)
      throw new ProviderError(`Refused to download the provider's image: ${error.message}`, false);
    throw new ProviderError(
      `Downloading the provider's image failed: ${error instanceof Error ? error.message : String(error)}`,
      true,
      { cause: error },
    );
  }
  const status = response.statusCode ?? 0;
  if (status >= 300 && status < 400) {
    response.destroy();
    throw new ProviderError(`The provider's image link redirected (HTTP ${status}); redirects are not followed`, false);
  }
  if (status < 200 || status >= 300) {
    response.destroy();
    // An expired or missing link will not come back; a server error might.
    throw new ProviderError(
      `Downloading the provider's image failed with HTTP ${status}`,
      status >= 500 || status === 429,
    );
  }
  const declared = Number(response.headers['content-length'] ?? NaN);
  if (declared > options.maxBytes) {
    response.destroy();
    throw new ProviderError(`The provider's image is larger than ${options.maxBytes} bytes`, false);
  }
  return readCapped(response, options.maxBytes);
}

/** One GET without following redirects; resolves with the response head. */
function get(url: string, options: { lookup: LookupFunction; signal: AbortSignal }): Promise<http.IncomingMessage> {
  const client = new URL(url).protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const request = client.get(
      url,
      { agent: false, lookup: options.lookup, signal: options.signal, headers: { accept: 'image/*' } },
      resolve,
    );
    request.on('error', reject);
  });
}

async function readCapped(response: http.IncomingMessage, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of response as AsyncIterable<Buffer>) {
      total += chunk.byteLength;
      if (total > maxBytes) {
        response.destroy();
        throw new ProviderError(`The provider's image is larger than ${maxBytes} bytes`, false);
      }
      chunks.push(chunk);
    }
  } catch (error) {
    if (error instanceof ProviderError) throw error;
    throw new ProviderError(
      `Downloading the provider's image failed: ${error instanceof Error ? error.message : String(error)}`,
      true,
      { cause: error },
    );
  }
  return Buffer.concat(chunks);
}
