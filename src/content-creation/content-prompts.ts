import type { ChatMessage, StructuredOutput } from '../providers/text/text-provider';

/**
 * What the content routes ask the model, and how its answers are checked. Pure, so the instructions and
 * the answer validation are unit-tested without a provider.
 */

/** Each content type brings its own instructions. */
export const CONTENT_TYPE_INSTRUCTIONS = {
  general: 'Write the text the user asks for.',
  blog_post:
    'Write a blog post: a compelling title, an engaging introduction, short paragraphs under clear subheadings and a brief conclusion.',
  article:
    'Write an informative article with a headline, a lead paragraph that summarises the point, and well-organised sections.',
  social_post:
    'Write a social media post: a hook in the first line, short sentences, and a few relevant hashtags at the end.',
  product_description:
    'Write a product description that turns features into customer benefits and ends with a short call to action.',
  ad_copy: 'Write advertising copy: a punchy headline, one or two persuasive sentences and a clear call to action.',
  email: 'Write a marketing email: a subject line, a greeting, a concise body and one clear call to action.',
  headline: 'Write headline options: short, specific and attention-grabbing, one per line.',
  slogan: 'Write slogan options: memorable, at most eight words each, one per line.',
  seo_meta: 'Write an SEO meta title (at most 60 characters) and meta description (at most 155 characters), labelled.',
  video_script:
    'Write a video script with scene directions in brackets and the spoken lines, opening with a hook in the first five seconds.',
} as const;

export type ContentType = keyof typeof CONTENT_TYPE_INSTRUCTIONS;
export const CONTENT_TYPES = Object.keys(CONTENT_TYPE_INSTRUCTIONS) as ContentType[];

export const CONTENT_LENGTHS = {
  short: 'Keep it short: about 50 to 150 words.',
  medium: 'Aim for about 150 to 400 words.',
  long: 'Write a long piece: about 600 to 1200 words.',
} as const;

export type ContentLength = keyof typeof CONTENT_LENGTHS;
export const CONTENT_LENGTH_NAMES = Object.keys(CONTENT_LENGTHS) as ContentLength[];

export const IDEAS_COUNT_RANGE = { min: 1, max: 50 } as const;
export const MAX_SUGGESTIONS = 10;

/** Style options every content route accepts. */
export interface StyleOptions {
  tone?: string;
  audience?: string;
  language?: string;
}

function styleLines(options: StyleOptions): string[] {
  return [
    options.tone && `Tone: ${options.tone}.`,
    options.audience && `Audience: ${options.audience}.`,
    options.language && `Write in this language: ${options.language}.`,
  ].filter((line): line is string => Boolean(line));
}

export function generateMessages(
  input: StyleOptions & { prompt: string; contentType: ContentType; length?: ContentLength },
): ChatMessage[] {
  const system = [
    'You are an expert copywriter.',
    CONTENT_TYPE_INSTRUCTIONS[input.contentType],
    input.length && CONTENT_LENGTHS[input.length],
    ...styleLines(input),
    'Answer with the finished text only: no preamble, no notes about what you did.',
  ].filter(Boolean);
  return [
    { role: 'system', content: system.join('\n') },
    { role: 'user', content: input.prompt },
  ];
}

export function improveMessages(input: StyleOptions & { original: string; goal?: string }): ChatMessage[] {
  const system = [
    'You are an expert editor. Improve the text the user sends, keeping its meaning and facts.',
    `Goal of the improvement: ${input.goal ?? 'clearer, more engaging and free of errors'}.`,
    ...styleLines(input),
    `Answer in JSON: "improved" is the complete improved text; "suggestions" are 1 to ${MAX_SUGGESTIONS} short, concrete suggestions for further improvement.`,
  ];
  return [
    { role: 'system', content: system.join('\n') },
    { role: 'user', content: input.original },
  ];
}

export function ideasMessages(
  input: StyleOptions & { topic: string; count: number; contentType?: ContentType },
): ChatMessage[] {
  const system = [
    `You are a creative strategist. Give exactly ${input.count} distinct ideas about the topic the user sends.`,
    input.contentType &&
      input.contentType !== 'general' &&
      `The ideas are for this kind of content: ${input.contentType.replace(/_/g, ' ')}.`,
    ...styleLines(input),
    'Each idea is one or two sentences. Answer in JSON with the ideas in "ideas".',
  ].filter(Boolean);
  return [
    { role: 'system', content: system.join('\n') },
    { role: 'user', content: input.topic },
  ];
}

export const IMPROVE_OUTPUT: StructuredOutput = {
  name: 'improved_content',
  description: 'The improved text and suggestions for further improvement',
  schema: {
    type: 'object',
    properties: {
      improved: { type: 'string', description: 'The complete improved text' },
      suggestions: { type: 'array', items: { type: 'string' }, minItems: 1, maxItems: MAX_SUGGESTIONS },
    },
    required: ['improved', 'suggestions'],
    additionalProperties: false,
  },
};

export function ideasOutput(count: number): StructuredOutput {
  return {
    name: 'content_ideas',
    description: `Exactly ${count} ideas`,
    schema: {
      type: 'object',
      properties: { ideas: { type: 'array', items: { type: 'string' }, minItems: count, maxItems: count } },
      required: ['ideas'],
      additionalProperties: false,
    },
  };
}

/** A model answer checked against what was asked: the value, or why it is unusable (then retried). */
export type ParsedAnswer<T> = { ok: true; value: T } | { ok: false; problem: string };

export function parseTextAnswer(text: string): ParsedAnswer<string> {
  const trimmed = text.trim();
  return trimmed ? { ok: true, value: trimmed } : { ok: false, problem: 'the answer was empty' };
}

export function parseImproveAnswer(text: string): ParsedAnswer<{ improved: string; suggestions: string[] }> {
  const json = parseJsonObject(text);
  if (!json.ok) return json;
  const { improved, suggestions } = json.value;
  if (typeof improved !== 'string' || improved.trim() === '')
    return { ok: false, problem: '"improved" is not a non-empty string' };
  const list = stringList(suggestions);
  if (!list || list.length < 1 || list.length > MAX_SUGGESTIONS) {
    return { ok: false, problem: `"suggestions" is not a list of 1-${MAX_SUGGESTIONS} non-empty strings` };
  }
  return { ok: true, value: { improved: improved.trim(), suggestions: list } };
}

export function parseIdeasAnswer(text: string, count: number): ParsedAnswer<string[]> {
  const json = parseJsonObject(text);
  if (!json.ok) return json;
  const ideas = stringList(json.value.ideas);
  if (!ideas) return { ok: false, problem: '"ideas" is not a list of non-empty strings' };
  if (ideas.length !== count) return { ok: false, problem: `asked for ${count} ideas, got ${ideas.length}` };
  return { ok: true, value: ideas };
}

function parseJsonObject(text: string): ParsedAnswer<Record<string, unknown>> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, problem: 'the answer is not valid JSON' };
  }
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? { ok: true, value: value as Record<string, unknown> }
    : { ok: false, problem: 'the answer is not a JSON object' };
}

function stringList(value: unknown): string[] | undefined {
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string' && item.trim() !== '')) return undefined;
  return value.map((item: string) => item.trim());
}
