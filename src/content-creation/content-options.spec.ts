import { ValidationError } from '../common/errors';
import { requestedContentType, templateWritingDefaults, titleFrom } from './content-options';
import { CONTENT_LIMITS } from './dto/content-request.dto';

describe('templateWritingDefaults', () => {
  it('takes the known writing options of a template, trimmed', () => {
    expect(
      templateWritingDefaults({
        contentType: 'blog_post',
        length: 'long',
        tone: ' warm ',
        audience: 'parents',
        language: 'French',
        temperature: 0.4,
        seed: 3,
      }),
    ).toEqual({
      contentType: 'blog_post',
      length: 'long',
      tone: 'warm',
      audience: 'parents',
      language: 'French',
      temperature: 0.4,
    });
  });

  it('drops unknown values, wrong types, blank or too long texts and temperatures outside 0-2', () => {
    expect(
      templateWritingDefaults({
        contentType: 'poem',
        length: 'huge',
        tone: '   ',
        audience: 'x'.repeat(CONTENT_LIMITS.audienceLength + 1),
        language: 7,
        temperature: 2.5,
      }),
    ).toEqual({});
    expect(templateWritingDefaults({ temperature: -0.1 })).toEqual({});
    expect(templateWritingDefaults({ temperature: '1' })).toEqual({});
  });

  it('is empty for parameters that are not an object', () => {
    for (const parameters of [null, undefined, 'blog_post', 3]) expect(templateWritingDefaults(parameters)).toEqual({});
  });
});

describe('requestedContentType', () => {
  it('is type, else its older name contentType, else undefined', () => {
    expect(requestedContentType({ type: 'email' })).toBe('email');
    expect(requestedContentType({ contentType: 'email' })).toBe('email');
    expect(requestedContentType({ type: 'email', contentType: 'email' })).toBe('email');
    expect(requestedContentType({})).toBeUndefined();
  });

  it('refuses two different types and an unknown one, naming the field', () => {
    for (const input of [{ type: 'email', contentType: 'slogan' }, { type: 'poem' }] as const) {
      const error = (() => {
        try {
          requestedContentType(input as never);
        } catch (caught) {
          return caught;
        }
      })();
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).details?.[0].field).toBe('type');
    }
  });
});

describe('titleFrom', () => {
  it('collapses whitespace and shortens long texts with an ellipsis', () => {
    expect(titleFrom('  Hello \n  world ')).toBe('Hello world');
    const title = titleFrom('word '.repeat(40));
    expect(title).toHaveLength(80);
    expect(title.endsWith('…')).toBe(true);
  });
});
