import { Injectable } from '@nestjs/common';
import { ProviderError } from '../common/errors';
import { EngineConfig } from '../config/engine-config';
import { UserLimitsService } from '../limits/user-limits.service';
import { textCost } from '../providers/pricing';
import { TextProviderRegistry } from '../providers/text/text-provider.registry';
import type { TextCompletion, TextCompletionRequest, TextUsage } from '../providers/text/text-provider';
import type { ParsedAnswer } from './content-prompts';
import type { ContentOptionsDto } from './dto/content-request.dto';
import { EngineMetrics } from '../metrics/engine-metrics';

/** A malformed or wrong-sized answer is asked for once more, then the request fails with a 502. */
export const ANSWER_ATTEMPTS = 2;

/** A validated answer with what producing it took. */
export interface GeneratedText<T> {
  value: T;
  completion: TextCompletion;
  /** The model asked for (the completion names the one that answered, possibly a dated snapshot). */
  model: string;
  /** Over all attempts; null when any attempt reported none. */
  usage: TextUsage | null;
  /** USD, or null when the usage is unknown or the model has no price. */
  cost: number | null;
  attempts: number;
  generationTimeMs: number;
}

/** What to ask the model: the messages and, for JSON answers, the schema they must follow. */
export type TextPrompt = Pick<TextCompletionRequest, 'messages' | 'structuredOutput'>;

/**
 * One text generation: routes to an endpoint (503 when none is configured), calls it, and validates the
 * answer, asking once more when it is malformed. Transport failures (429, 5xx, timeouts) are retried by
 * the provider's SDK; a refusal fails at once with CONTENT_POLICY_VIOLATION. Nothing is sent once the
 * user's daily budget is spent (402).
 */
@Injectable()
export class TextGenerationRunner {
  constructor(
    private readonly providers: TextProviderRegistry,
    private readonly limits: UserLimitsService,
    private readonly config: EngineConfig,
    private readonly metrics: EngineMetrics,
  ) {}

  async generate<T>(
    userId: string,
    options: ContentOptionsDto,
    prompt: TextPrompt,
    parse: (text: string) => ParsedAnswer<T>,
  ): Promise<GeneratedText<T>> {
    const { provider, model } = this.providers.resolve({ model: options.model, provider: options.provider });
    await this.limits.assertWithinDailyBudget(userId);
    const started = Date.now();
    const usages: (TextUsage | null)[] = [];
    let problem = '';
    for (let attempt = 1; attempt <= ANSWER_ATTEMPTS; attempt++) {
      const completion = await this.metrics.timeProviderCall(provider.name, 'text', () =>
        provider.complete({ ...prompt, model, temperature: options.temperature, maxOutputTokens: options.maxTokens }),
      );
      usages.push(completion.usage);
      const parsed = parse(completion.text);
      if (parsed.ok) {
        const usage = sumUsage(usages);
        const cost = this.cost(model, completion, usage);
        this.metrics.addCost(provider.name, model, cost);
        return {
          value: parsed.value,
          completion,
          model,
          usage,
          cost,
          attempts: attempt,
          generationTimeMs: Date.now() - started,
        };
      }
      problem = parsed.problem;
    }
    throw new ProviderError(
      `${provider.name} gave no usable answer after ${ANSWER_ATTEMPTS} attempts: ${problem}`,
      true,
      { provider: provider.name },
    );
  }

  /** The requested model's price, else the reported model's (endpoints may answer with a dated snapshot name). */
  private cost(model: string, completion: TextCompletion, usage: TextUsage | null): number | null {
    return (
      usage && (textCost(this.config.pricing, model, usage) ?? textCost(this.config.pricing, completion.model, usage))
    );
  }
}

/** Usage over all attempts (every attempt is billed); unknown when any attempt reported none. */
function sumUsage(usages: (TextUsage | null)[]): TextUsage | null {
  if (usages.some((usage) => usage === null)) return null;
  return (usages as TextUsage[]).reduce((sum, usage) => ({
    inputTokens: sum.inputTokens + usage.inputTokens,
    outputTokens: sum.outputTokens + usage.outputTokens,
    cachedInputTokens: sum.cachedInputTokens + usage.cachedInputTokens,
    totalTokens: sum.totalTokens + usage.totalTokens,
  }));
}
