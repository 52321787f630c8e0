import OpenAI from 'openai';
import { httpFailure, openAiFailure, retryAfterMs } from './provider-failures';
import { downloadRefusal } from './image/safe-download';
import { toOpenAiParams } from './image/openai-image.provider';
import { retryDelayMs } from '../queue/queue.constants';

describe('retryAfterMs', () => {
  it('reads retry-after-ms, seconds and HTTP dates', () => {
    expect(retryAfterMs(new Headers({ 'retry-after-ms': '250' }))).toBe(250);
    expect(retryAfterMs(new Headers({ 'retry-after': '3' }))).toBe(3000);
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(retryAfterMs(new Headers({ 'retry-after': 'Thu, 01 Jan 2026 00:00:05 GMT' }), now)).toBe(5000);
    expect(retryAfterMs(new Headers({ 'retry-after': 'soon' }))).toBeUndefined();
    expect(retryAfterMs(undefined)).toBeUndefined();
  });
});

describe('provider failures', () => {
  it('retries 408, 409, 429 and 5xx; not other 4xx nor content policy', () => {
    expect([408, 409, 429, 500, 503].map((status) => httpFailure('p', status, 'm').retryable)).toEqual([
      true,
      true,
      true,
      true,
      true,
    ]);
    expect([400, 401, 403, 404, 422].map((status) => httpFailure('p', status, 'm').retryable)).toEqual([
      false,
      false,
      false,
      false,
      false,
    ]);
    const refused = httpFailure('p', 403, 'flagged', { contentPolicy: true });
    expect(refused).toMatchObject({ retryable: false, code: 'CONTENT_POLICY_VIOLATION' });
    expect(httpFailure('p', 429, 'slow down', { headers: new Headers({ 'retry-after': '2' }) }).retryAfterMs).toBe(
      2000,
    );
  });

  it('maps OpenAI SDK errors, telling our timeout apart', () => {
    const policy = OpenAI.APIError.generate(
      400,
      { error: { message: 'rejected', code: 'content_policy_violation' } },
      undefined,
      new Headers(),
    );
    expect(openAiFailure(policy, false)).toMatchObject({ retryable: false, code: 'CONTENT_POLICY_VIOLATION' });
    expect(openAiFailure(new OpenAI.APIUserAbortError(), true)).toMatchObject({
      retryable: true,
      message: 'openai did not answer in time',
    });
    expect(openAiFailure(new SyntaxError('Unexpected end of JSON input'), false).retryable).toBe(true);
  });

  it('tells a call the provider refused (an error answer: nothing happened) from one that may have taken effect', () => {
    const rateLimited = OpenAI.APIError.generate(429, { error: { message: 'slow' } }, undefined, new Headers());
    expect(openAiFailure(rateLimited, false).refused).toBe(true);
    expect(openAiFailure(new OpenAI.APIUserAbortError(), true).refused).toBe(false);
    expect(openAiFailure(new OpenAI.APIConnectionError({ message: 'reset' }), false).refused).toBe(false);
    expect(openAiFailure(new SyntaxError('Unexpected end of JSON input'), false).refused).toBe(false);
  });
});

describe('retryDelayMs', () => {
  const options = { baseMs: 100, maxMs: 5000 };
  it('backs off exponentially, never sooner than Retry-After, never beyond the cap', () => {
    expect([1, 2, 3].map((attempts) => retryDelayMs(attempts, new Error('x'), options))).toEqual([100, 200, 400]);
    expect(retryDelayMs(1, { retryAfterMs: 2000 }, options)).toBe(2000);
    expect(retryDelayMs(1, { retryAfterMs: 60_000 }, options)).toBe(5000);
  });
});

describe('downloadRefusal', () => {
  const allowed = { allowedHosts: ['files.example.com', '*.blob.example.net'], allowInsecureLoopback: false };
  it('admits only https links from configured hosts', () => {
    expect(downloadRefusal('https://files.example.com/a.png', allowed)).toBeUndefined();
    expect(downloadRefusal('https://x.blob.example.net/a.png', allowed)).toBeUndefined();
    expect(downloadRefusal('https://blob.example.net.evil.com/a.png', allowed)).toContain(
      'not in IMAGE_DOWNLOAD_ALLOWED_HOSTS',
    );
    expect(downloadRefusal('http://files.example.com/a.png', allowed)).toBe('only https links are downloaded');
    expect(downloadRefusal('https://user:pw@files.example.com/a.png', allowed)).toBe(
      'links with credentials are refused',
    );
    expect(downloadRefusal('http://127.0.0.1:9/a.png', allowed)).toBe('only https links are downloaded');
    expect(downloadRefusal('http://127.0.0.1:9/a.png', { ...allowed, allowInsecureLoopback: true })).toBeUndefined();
    expect(downloadRefusal('not a url', allowed)).toBe('it is not a valid URL');
  });
});

describe('toOpenAiParams', () => {
  it('sends GPT image models their own parameters and never response_format', () => {
    expect(
      toOpenAiParams({
        prompt: 'p',
        model: 'gpt-image-2',
        n: 2,
        quality: 'high',
        background: 'transparent',
        outputFormat: 'webp',
      }),
    ).toEqual({
      model: 'gpt-image-2',
      prompt: 'p',
      n: 2,
      quality: 'high',
      background: 'transparent',
      output_format: 'webp',
    });
    expect(toOpenAiParams({ prompt: 'p', model: 'dall-e-3', n: 1, size: '1024x1024', style: 'vivid' })).toEqual({
      model: 'dall-e-3',
      prompt: 'p',
      n: 1,
      size: '1024x1024',
      style: 'vivid',
      response_format: 'b64_json',
    });
  });
});
