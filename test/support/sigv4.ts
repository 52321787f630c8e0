import { createHash, createHmac } from 'node:crypto';

/** RFC 3986 encoding, as Signature Version 4 canonicalises query strings. */
const encode = (value: string) =>
  encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest();

/**
 * Whether a presigned S3 GET carries a valid AWS Signature Version 4 for these credentials, recomputed from
 * the published algorithm (canonical request → string to sign → derived key): s3rver, the S3 server the
 * tests run, checks the expiry of presigned links but not their V4 signatures, so the tests check those here.
 */
export function hasValidPresignature(url: URL, credentials: { accessKeyId: string; secretAccessKey: string }): boolean {
  const query = url.searchParams;
  const [accessKeyId, date, region, service, terminator] = (query.get('X-Amz-Credential') ?? '').split('/');
  if (accessKeyId !== credentials.accessKeyId || terminator !== 'aws4_request') return false;
  if (query.get('X-Amz-Algorithm') !== 'AWS4-HMAC-SHA256' || query.get('X-Amz-SignedHeaders') !== 'host') return false;
  const canonicalQuery = [...query.entries()]
    .filter(([key]) => key !== 'X-Amz-Signature')
    .map(([key, value]) => [encode(key), encode(value)])
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, value]) => `${key}=${value}`)
    .join('&');
  const canonicalRequest = ['GET', url.pathname, canonicalQuery, `host:${url.host}\n`, 'host', 'UNSIGNED-PAYLOAD'].join(
    '\n',
  );
  const scope = `${date}/${region}/${service}/aws4_request`;
  const stringToSign = [
    'AWS4-HMAC-SHA256',
    query.get('X-Amz-Date'),
    scope,
    createHash('sha256').update(canonicalRequest).digest('hex'),
  ].join('\n');
  const signingKey = hmac(
    hmac(hmac(hmac(`AWS4${credentials.secretAccessKey}`, date), region), service),
    'aws4_request',
  );
  return createHmac('sha256', signingKey).update(stringToSign).digest('hex') === query.get('X-Amz-Signature');
}
