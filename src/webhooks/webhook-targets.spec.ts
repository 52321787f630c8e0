import type { LookupAddress } from 'node:dns';
import { webhookResolutionRefusal, webhookTargetRefusal } from './webhook-targets';

const resolvingTo =
  (...addresses: string[]) =>
  (): Promise<LookupAddress[]> =>
    Promise.resolve(addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })));

describe('webhook targets', () => {
  it('accepts https on a name or a public address', () => {
    expect(webhookTargetRefusal('https://hooks.example.com/in', [])).toBeUndefined();
    expect(webhookTargetRefusal('https://93.184.216.34:8443/in', [])).toBeUndefined();
  });

  it.each([
    ['http://hooks.example.com/in', /only https/],
    ['ftp://hooks.example.com/in', /only https/],
    ['not a url', /not a valid URL/],
    ['https://user:pass@hooks.example.com/', /credentials/],
    ['https://10.1.2.3/', /not a public address/],
    ['https://127.0.0.1:8080/', /not a public address/],
    ['https://169.254.169.254/latest/meta-data', /not a public address/],
    ['https://[::1]/', /not a public address/],
    ['https://[::ffff:192.168.0.1]/', /not a public address/],
    ['https://2130706433/', /not a public address/],
  ])('refuses %s', (url, reason) => {
    expect(webhookTargetRefusal(url, [])).toMatch(reason);
  });

  it('accepts http and private addresses on a host WEBHOOK_ALLOWED_HOSTS lists, and only there', () => {
    expect(webhookTargetRefusal('http://127.0.0.1:9000/in', ['127.0.0.1'])).toBeUndefined();
    expect(webhookTargetRefusal('http://receiver.internal/in', ['*.internal'])).toBeUndefined();
    expect(webhookTargetRefusal('http://internal/in', ['*.internal'])).toMatch(/only https/);
    expect(webhookTargetRefusal('https://user:pass@127.0.0.1/', ['127.0.0.1'])).toMatch(/credentials/);
  });

  it('refuses a name that resolves to any non-public address, and one that does not resolve', async () => {
    const url = 'https://hooks.example.com/in';
    expect(await webhookResolutionRefusal(url, [], resolvingTo('93.184.216.34'))).toBeUndefined();
    expect(await webhookResolutionRefusal(url, [], resolvingTo('93.184.216.34', '10.0.0.7'))).toMatch(
      /resolves to a refused address: address 10.0.0.7/,
    );
    expect(await webhookResolutionRefusal(url, [], resolvingTo('fd00::1'))).toMatch(/refused address/);
    expect(await webhookResolutionRefusal(url, [], () => Promise.reject(new Error('getaddrinfo ENOTFOUND')))).toMatch(
      /does not resolve: getaddrinfo ENOTFOUND/,
    );
    expect(await webhookResolutionRefusal(url, ['hooks.example.com'], resolvingTo('10.0.0.7'))).toBeUndefined();
  });
});
