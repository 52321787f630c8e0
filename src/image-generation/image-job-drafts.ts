import { Injectable } from '@nestjs/common';
import { ASSET_LIMITS } from '../assets/asset-rules';
import { AssetsService } from '../assets/assets.service';
import { type FieldProblem, ValidationError } from '../common/errors';
import { ImageProviderName } from '../config/engine-config';
import { imageRequestProblems, validateImageRequest } from '../providers/image/image-models';
import { ImageProviderRegistry } from '../providers/image/image-provider.registry';
import { RenderedTemplate, TemplatesService } from '../templates/templates.service';
import type { GenerateImageDto, RegenerateImageDto } from './dto/generate-image.dto';
import { ImageJobParameters, pickImageParameters, toProviderRequest } from './image-job-parameters';
import { definedOnly } from '../common/objects';
import type { JobDraft } from '../generation-jobs/job-submission.service';

/** An image job about to be recorded: validated, with its provider and model resolved. */
export interface ImageJobDraft extends JobDraft {
  type: 'image_generation' | 'image_regeneration';
  provider: ImageProviderName;
  parameters: ImageJobParameters;
}

/** A draft before its provider and model are resolved and its rules checked. */
type DraftInput = Omit<ImageJobDraft, 'provider' | 'model' | 'parameters' | 'priority'> & {
  provider?: ImageProviderName;
  model?: string;
  parameters: Partial<ImageJobParameters>;
  priority?: number;
  /** A regeneration that named no model takes the successor of a retired one. */
  replaceRetired?: boolean;
  /**
   * Provider parameters carried over from a regenerated asset: under `parameters`, but left out (with a
   * warning) where the model now chosen does not take them, instead of refusing the regeneration.
   */
  inherited?: Partial<ImageJobParameters>;
};

/** The fields of an image request besides its template and the template's values. */
export type TemplateImageInput = Omit<GenerateImageDto, 'prompt' | 'templateId' | 'variables'>;

/**
 * Turns image requests into job drafts (docs/ARCHITECTURE.md §4): the prompt from the request, a template
 * or the regenerated asset, the provider and model resolved, and the model's rules checked (one 400 naming
 * every problem) before anything is recorded.
 */
@Injectable()
export class ImageJobDrafts {
  constructor(
    private readonly providers: ImageProviderRegistry,
    private readonly templates: TemplatesService,
    private readonly assets: AssetsService,
  ) {}

  /** A generation from a prompt, or from an image template rendered with the request's variables. */
  async fromRequest(userId: string, input: GenerateImageDto): Promise<ImageJobDraft> {
    if (input.templateId === undefined) {
      if (input.variables !== undefined) {
        throw new ValidationError('variables are only used with templateId', [
          { field: 'variables', problems: ['variables need a templateId'] },
        ]);
      }
      return this.draft({
        ...input,
        type: 'image_generation',
        prompt: input.prompt as string,
        parameters: definedImageFields(input),
      });
    }
    if (input.prompt !== undefined) {
      throw new ValidationError('Give either prompt or templateId, not both', [
        { field: 'prompt', problems: ['prompt must be empty when templateId is given'] },
      ]);
    }
    return this.fromTemplate(
      await this.templates.renderTemplate(userId, input.templateId, input.variables ?? {}),
      input,
    );
  }

  /** A generation from an image template already rendered with its values (rendered once per request). */
  fromTemplate(rendered: RenderedTemplate, input: TemplateImageInput): ImageJobDraft {
    if (rendered.template.type !== 'image') {
      throw new ValidationError(
        `Template ${rendered.template.id} is a ${rendered.template.type} template; image generation needs an image template`,
        [{ field: 'templateId', problems: ['not an image template'] }],
      );
    }
    return this.draft({
      ...input,
      type: 'image_generation',
      prompt: rendered.prompt,
      negativePrompt: input.negativePrompt ?? rendered.negativePrompt ?? undefined,
      model: input.model ?? (input.provider ? undefined : (rendered.template.model ?? undefined)),
      parameters: {
        ...pickImageParameters(rendered.template.parameters),
        ...definedImageFields(input),
        variables: rendered.values,
      },
      templateId: rendered.template.id,
    });
  }

  /**
   * A regeneration of an image asset (the caller's own or a public one): its prompt and parameters, with
   * the given fields replacing theirs. The seed is not carried over (a regeneration is a new variation)
   * unless given. The new asset links the original through parentAssetId.
   */
  async fromAsset(userId: string, assetId: string, input: RegenerateImageDto): Promise<ImageJobDraft> {
    const asset = await this.assets.getAsset(userId, assetId);
    if (asset.type !== 'image')
      throw new ValidationError(`Asset ${assetId} is a ${asset.type} asset; only images can be regenerated`);
    const prompt = input.prompt ?? asset.prompt;
    if (!prompt)
      throw new ValidationError(`Asset ${assetId} has no prompt: give one to regenerate it`, [
        { field: 'prompt', problems: ['prompt is required for this asset'] },
      ]);
    const { seed: _originalSeed, ...inherited } = pickImageParameters(asset.parameters);
    const knownProvider = this.providerName(asset.provider);
    return this.draft({
      type: 'image_regeneration',
      prompt,
      negativePrompt: input.negativePrompt ?? asset.negativePrompt ?? undefined,
      // A new model picks its own provider; otherwise the asset's provider and model are kept.
      provider: input.provider ?? (input.model ? undefined : knownProvider),
      model: input.model ?? (input.provider || !knownProvider ? undefined : (asset.model ?? undefined)),
      parameters: { category: asset.category ?? undefined, tags: asset.tags, ...definedImageFields(input) },
      inherited,
      priority: input.priority,
      parentAssetId: asset.id,
      replaceRetired: input.model === undefined,
    });
  }

  /** Resolves provider and model and checks the request against the model's rules (400 naming every problem). */
  private draft({ replaceRetired, inherited = {}, ...input }: DraftInput): ImageJobDraft {
    const { provider, model, spec, shutdownDate, warnings } = this.providers.resolve({
      provider: input.provider,
      model: input.model,
      replaceRetired,
    });
    const prompt = input.prompt.trim();
    const negativePrompt = input.negativePrompt?.trim() || undefined;
    assertLibraryLimits(prompt, negativePrompt);
    const request = (parameters: ImageJobParameters) =>
      toProviderRequest({ prompt, negativePrompt: negativePrompt ?? null, model }, parameters);
    const kept = keepAccepted(inherited, input.parameters, (parameters) =>
      imageRequestProblems(request(parameters), spec),
    );
    const allWarnings = [
      ...warnings,
      ...kept.dropped.map((field) => `${field} of the original was left out: not supported by ${model}`),
    ];
    const parameters = definedOnly<ImageJobParameters>({
      ...kept.parameters,
      n: kept.parameters.n ?? 1,
      warnings: allWarnings.length > 0 ? allWarnings : undefined,
    });
    validateImageRequest(request(parameters), spec);
    this.providers.assertConfigured(provider);
    return {
      ...input,
      prompt,
      negativePrompt,
      provider: provider.name,
      model,
      parameters,
      priority: input.priority ?? 0,
      modelShutdownDate: shutdownDate,
    };
  }

  private providerName(name: string | null): ImageProviderName | undefined {
    return name && this.providers.isProviderName(name) ? name : undefined;
  }
}

/** The fields of a request that are provider parameters or labels of the created assets. */
const IMAGE_REQUEST_FIELDS = [
  'n',
  'size',
  'aspectRatio',
  'quality',
  'style',
  'background',
  'outputFormat',
  'seed',
  'steps',
  'guidance',
  'partialImages',
  'title',
  'category',
  'tags',
] as const satisfies readonly (keyof ImageJobParameters & keyof RegenerateImageDto)[];

/** The provider parameters and asset labels a request gave explicitly. */
function definedImageFields(input: GenerateImageDto | RegenerateImageDto): Partial<ImageJobParameters> {
  return definedOnly(
    Object.fromEntries(IMAGE_REQUEST_FIELDS.map((field) => [field, input[field]])) as Partial<ImageJobParameters>,
  );
}

/**
 * The inherited parameters the model takes, under the explicit ones; an inherited field the model refuses is
 * dropped (and named), while an explicit one is left for validation to refuse.
 */
function keepAccepted(
  inherited: Partial<ImageJobParameters>,
  explicit: Partial<ImageJobParameters>,
  problemsOf: (parameters: ImageJobParameters) => readonly FieldProblem[],
): { parameters: Partial<ImageJobParameters>; dropped: string[] } {
  const merged = { ...inherited, ...explicit };
  const refused = new Set(problemsOf({ n: 1, ...merged }).map((problem) => problem.field));
  const dropped = Object.keys(inherited).filter((field) => refused.has(field) && !(field in explicit));
  const parameters = Object.fromEntries(Object.entries(merged).filter(([field]) => !dropped.includes(field)));
  return { parameters, dropped };
}

/** The library keeps prompts of every asset within its own limits; a longer one would fail only at the end. */
function assertLibraryLimits(prompt: string, negativePrompt: string | undefined): void {
  const max = ASSET_LIMITS.promptLength;
  if (prompt.length > max || (negativePrompt?.length ?? 0) > max) {
    throw new ValidationError(`prompt and negativePrompt must be at most ${max} characters`, [
      { field: 'prompt', problems: [`at most ${max} characters`] },
    ]);
  }
  if (prompt.length === 0)
    throw new ValidationError('prompt must not be empty', [
      { field: 'prompt', problems: ['prompt must not be empty'] },
    ]);
}
