import { ValidationError } from './errors';
import { cursorField, decodeCursor, encodeCursor } from './pagination';

const ID = '0b7c2a52-5f0e-4d3c-9a43-1e1f6a3c2b10';
const raw = (text: string) => Buffer.from(text).toString('base64url');

function refusal(run: () => unknown): ValidationError {
  try {
    run();
  } catch (error) {
    return error as ValidationError;
  }
  throw new Error('expected the cursor to be refused');
}

describe('keyset cursor codec', () => {
  it('round-trips typed values: a date back as a Date, a uuid, numbers, strings and nulls', () => {
    const createdAt = new Date('2026-03-04T05:06:07.089Z');
    const cursor = encodeCursor([createdAt.toISOString(), ID, 42, 'Title, with "quotes"', null, '0.040000']);
    const [date, id, count, title, cost, amount] = decodeCursor(cursor, [
      cursorField.date,
      cursorField.uuid,
      cursorField.integer,
      cursorField.string,
      cursorField.nullable(cursorField.decimal),
      cursorField.nullable(cursorField.decimal),
    ]);
    expect(date).toEqual(createdAt);
    expect([id, count, title, cost, amount]).toEqual([ID, 42, 'Title, with "quotes"', null, '0.040000']);
    expect(decodeCursor(encodeCursor(['asc', 1.5]), [cursorField.oneOf('asc', 'desc'), cursorField.number])).toEqual([
      'asc',
      1.5,
    ]);
  });

  it.each([
    ['not base64url', '***', [cursorField.date, cursorField.uuid]],
    ['base64url of something that is not JSON', 'garbage', [cursorField.date, cursorField.uuid]],
    [
      'padding and other base64 characters',
      `${encodeCursor(['2026-01-01T00:00:00.000Z', ID])}==`,
      [cursorField.date, cursorField.uuid],
    ],
    ['empty', '', [cursorField.date, cursorField.uuid]],
    ['JSON that is not an array', raw('{"a":1}'), [cursorField.date, cursorField.uuid]],
    ['too short', encodeCursor(['2026-01-01T00:00:00.000Z']), [cursorField.date, cursorField.uuid]],
    ['too long', encodeCursor(['2026-01-01T00:00:00.000Z', ID, 1]), [cursorField.date, cursorField.uuid]],
    ['not a date', encodeCursor(['not a date', ID]), [cursorField.date, cursorField.uuid]],
    [
      'a date Date#toISOString never wrote',
      encodeCursor(['2026-02-30T00:00:00.000Z', ID]),
      [cursorField.date, cursorField.uuid],
    ],
    ['a date without time', encodeCursor(['2026-01-01', ID]), [cursorField.date, cursorField.uuid]],
    ['a number for a date', encodeCursor([1767225600000, ID]), [cursorField.date, cursorField.uuid]],
    ['not a uuid', encodeCursor(['2026-01-01T00:00:00.000Z', 'nope']), [cursorField.date, cursorField.uuid]],
    [
      'null where null is not allowed',
      encodeCursor(['2026-01-01T00:00:00.000Z', null]),
      [cursorField.date, cursorField.uuid],
    ],
    ['an object inside', raw(JSON.stringify([{}, ID])), [cursorField.scalar, cursorField.uuid]],
    ['a fraction for an integer', encodeCursor([1.5, ID]), [cursorField.integer, cursorField.uuid]],
    ['an integer beyond 32 bits', encodeCursor([2 ** 31, ID]), [cursorField.integer, cursorField.uuid]],
    ['a string for an integer', encodeCursor(['7', ID]), [cursorField.integer, cursorField.uuid]],
    ['text for a decimal', encodeCursor(['1e400', ID]), [cursorField.decimal, cursorField.uuid]],
    ['a value outside oneOf', encodeCursor(['sideways', ID]), [cursorField.oneOf('asc', 'desc'), cursorField.uuid]],
  ] as const)('refuses a cursor that is %s with the one invalid-cursor error', (_case, cursor, fields) => {
    const error = refusal(() => decodeCursor(cursor, fields));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.message).toBe('cursor is not a cursor this list returned');
    expect(error.details).toEqual([{ field: 'cursor', problems: ['invalid cursor'] }]);
  });
});
