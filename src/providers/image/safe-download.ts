import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { ProviderError } from '../../common/errors';
import {
  addressRefusal,
  hostAllowed,
  literalAddress,
  publicAddressLookup,
  RefusedAddressError,
} from '../../common/public-addresses';

export interface SafeDownloadOptions {
  /** Hosts links may come from; `*.example.com` admits every subdomain of example.com. */
  allowedHosts: readonly string[];
  /** Test-only: also admit plain http to 127.0.0.1 / localhost / ::1. Off by default. */
  allowInsecureLoopback: boolean;
  timeoutMs: number;
  maxBytes: number;
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

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
  const literal = literalAddress(host);
  if (literal) return addressRefusal(literal, options);
  return undefined;
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
