import { ValidationError } from '../common/errors';
import {
  parseStoredVariables,
  renderPlaceholders,
  renderTemplatePrompt,
  resolveTemplateValues,
  scanPlaceholders,
  TEMPLATE_LIMITS,
  templateVariableProblems,
  TemplateVariable,
} from './template-variables';

const variable = (name: string, extra: Partial<TemplateVariable> = {}): TemplateVariable => ({
  name,
  required: true,
  ...extra,
});

function thrown(action: () => unknown): ValidationError {
  try {
    action();
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
  throw new Error('expected a ValidationError');
}

describe('scanPlaceholders', () => {
  it('finds distinct names across texts, allowing spaces inside the braces', () => {
    expect(
      scanPlaceholders('Write about {{topic}} for {{ audience }}; {{topic}} again', 'avoid {{banned_words}}'),
    ).toEqual({
      names: ['topic', 'audience', 'banned_words'],
      invalid: [],
    });
  });

  it('reports placeholders that are not identifiers', () => {
    expect(scanPlaceholders('{{first name}} {{1st}} {{}} {{ok}}').invalid).toEqual([
      '{{first name}}',
      '{{1st}}',
      '{{}}',
    ]);
  });

  it('ignores single braces and null texts', () => {
    expect(scanPlaceholders('a {b} c', null, undefined)).toEqual({ names: [], invalid: [] });
  });
});

describe('templateVariableProblems', () => {
  it('accepts a prompt whose placeholders are exactly the declared variables', () => {
    expect(
      templateVariableProblems([variable('topic'), variable('tone')], 'Write {{topic}} in a {{tone}} tone'),
    ).toEqual([]);
  });

  it('names undeclared placeholders and unused variables', () => {
    const problems = templateVariableProblems(
      [variable('topic'), variable('unused')],
      'Write {{topic}} for {{audience}}',
    );
    expect(problems).toEqual([
      'placeholders used in the prompt but not declared in variables: audience',
      'variables declared but not used in the prompt: unused',
    ]);
  });

  it('counts placeholders of the negative prompt as used', () => {
    expect(
      templateVariableProblems([variable('subject'), variable('avoid')], 'A photo of {{subject}}', 'no {{avoid}}'),
    ).toEqual([]);
  });

  it('names duplicate declarations and invalid placeholders', () => {
    const problems = templateVariableProblems([variable('a'), variable('a')], '{{a}} {{b-c}}');
    expect(problems[0]).toContain('{{b-c}}');
    expect(problems[1]).toBe('variables are declared more than once: a');
  });
});

describe('resolveTemplateValues', () => {
  const variables = [
    variable('topic'),
    variable('tone', { default: 'friendly' }),
    variable('extra', { required: false }),
  ];

  it('uses given values, then defaults, then empty text for optional ones', () => {
    expect(resolveTemplateValues(variables, { topic: 'tea' })).toEqual({ topic: 'tea', tone: 'friendly', extra: '' });
  });

  it('treats blank values as missing', () => {
    expect(resolveTemplateValues(variables, { topic: 'tea', tone: '  ' }).tone).toBe('friendly');
  });

  it('names every missing required variable at once', () => {
    const error = thrown(() =>
      resolveTemplateValues([variable('a'), variable('b'), variable('c', { default: 'x' })], {}),
    );
    expect(error.message).toBe('Cannot render the template: missing required variables: a, b');
    expect(error.details).toEqual([
      { field: 'variables.a', problems: ['a is required'] },
      { field: 'variables.b', problems: ['b is required'] },
    ]);
  });

  it('refuses undeclared names, non-text values and oversized values', () => {
    const error = thrown(() =>
      resolveTemplateValues(variables, {
        topic: { nested: true },
        typo: 'x',
        tone: 'y'.repeat(TEMPLATE_LIMITS.maxValueLength + 1),
      }),
    );
    expect(error.message).toContain('unknown variables (not declared by the template): typo');
    expect(error.message).toContain('values must be text, numbers or booleans: topic');
    expect(error.message).toContain(`values longer than ${TEMPLATE_LIMITS.maxValueLength} characters: tone`);
  });

  it('inserts numbers and booleans as text', () => {
    expect(resolveTemplateValues([variable('count'), variable('flag')], { count: 3, flag: false })).toEqual({
      count: '3',
      flag: 'false',
    });
  });
});

describe('rendering', () => {
  it('replaces every occurrence, with or without inner spaces', () => {
    expect(renderPlaceholders('{{a}} and {{ a }} and {{b}}', { a: '1', b: '2' })).toBe('1 and 1 and 2');
  });

  it('never expands placeholders inside values (no recursive expansion)', () => {
    const rendered = renderTemplatePrompt(
      { prompt: 'Say {{first}} then {{second}}', variables: [variable('first'), variable('second')] },
      { first: '{{second}}', second: 'done' },
    );
    expect(rendered.prompt).toBe('Say {{second}} then done');
  });

  it('inserts text verbatim: replacement patterns and code are not interpreted', () => {
    const rendered = renderTemplatePrompt(
      { prompt: 'X={{v}}', variables: [variable('v')] },
      { v: '$& $1 ${process.exit()} `rm -rf`' },
    );
    expect(rendered.prompt).toBe('X=$& $1 ${process.exit()} `rm -rf`');
  });

  it('renders the negative prompt too', () => {
    const rendered = renderTemplatePrompt(
      {
        prompt: 'A {{subject}}',
        negativePrompt: 'no {{avoid}}',
        variables: [variable('subject'), variable('avoid', { default: 'blur' })],
      },
      { subject: 'cat' },
    );
    expect(rendered).toEqual({ prompt: 'A cat', negativePrompt: 'no blur', values: { subject: 'cat', avoid: 'blur' } });
  });

  it('refuses a rendered prompt above the size bound', () => {
    const variables = Array.from({ length: 10 }, (_, index) => variable(`v${index}`));
    const prompt = variables.map((v) => `{{${v.name}}}`).join(' ');
    const values = Object.fromEntries(variables.map((v) => [v.name, 'x'.repeat(TEMPLATE_LIMITS.maxValueLength)]));
    expect(thrown(() => renderTemplatePrompt({ prompt, variables }, values)).message).toContain(
      'rendered prompt is longer',
    );
  });
});

describe('parseStoredVariables', () => {
  it('keeps well-formed entries and drops the rest', () => {
    expect(
      parseStoredVariables([
        { name: 'a', required: true, default: 'x', description: 'd' },
        { name: 1 },
        'junk',
        { name: 'b' },
      ]),
    ).toEqual([
      { name: 'a', description: 'd', required: true, default: 'x' },
      { name: 'b', required: false },
    ]);
    expect(parseStoredVariables(null)).toEqual([]);
  });
});
