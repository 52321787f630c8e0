import {
  CONTENT_TYPE_INSTRUCTIONS,
  generateMessages,
  ideasMessages,
  ideasOutput,
  improveMessages,
  MAX_SUGGESTIONS,
  parseIdeasAnswer,
  parseImproveAnswer,
  parseTextAnswer,
} from './content-prompts';

describe('content prompts', () => {
  it('puts the content type instructions and style options in the system message and the request in the user message', () => {
    const [system, user] = generateMessages({
      prompt: 'Oat latte launch',
      contentType: 'email',
      length: 'long',
      tone: 'warm',
      audience: 'regulars',
      language: 'German',
    });
    expect(system.role).toBe('system');
    expect(system.content).toContain(CONTENT_TYPE_INSTRUCTIONS.email);
    expect(system.content).toContain('600 to 1200 words');
    expect(system.content).toContain('Tone: warm.');
    expect(system.content).toContain('Audience: regulars.');
    expect(system.content).toContain('German');
    expect(user).toEqual({ role: 'user', content: 'Oat latte launch' });
  });

  it('leaves out options that were not given', () => {
    const [system] = generateMessages({ prompt: 'x', contentType: 'general' });
    expect(system.content).not.toMatch(/Tone|Audience|language|words/);
  });

  it('states the goal of an improvement, with a default', () => {
    expect(improveMessages({ original: 'x', goal: 'shorter' })[0].content).toContain(
      'Goal of the improvement: shorter.',
    );
    expect(improveMessages({ original: 'x' })[0].content).toContain('clearer, more engaging');
  });

  it('asks for exactly count ideas, in the prompt and in the schema', () => {
    expect(ideasMessages({ topic: 'tea', count: 4, contentType: 'social_post' })[0].content).toContain(
      'exactly 4 distinct ideas',
    );
    expect(ideasOutput(4).schema).toMatchObject({
      properties: { ideas: { minItems: 4, maxItems: 4 } },
      additionalProperties: false,
    });
  });

  describe('answer validation', () => {
    it('text answers must not be empty', () => {
      expect(parseTextAnswer('  hi \n')).toEqual({ ok: true, value: 'hi' });
      expect(parseTextAnswer('  ')).toEqual({ ok: false, problem: 'the answer was empty' });
    });

    it('improve answers need improved text and 1-10 suggestions', () => {
      expect(parseImproveAnswer('{"improved":" Better. ","suggestions":["a"," b "]}')).toEqual({
        ok: true,
        value: { improved: 'Better.', suggestions: ['a', 'b'] },
      });
      expect(parseImproveAnswer('not json')).toEqual({ ok: false, problem: 'the answer is not valid JSON' });
      expect(parseImproveAnswer('[1]')).toEqual({ ok: false, problem: 'the answer is not a JSON object' });
      expect(parseImproveAnswer('{"improved":"","suggestions":["a"]}').ok).toBe(false);
      expect(parseImproveAnswer('{"improved":"x","suggestions":[]}').ok).toBe(false);
      const tooMany = JSON.stringify({
        improved: 'x',
        suggestions: Array.from({ length: MAX_SUGGESTIONS + 1 }, (_, i) => `s${i}`),
      });
      expect(parseImproveAnswer(tooMany).ok).toBe(false);
    });

    it('ideas answers must have exactly count non-empty strings', () => {
      expect(parseIdeasAnswer('{"ideas":["a","b"]}', 2)).toEqual({ ok: true, value: ['a', 'b'] });
      expect(parseIdeasAnswer('{"ideas":["a"]}', 2)).toEqual({ ok: false, problem: 'asked for 2 ideas, got 1' });
      expect(parseIdeasAnswer('{"ideas":["a",""]}', 2).ok).toBe(false);
      expect(parseIdeasAnswer('{"ideas":"a, b"}', 2).ok).toBe(false);
    });
  });
});
