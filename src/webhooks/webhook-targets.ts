import {
  addressRefusal,
  type AddressRules,
  hostAllowed,
  literalAddress,
  RefusedAddressError,
  resolvePublicAddresses,
  type ResolveAll,
} from '../common/public-addresses';

/** Webhook targets are never loopback, unless WEBHOOK_ALLOWED_HOSTS names the host (then nothing is checked). */
export const WEBHOOK_ADDRESS_RULES: AddressRules = { allowInsecureLoopback: false };

export const MAX_WEBHOOK_URL_LENGTH = 2_048;

/** A URL whose host WEBHOOK_ALLOWED_HOSTS lists: http and private addresses are accepted there. */
export function isAllowListedTarget(url: URL, allowedHosts: readonly string[]): boolean {
  return hostAllowed(url.hostname.toLowerCase(), allowedHosts);
}

/**
 * Why `url` may not be a webhook target, judged without DNS, or undefined when it may (names are resolved
 * at registration and again for every connection): https only, no credentials, an IP literal must be public.
 */
export function webhookTargetRefusal(url: string, allowedHosts: readonly string[]): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'it is not a valid URL';
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return 'only https URLs are accepted';
  if (parsed.username || parsed.password) return 'URLs with credentials are refused';
  if (isAllowListedTarget(parsed, allowedHosts)) return undefined;
  if (parsed.protocol !== 'https:') return 'only https URLs are accepted (or a host listed in WEBHOOK_ALLOWED_HOSTS)';
  const literal = literalAddress(parsed.hostname);
  return literal ? addressRefusal(literal, WEBHOOK_ADDRESS_RULES) : undefined;
}

/** Why `url`'s name resolves to no acceptable address (non-public, or none), or undefined when it is fine. */
export async function webhookResolutionRefusal(
  url: string,
  allowedHosts: readonly string[],
  resolveAll?: ResolveAll,
): Promise<string | undefined> {
  const parsed = new URL(url);
  if (isAllowListedTarget(parsed, allowedHosts) || literalAddress(parsed.hostname)) return undefined;
  try {
    await resolvePublicAddresses(parsed.hostname, WEBHOOK_ADDRESS_RULES, resolveAll);
    return undefined;
  } catch (error) {
    if (error instanceof RefusedAddressError) return error.message;
    return `${parsed.hostname} does not resolve: ${error instanceof Error ? error.message : String(error)}`;
  }
}
