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

function hostAllowed(host: string, allowedHosts: readonly string[]): boolean {
  return allowedHosts.some((allowed) =>
    allowed.startsWith('*.') ? host.endsWith(allowed.slice(1)) && host.length > allowed.length - 1 : host === allowed,
  );
}

/** Why `url` may not be fetched, or undefined when it may. */
export function downloadRefusal(url: string, options: Pick<SafeDownloadOptions, 'allowedHosts' | 'allowInsecureLoopback'>): string | undefined {
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
  return undefined;
}

/**
 * Fetches an image a provider linked to (its links expire, so they are fetched at once). Only https from
 * configured hosts, no redirects (a redirect could leave the allow-list), a size cap and a timeout.
 */
export async function downloadImage(url: string, options: SafeDownloadOptions, signal: AbortSignal): Promise<Buffer> {
  const refusal = downloadRefusal(url, options);
  if (refusal) throw new ProviderError(`Refused to download the provider's image: ${refusal}`, false);

  let response: Response;
  try {
    response = await fetch(url, {
      redirect: 'manual',
      signal: AbortSignal.any([signal, AbortSignal.timeout(options.timeoutMs)]),
    });
  } catch (error) {
    throw new ProviderError(`Downloading the provider's image failed: ${error instanceof Error ? error.message : String(error)}`, true, { cause: error });
  }
  if (response.status >= 300 && response.status < 400) {
    throw new ProviderError(`The provider's image link redirected (HTTP ${response.status}); redirects are not followed`, false);
  }
  if (!response.ok) {
    // An expired or missing link will not come back; a server error might.
    throw new ProviderError(`Downloading the provider's image failed with HTTP ${response.status}`, response.status >= 500 || response.status === 429);
  }
  const declared = Number(response.headers.get('content-length') ?? NaN);
  if (declared > options.maxBytes) {
    throw new ProviderError(`The provider's image is larger than ${options.maxBytes} bytes`, false);
  }
  return readCapped(response, options.maxBytes);
}

async function readCapped(response: Response, maxBytes: number): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  if (!response.body) return Buffer.alloc(0);
  try {
    for await (const chunk of response.body) {
      total += chunk.byteLength;
      if (total > maxBytes) throw new ProviderError(`The provider's image is larger than ${maxBytes} bytes`, false);
      chunks.push(chunk);
    }
  } catch (error) {
    if (error instanceof ProviderError) throw error;
    throw new ProviderError(`Downloading the provider's image failed: ${error instanceof Error ? error.message : String(error)}`, true, { cause: error });
  }
  return Buffer.concat(chunks);
}
