import { types } from 'pg';
import { parseTextArray, parseTimestamptz, TEXT_ARRAY_OID } from './row-parsers';

const postgresDate = types.getTypeParser(types.builtins.TIMESTAMPTZ, 'text') as (text: string) => Date | number | null;

const instant = (value: Date | number | null) => (value instanceof Date ? value.getTime() : value);

/** pg's parser, refusing to be asked: what a parser reads itself must never reach it. */
const notPg = (text: string): never => {
  throw new Error(`left to pg: ${text}`);
};

/** Each of `texts` is handed to pg's parser, once, and answered as pg answers it. */
function expectLeftToPg<T>(
  parse: (text: string, otherwise: (text: string) => T) => unknown,
  pg: (text: string) => T,
  texts: string[],
) {
  for (const text of texts) {
    const leftToPg: string[] = [];
    const recordingPg = (value: string) => (leftToPg.push(value), pg(value));
    expect([text, parse(text, recordingPg)]).toEqual([text, pg(text)]);
    expect(leftToPg).toEqual([text]);
  }
}

describe('parseTimestamptz', () => {
  it('reads what PostgreSQL writes as the same instant as pg', () => {
    const texts: string[] = [];
    for (const day of ['2026-12-04 18:31:04', '1970-01-01 00:00:00', '2000-02-29 23:59:59', '1999-12-31 12:00:00'])
      for (const fraction of ['', '.9', '.98', '.983', '.9831', '.983164', '.000001', '.5'])
        for (const offset of ['+00', '-03', '+05:30', '-09:30', '+14', '-12']) texts.push(`${day}${fraction}${offset}`);
    for (const text of texts)
      expect([text, instant(parseTimestamptz(text, notPg))]).toEqual([text, instant(postgresDate(text))]);
  });

  it('reads every millisecond of a second exactly', () => {
    for (let ms = 0; ms < 1000; ms++) {
      const text = `2026-12-04 18:31:04.${String(ms).padStart(3, '0')}+00`;
      expect([text, instant(parseTimestamptz(text, notPg))]).toEqual([text, Date.UTC(2026, 11, 4, 18, 31, 4, ms)]);
    }
  });

  it('leaves what it does not read by position to pg', () => {
    expectLeftToPg(parseTimestamptz, postgresDate, [
      'infinity',
      '-infinity',
      '2026-12-04 18:31:04+00:19:32',
      '0044-03-15 12:00:00+00 BC',
      '0099-01-01 00:00:00+00',
      '12026-01-01 00:00:00+00',
      '2026-12-04T18:31:04+00',
      '2026-12-04 18:31:04',
      '2026-12-04 18:31:04.+00',
    ]);
  });
});

describe('parseTextArray', () => {
  const pgTextArray = (types.getTypeParser as (oid: number, format: 'text') => (text: string) => unknown[])(
    TEXT_ARRAY_OID,
    'text',
  );

  it('splits an array of bare elements as pg does', () => {
    for (const text of ['{}', '{landscape}', '{landscape,sunset,city-night}', '{a,nullable,nil,null-island}'])
      expect([text, parseTextArray(text, notPg)]).toEqual([text, pgTextArray(text)]);
  });

  it('leaves quoted, escaped, nested and NULL elements to pg', () => {
    expectLeftToPg(parseTextArray, pgTextArray, [
      '{"a b",c}',
      '{"a,b"}',
      '{""}',
      '{"a\\"b"}',
      '{{a,b},{c,d}}',
      '{a,NULL}',
      '{NULL}',
      '{null,a}',
    ]);
  });
});
