import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ProviderError } from '../../common/errors';
import { addressRefusal } from '../../common/public-addresses';
import { downloadImage, downloadRefusal, SafeDownloadOptions } from './safe-download';

describe('addressRefusal', () => {
  it.each([
    '127.0.0.1',
    '127.10.0.1',
    '10.1.2.3',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '224.0.0.1',
    '255.255.255.255',
    '::1',
    '::',
    'fe80::1',
    'fd00::1',
    '::ffff:127.0.0.1',
    '::ffff:10.0.0.1',
    '64:ff9b::a00:1',
  ])('refuses %s', (address) => {
    expect(addressRefusal(address, { allowInsecureLoopback: false })).toMatch(/not a public address/);
  });

  it.each(['8.8.8.8', '20.60.1.1', '172.32.0.1', '2606:4700::1111', '::ffff:8.8.8.8'])(
    'admits the public address %s',
    (address) => {
      expect(addressRefusal(address, { allowInsecureLoopback: false })).toBeUndefined();
    },
  );

  it('admits loopback only in the test-only insecure-loopback mode, and nothing else private', () => {
    expect(addressRefusal('127.0.0.1', { allowInsecureLoopback: true })).toBeUndefined();
    expect(addressRefusal('::1', { allowInsecureLoopback: true })).toBeUndefined();
    expect(addressRefusal('10.0.0.1', { allowInsecureLoopback: true })).toMatch(/not a public address/);
  });
});

describe('downloadRefusal of IP literals', () => {
  const everyHost = {
    allowedHosts: ['127.0.0.1', '[::1]', '[::ffff:7f00:1]', '169.254.169.254', '10.0.0.1', '8.8.8.8'],
    allowInsecureLoopback: false,
  };
  it.each([
    'https://127.0.0.1/a.png',
    'https://0x7f.1/a.png', // the URL parser reads it as 127.0.0.1
    'https://2130706433/a.png', // 127.0.0.1 as one number
    'https://[::1]/a.png',
    'https://[::ffff:127.0.0.1]/a.png',
    'https://169.254.169.254/latest/meta-data/',
    'https://10.0.0.1/a.png',
  ])('refuses %s even when the host is allowed', (url) => {
    expect(downloadRefusal(url, everyHost)).toMatch(/not a public address/);
  });

  it('admits a public IP literal that is allowed', () => {
    expect(downloadRefusal('https://8.8.8.8/a.png', everyHost)).toBeUndefined();
  });
});

describe('downloadImage', () => {
  let server: Server;
  let origin: string;
  const requests: string[] = [];
  const png = Buffer.from('89504e470d0a1a0a', 'hex');

  beforeAll(async () => {
    server = createServer((req, res) => {
      requests.push(req.url ?? '');
      if (req.url === '/redirect') {
        res.writeHead(302, { Location: `${origin}/image.png` }).end();
      } else if (req.url === '/huge') {
        res.writeHead(200, { 'Content-Type': 'image/png' }).end(Buffer.alloc(4096));
      } else {
        res.writeHead(200, { 'Content-Type': 'image/png' }).end(png);
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  beforeEach(() => {
    requests.length = 0;
  });

  const loopbackOptions: SafeDownloadOptions = {
    allowedHosts: [],
    allowInsecureLoopback: true,
    timeoutMs: 5_000,
    maxBytes: 1_024,
  };
  const signal = () => new AbortController().signal;

  it('downloads from an admitted link', async () => {
    await expect(downloadImage(`${origin}/image.png`, loopbackOptions, signal())).resolves.toEqual(png);
  });

  it('never follows a redirect, so the link cannot leave the allow-list', async () => {
    const failure = await downloadImage(`${origin}/redirect`, loopbackOptions, signal()).catch(
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(ProviderError);
    expect(failure).toMatchObject({ retryable: false, message: expect.stringContaining('redirected (HTTP 302)') });
    expect(requests).toEqual(['/redirect']);
  });

  it('stops reading past maxBytes', async () => {
    await expect(downloadImage(`${origin}/huge`, loopbackOptions, signal())).rejects.toMatchObject({
      retryable: false,
      message: expect.stringContaining('larger than 1024'),
    });
  });

  it('refuses an allowed name that resolves to a loopback address, before connecting', async () => {
    const port = (server.address() as AddressInfo).port;
    const options: SafeDownloadOptions = {
      allowedHosts: ['localhost'],
      allowInsecureLoopback: false,
      timeoutMs: 5_000,
      maxBytes: 1_024,
    };
    const failure = await downloadImage(`https://localhost:${port}/image.png`, options, signal()).catch(
      (error: unknown) => error,
    );
    expect(failure).toMatchObject({
      retryable: false,
      message: expect.stringMatching(
        /localhost resolves to a refused address: address (127\.0\.0\.1|::1) is not a public address/,
      ),
    });
    expect(requests).toEqual([]);
  });

  it('refuses plain http and hosts outside the allow-list without any request', async () => {
    const strict: SafeDownloadOptions = {
      ...loopbackOptions,
      allowInsecureLoopback: false,
      allowedHosts: ['files.example.com'],
    };
    await expect(downloadImage(`${origin}/image.png`, strict, signal())).rejects.toMatchObject({
      message: expect.stringContaining('only https'),
    });
    await expect(downloadImage('https://evil.example.org/a.png', strict, signal())).rejects.toMatchObject({
      message: expect.stringContaining('not in IMAGE_DOWNLOAD_ALLOWED_HOSTS'),
    });
    expect(requests).toEqual([]);
  });
});
