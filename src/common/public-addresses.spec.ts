import type { LookupAddress } from 'node:dns';
import { publicAddressLookup, RefusedAddressError } from './public-addresses';

function lookupOnce(
  lookup: ReturnType<typeof publicAddressLookup>,
  hostname: string,
): Promise<{ address: string; family: number }> {
  return new Promise((resolve, reject) =>
    lookup(hostname, { family: 0 }, (error, address, family) =>
      error ? reject(error) : resolve({ address: address as string, family: family ?? 0 }),
    ),
  );
}

describe('publicAddressLookup', () => {
  it('judges every resolution it makes, so a name rebound to a private address between two connections is refused', async () => {
    const answers: LookupAddress[][] = [
      [{ address: '93.184.216.34', family: 4 }],
      [{ address: '10.0.0.5', family: 4 }],
    ];
    const lookup = publicAddressLookup({ allowInsecureLoopback: false }, () => Promise.resolve(answers.shift() ?? []));

    await expect(lookupOnce(lookup, 'rebinding.example')).resolves.toEqual({ address: '93.184.216.34', family: 4 });
    const refused = lookupOnce(lookup, 'rebinding.example');
    await expect(refused).rejects.toBeInstanceOf(RefusedAddressError);
    await expect(refused).rejects.toThrow('rebinding.example resolves to a refused address: address 10.0.0.5');
  });

  it('admits loopback only when the rules say so', async () => {
    const loopback = () => Promise.resolve([{ address: '127.0.0.1', family: 4 }]);
    await expect(
      lookupOnce(publicAddressLookup({ allowInsecureLoopback: true }, loopback), 'localhost'),
    ).resolves.toEqual({ address: '127.0.0.1', family: 4 });
    await expect(
      lookupOnce(publicAddressLookup({ allowInsecureLoopback: false }, loopback), 'localhost'),
    ).rejects.toBeInstanceOf(RefusedAddressError);
  });
});
