import { canonicalJson, idempotencyFingerprint } from './idempotency-fingerprint';

describe('idempotency fingerprint', () => {
  it('writes JSON with keys sorted at every depth and undefined values left out', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: undefined }], c: 'x' }, e: undefined })).toBe(
      '{"a":{"c":"x","d":[3,{"z":1}]},"b":1}',
    );
    expect(canonicalJson([undefined, null, 'é'])).toBe('[null,null,"é"]');
    expect(canonicalJson({ at: new Date('2026-01-01T00:00:00.000Z') })).toBe('{"at":"2026-01-01T00:00:00.000Z"}');
  });

  it('is the same for the same request whatever the key order, and differs for any other request', () => {
    const base = idempotencyFingerprint({
      kind: 'generate',
      body: { prompt: 'A lighthouse', size: '256x256', tags: ['a', 'b'] },
    });
    expect(base).toMatch(/^[0-9a-f]{64}$/);
    expect(
      idempotencyFingerprint({
        kind: 'generate',
        body: { tags: ['a', 'b'], size: '256x256', prompt: 'A lighthouse', seed: undefined },
      }),
    ).toBe(base);
    for (const other of [
      { kind: 'generate' as const, body: { prompt: 'A lighthouse!', size: '256x256', tags: ['a', 'b'] } },
      { kind: 'generate' as const, body: { prompt: 'A lighthouse', size: '256x256', tags: ['b', 'a'] } },
      { kind: 'generate' as const, body: { prompt: 'A lighthouse', size: '256x256', tags: ['a', 'b'], n: 1 } },
      {
        kind: 'regenerate' as const,
        assetId: '0b7c2a52-5f0e-4d3c-9a43-1e1f6a3c2b10',
        body: { prompt: 'A lighthouse', size: '256x256', tags: ['a', 'b'] },
      },
    ]) {
      expect(idempotencyFingerprint(other)).not.toBe(base);
    }
  });

  it('tells regenerations of different assets apart, but not the spelling of one asset id', () => {
    const regenerate = (assetId: string) =>
      idempotencyFingerprint({ kind: 'regenerate', assetId, body: { size: '256x256' } });
    expect(regenerate('0B7C2A52-5F0E-4D3C-9A43-1E1F6A3C2B10')).toBe(regenerate('0b7c2a52-5f0e-4d3c-9a43-1e1f6a3c2b10'));
    expect(regenerate('0b7c2a52-5f0e-4d3c-9a43-1e1f6a3c2b11')).not.toBe(
      regenerate('0b7c2a52-5f0e-4d3c-9a43-1e1f6a3c2b10'),
    );
  });
});
