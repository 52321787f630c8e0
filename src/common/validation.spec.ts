import { isIsoDateTime } from './validation';

describe('isIsoDateTime', () => {
  it.each([
    '0001-01-01',
    '0050-06-15T12:30:00Z',
    '0099-12-31T23:59:59.999+02:00',
    '2024-02-29',
    '2026-12-01T19:49:48.123456Z',
    '1999-01-01T00:00-05:00',
  ])('accepts %s', (value) => expect(isIsoDateTime(value)).toBe(true));

  it.each([
    '2026-02-29',
    '2026-13-01',
    '2026-00-10',
    '2026-04-31',
    '2026-01-01T24:00:00Z',
    '2026-01-01T10:60Z',
    '2026-01-01T10:00',
    '26-01-01',
    'yesterday',
    '',
    12,
  ])('refuses %s', (value) => expect(isIsoDateTime(value)).toBe(false));
});
