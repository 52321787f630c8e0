import { DEFAULT_MODEL_CATALOGUE } from './model-catalogue';
import { parseModelCatalogueOverrides } from './model-catalogue-overrides';
import { GENERIC_MODELS } from '../image/image-models';

const parse = (overrides: unknown) => parseModelCatalogueOverrides(JSON.stringify(overrides));

describe('parseModelCatalogueOverrides', () => {
  it('is the built-in catalogue when unset', () => {
    expect(parseModelCatalogueOverrides(undefined)).toEqual({ catalogue: DEFAULT_MODEL_CATALOGUE, problems: [] });
  });

  it('changes an entry in place, merging its capabilities, and appends new ones with their provider’s rules', () => {
    const { catalogue, problems } = parse([
      { id: 'ultra', status: 'deprecated', shutdownDate: '2027-01-01', capabilities: { maxPromptLength: 500 } },
      { id: 'my-model', provider: 'openai' },
    ]);
    expect(problems).toEqual([]);
    const ultra = catalogue.find((entry) => entry.id === 'ultra')!;
    expect(ultra).toMatchObject({ status: 'deprecated', shutdownDate: '2027-01-01', provider: 'stability' });
    expect(ultra.capabilities).toMatchObject({ maxPromptLength: 500, maxImages: 1 });
    expect(catalogue.at(-1)).toEqual({
      id: 'my-model',
      provider: 'openai',
      kinds: ['image'],
      status: 'active',
      capabilities: GENERIC_MODELS.openai,
    });
    expect(catalogue).toHaveLength(DEFAULT_MODEL_CATALOGUE.length + 1);
  });

  it('names every bad entry', () => {
    expect(parse([{ id: 'x', provider: 'midjourney' }, 'core', { id: 'core', kinds: [] }]).problems).toEqual([
      'MODEL_CATALOGUE_OVERRIDES[0] ("x"): provider must be one of openai, stability, placeholder',
      'MODEL_CATALOGUE_OVERRIDES[1] must be an object with an id',
      'MODEL_CATALOGUE_OVERRIDES[2] ("core"): kinds must be a non-empty array of image, image_edit, image_upscale, audio, video, text',
    ]);
  });
});
