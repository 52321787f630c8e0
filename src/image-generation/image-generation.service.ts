import { InjectQueue } from '@nestjs/bull';
import { Injectable, Logger } from '@nestjs/common';
import type { Queue } from 'bull';
import { ASSET_LIMITS } from '../assets/asset-rules';
import { AssetsService } from '../assets/assets.service';
import type { AssetPageResponseDto } from '../assets/dto/asset-page-response.dto';
import type { ListAssetsQueryDto } from '../assets/dto/list-assets-query.dto';
import { IdempotencyKeyReusedError, ServiceUnavailableError, ValidationError } from '../common/errors';
import { API_BASE_PATH } from '../common/creative-controller.decorator';
import { IDEMPOTENCY_KEY_PATTERN } from '../common/validation';
import { EngineConfig, ImageProviderName } from '../config/engine-config';
import { UserLimitsService } from '../limits/user-limits.service';
import { GenerationJob, JobType, Prisma } from '../generated/prisma/client';
import { PrismaService } from '../prisma/prisma.service';
import { validateImageRequest } from '../providers/image/image-models';
import { ImageProviderRegistry } from '../providers/image/image-provider.registry';
import { IMAGE_GENERATION_JOB, IMAGE_GENERATION_QUEUE, ImageGenerationJobData, imageJobOptions } from '../queue/queue.constants';
import { withTimeout } from '../queue/with-timeout';
import { RenderedTemplate, TemplatesService } from '../templates/templates.service';
import type { GenerateImageDto, GenerateImageResponseDto, RegenerateImageDto } from './dto/generate-image.dto';
import type { ImageJobStatusResponseDto } from './dto/job-response.dto';
import { GenerationJobsService } from './generation-jobs.service';
import { idempotencyFingerprint } from './idempotency-fingerprint';
import { compactParameters, ImageJobParameters, pickImageParameters, toProviderRequest } from './image-job-parameters';

export type GenerateImageInput = GenerateImageDto;
export type RegenerateImageInput = RegenerateImageDto;
export type ListUserImagesInput = Omit<ListAssetsQueryDto, 'type'>;
/** The fields of an image request besides its template and the template's values. */
export type TemplateImageInput = Omit<GenerateImageInput, 'prompt' | 'templateId' | 'variables'>;

export interface GenerateOptions {
  /**
   * Same key and same request from the same user → the same job, however often it is repeated; the same
   * key with a different request → IdempotencyKeyReusedError (422).
   */
  idempotencyKey?: string;
}

/** An Idempotency-Key with the fingerprint of the request it came with. */
interface Idempotency {
  key: string;
  fingerprint: string;
}

/** A job about to be created: validated, with its provider and model resolved. */
interface JobDraft {
  type: JobType;
  prompt: string;
  negativePrompt?: string;
  provider: ImageProviderName;
  model: string;
  parameters: ImageJobParameters;
  priority: number;
  templateId?: string;
  parentAssetId?: string;
}


export const imageStatusUrl = (jobId: string) => `/${API_BASE_PATH}/image/${jobId}/status`;

/**
 * Image generation (docs/ARCHITECTURE.md §4): validates a request against its model's rules, records a queued
 * GenerationJob and enqueues its id; the worker (ImageGenerationRunner) does the rest. The public API for
 * host apps as well as the controller.
 */
@Injectable()
export class ImageGenerationService {
  private readonly logger = new Logger(ImageGenerationService.name);

  constructor(
    private readonly prisma: PrismaService,
    private readonly config: EngineConfig,
    private readonly providers: ImageProviderRegistry,
    private readonly assets: AssetsService,
    private readonly templates: TemplatesService,
    private readonly jobs: GenerationJobsService,
    private readonly limits: UserLimitsService,
    @InjectQueue(IMAGE_GENERATION_QUEUE) private readonly queue: Queue<ImageGenerationJobData>,
  ) {}

  async generateImage(userId: string, input: GenerateImageInput, options: GenerateOptions = {}): Promise<GenerateImageResponseDto> {
    const idempotency = idempotencyOf(options.idempotencyKey, { kind: 'generate', body: input });
    const existing = idempotency && (await this.findByIdempotencyKey(userId, idempotency.key));
    if (existing) return this.replay(existing, idempotency);
    return this.enqueue(userId, await this.draftFromRequest(userId, input), idempotency);
  }

  /** generateImage from an image template the caller has already rendered (POST /content/from-template), so it is rendered once. */
  async generateImageFromTemplate(userId: string, rendered: RenderedTemplate, input: TemplateImageInput = {}): Promise<GenerateImageResponseDto> {
    return this.enqueue(userId, this.draftFromTemplate(rendered, input), undefined);
  }

  async getImageStatus(userId: string, jobId: string): Promise<ImageJobStatusResponseDto> {
    return this.jobs.getJobStatus(userId, jobId);
  }

  /**
   * A new job from an image asset (the caller's own or a public one): its prompt and parameters, with the
   * given fields replacing theirs. The seed is not carried over (a regeneration is a new variation) unless
   * given. The new asset links the original through parentAssetId.
   */
  async regenerateImage(userId: string, assetId: string, input: RegenerateImageInput, options: GenerateOptions = {}): Promise<GenerateImageResponseDto> {
    const idempotency = idempotencyOf(options.idempotencyKey, { kind: 'regenerate', assetId, body: input });
    const existing = idempotency && (await this.findByIdempotencyKey(userId, idempotency.key));
    if (existing) return this.replay(existing, idempotency);

    const asset = await this.assets.getAsset(userId, assetId);
    if (asset.type !== 'image') throw new ValidationError(`Asset ${assetId} is a ${asset.type} asset; only images can be regenerated`);
    const prompt = input.prompt ?? asset.prompt;
    if (!prompt) throw new ValidationError(`Asset ${assetId} has no prompt: give one to regenerate it`, [{ field: 'prompt', problems: ['prompt is required for this asset'] }]);
    const { seed: _originalSeed, ...inherited } = pickImageParameters(asset.parameters);
    const knownProvider = this.providerName(asset.provider);
    const draft = this.draft({
      type: 'image_regeneration',
      prompt,
      negativePrompt: input.negativePrompt ?? asset.negativePrompt ?? undefined,
      // A new model picks its own provider; otherwise the asset's provider and model are kept.
      provider: input.provider ?? (input.model ? undefined : knownProvider),
      model: input.model ?? (input.provider || !knownProvider ? undefined : (asset.model ?? undefined)),
      parameters: { ...inherited, category: asset.category ?? undefined, tags: asset.tags, ...definedImageFields(input) },
      priority: input.priority,
      parentAssetId: asset.id,
    });
    return this.enqueue(userId, draft, idempotency);
  }

  /** The caller's image assets (GET /images): the asset library's list with type=image. */
  async listUserImages(userId: string, query: ListUserImagesInput): Promise<AssetPageResponseDto> {
    return this.assets.listAssets(userId, { ...query, type: 'image' } as ListAssetsQueryDto);
  }

  private async draftFromRequest(userId: string, input: GenerateImageInput): Promise<JobDraft> {
    if (input.templateId === undefined) {
      if (input.variables !== undefined) {
        throw new ValidationError('variables are only used with templateId', [{ field: 'variables', problems: ['variables need a templateId'] }]);
      }
      return this.draft({ ...input, type: 'image_generation', prompt: input.prompt as string, parameters: definedImageFields(input) });
    }
    if (input.prompt !== undefined) {
      throw new ValidationError('Give either prompt or templateId, not both', [{ field: 'prompt', problems: ['prompt must be empty when templateId is given'] }]);
    }
    const rendered = await this.templates.renderTemplate(userId, input.templateId, input.variables ?? {});
    if (rendered.template.type !== 'image') {
      throw new ValidationError(`Template ${input.templateId} is a ${rendered.template.type} template; image generation needs an image template`, [
        { field: 'templateId', problems: ['not an image template'] },
      ]);
    }
    return this.draftFromTemplate(rendered, input);
  }

  /** A job from a rendered image template. */
  private draftFromTemplate(rendered: RenderedTemplate, input: TemplateImageInput): JobDraft {
    return this.draft({
      ...input,
      type: 'image_generation',
      prompt: rendered.prompt,
      negativePrompt: input.negativePrompt ?? rendered.negativePrompt ?? undefined,
      model: input.model ?? (input.provider ? undefined : (rendered.template.model ?? undefined)),
      parameters: { ...pickImageParameters(rendered.template.parameters), ...definedImageFields(input), variables: rendered.values },
      templateId: rendered.template.id,
    });
  }

  /** Resolves provider and model and checks the request against the model's rules (400 naming every problem). */
  private draft(input: {
    type: JobType;
    prompt: string;
    negativePrompt?: string;
    provider?: ImageProviderName;
    model?: string;
    parameters: Partial<ImageJobParameters>;
    priority?: number;
    templateId?: string;
    parentAssetId?: string;
  }): JobDraft {
    const { provider, model, spec } = this.providers.resolve({ provider: input.provider, model: input.model });
    const parameters = compactParameters({ ...input.parameters, n: input.parameters.n ?? 1 });
    const prompt = input.prompt.trim();
    const negativePrompt = input.negativePrompt?.trim() || undefined;
    assertLibraryLimits(prompt, negativePrompt);
    validateImageRequest(toProviderRequest({ prompt, negativePrompt: negativePrompt ?? null, model }, parameters), spec);
    this.providers.assertConfigured(provider);
    return { ...input, prompt, negativePrompt, provider: provider.name, model, parameters, priority: input.priority ?? 0 };
  }

  /** Records and queues the job, within the user's caps (daily budget: 402; active jobs: 429). */
  private async enqueue(userId: string, draft: JobDraft, idempotency: Idempotency | undefined): Promise<GenerateImageResponseDto> {
    await this.limits.assertWithinDailyBudget(userId);
    const estimatedTime = await this.jobs.estimateTime(draft.model);
    let job: GenerationJob;
    try {
      job = await this.prisma.$transaction(async (tx) => {
        await this.limits.assertCanQueueJob(userId, tx);
        return tx.generationJob.create({
          data: {
            userId,
            type: draft.type,
            status: 'queued',
            priority: draft.priority,
            prompt: draft.prompt,
            negativePrompt: draft.negativePrompt,
            provider: draft.provider,
            model: draft.model,
            parameters: draft.parameters as unknown as Prisma.InputJsonObject,
            templateId: draft.templateId,
            parentAssetId: draft.parentAssetId,
            idempotencyKey: idempotency?.key,
            idempotencyFingerprint: idempotency?.fingerprint,
            estimatedTime,
          },
        });
      });
    } catch (error) {
      // Two requests with the same key raced: the one that lost answers with the winner's job (if it is the same request).
      const winner = idempotency && isUniqueViolation(error) && (await this.findByIdempotencyKey(userId, idempotency.key));
      if (winner) return this.replay(winner, idempotency);
      throw error;
    }
    try {
      // While Redis is unreachable the client holds commands until it reconnects: bound the wait, answer 503.
      await withTimeout(
        this.queue.add(IMAGE_GENERATION_JOB, { jobId: job.id }, imageJobOptions(this.config, job.id, job.priority)),
        this.config.queue.commandTimeoutMs,
        'Redis',
      );
    } catch (error) {
      this.logger.error(`Job ${job.id} could not be queued: ${error instanceof Error ? error.message : String(error)}`);
      // The caller is told nothing was created, so nothing is kept: no queued row without a queue entry, and a
      // retry with the same Idempotency-Key makes a new job. An add that still reaches Redis later finds no row
      // and is skipped by the worker.
      await this.prisma.generationJob
        .deleteMany({ where: { id: job.id } })
        .catch((failure: unknown) => this.logger.error(`Unqueued job ${job.id} could not be removed: ${String(failure)}`));
      throw new ServiceUnavailableError('The job queue is unavailable; nothing was queued, try again shortly');
    }
    return this.toGenerateResponse(job);
  }

  private findByIdempotencyKey(userId: string, idempotencyKey: string): Promise<GenerationJob | null> {
    return this.prisma.generationJob.findUnique({ where: { userId_idempotencyKey: { userId, idempotencyKey } } });
  }

  /**
   * The answer to a repeated Idempotency-Key: the first job when the request is the same, else a 422. A
   * job keyed before fingerprints were stored has none and answers as it did (with its job).
   */
  private replay(job: GenerationJob, idempotency: Idempotency): GenerateImageResponseDto {
    if (job.idempotencyFingerprint !== null && job.idempotencyFingerprint !== idempotency.fingerprint) {
      throw new IdempotencyKeyReusedError(
        `Idempotency-Key ${JSON.stringify(idempotency.key)} was already used with a different request (job ${job.id}): use a new key for a new request`,
      );
    }
    return this.toGenerateResponse(job);
  }

  private toGenerateResponse(job: GenerationJob): GenerateImageResponseDto {
    return { success: true, jobId: job.id, status: job.status, statusUrl: imageStatusUrl(job.id), estimatedTime: job.estimatedTime };
  }

  private providerName(name: string | null): ImageProviderName | undefined {
    return name && this.providers.isProviderName(name) ? name : undefined;
  }
}

/** The provider parameters and asset labels a request gave explicitly. */
function definedImageFields(input: GenerateImageInput | RegenerateImageInput): Partial<ImageJobParameters> {
  const { n, size, aspectRatio, quality, style, background, outputFormat, seed, steps, guidance, title, category, tags } = input;
  return Object.fromEntries(
    Object.entries({ n, size, aspectRatio, quality, style, background, outputFormat, seed, steps, guidance, title, category, tags }).filter(
      ([, value]) => value !== undefined,
    ),
  );
}

function idempotencyOf(key: string | undefined, request: Parameters<typeof idempotencyFingerprint>[0]): Idempotency | undefined {
  const parsed = parseIdempotencyKey(key);
  return parsed === undefined ? undefined : { key: parsed, fingerprint: idempotencyFingerprint(request) };
}

function parseIdempotencyKey(key: string | undefined): string | undefined {
  if (key === undefined) return undefined;
  if (!IDEMPOTENCY_KEY_PATTERN.test(key)) {
    throw new ValidationError('Idempotency-Key must be 1-255 visible ASCII characters', [{ field: 'Idempotency-Key', problems: ['invalid header value'] }]);
  }
  return key;
}

/** The library keeps prompts of every asset within its own limits; a longer one would fail only at the end. */
function assertLibraryLimits(prompt: string, negativePrompt: string | undefined): void {
  const max = ASSET_LIMITS.promptLength;
  if (prompt.length > max || (negativePrompt?.length ?? 0) > max) {
    throw new ValidationError(`prompt and negativePrompt must be at most ${max} characters`, [{ field: 'prompt', problems: [`at most ${max} characters`] }]);
  }
  if (prompt.length === 0) throw new ValidationError('prompt must not be empty', [{ field: 'prompt', problems: ['prompt must not be empty'] }]);
}

function isUniqueViolation(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002';
}
