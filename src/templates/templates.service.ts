import { Injectable } from '@nestjs/common';
import { assertJsonObject, normalizeTags } from '../assets/asset-rules';
import { ForbiddenError, NotFoundError, ValidationError } from '../common/errors';
import { DEFAULT_PAGE_SIZE, Page, toPage } from '../common/pagination';
import { CreativeTemplate, Prisma } from '../generated/prisma/client';
import type { CreateTemplateDto } from './dto/create-template.dto';
import type { ListTemplatesQueryDto, TemplateSort } from './dto/list-templates-query.dto';
import { TemplateResponseDto, toTemplateResponse } from './dto/template-response.dto';
import type { UpdateTemplateDto } from './dto/update-template.dto';
import {
  assertTemplateVariablesAgree,
  parseStoredVariables,
  RenderedPrompt,
  renderTemplatePrompt,
  TemplateValueInput,
  TemplateVariable,
} from './template-variables';
import { TemplatesRepository } from './templates.repository';

export type ListTemplatesInput = Partial<Omit<ListTemplatesQueryDto, 'limit'>> & { limit?: number };

/** A template rendered with a caller's values, ready to generate from. */
export interface RenderedTemplate extends RenderedPrompt {
  template: TemplateResponseDto;
  variables: TemplateVariable[];
}

const NON_NULLABLE_FIELDS = ['name', 'type', 'prompt', 'variables', 'isPublic', 'tags'] as const;

/**
 * Prompt templates with `{{variables}}`: the user's own, public ones shared by others, and the built-in
 * defaults (userId null) shipped by a migration. The public API for host apps as well as the controller.
 */
@Injectable()
export class TemplatesService {
  constructor(private readonly repository: TemplatesRepository) {}

  async createTemplate(userId: string, input: CreateTemplateDto): Promise<TemplateResponseDto> {
    const variables = normalizeVariables(input.variables ?? []);
    assertTemplateVariablesAgree(variables, input.prompt, input.negativePrompt);
    const row = await this.repository.create(userId, {
      name: input.name.trim(),
      description: input.description ?? null,
      type: input.type,
      category: input.category ?? null,
      prompt: input.prompt,
      negativePrompt: input.negativePrompt ?? null,
      model: input.model ?? null,
      parameters: checkedParameters(input.parameters) ?? null,
      variables,
      thumbnailUrl: input.thumbnailUrl ?? null,
      isPublic: input.isPublic ?? false,
      tags: normalizeTags(input.tags ?? []),
    });
    return toTemplateResponse(row);
  }

  /** A template the user can see: their own, a public one or a default; anything else is a 404. */
  async getTemplate(userId: string, templateId: string): Promise<TemplateResponseDto> {
    return toTemplateResponse(await this.findVisible(userId, templateId));
  }

  async listTemplates(userId: string, query: ListTemplatesInput = {}): Promise<Page<TemplateResponseDto>> {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const sort: TemplateSort = query.sort ?? 'recent';
    const rows = await this.repository.list(userId, { ...query, scope: query.scope ?? 'all', sort, limit });
    return toPage(
      rows,
      limit,
      (row) => (sort === 'usage' ? [row.usageCount, row.id] : [row.createdAt.toISOString(), row.id]),
      toTemplateResponse,
    );
  }

  async updateTemplate(userId: string, templateId: string, input: UpdateTemplateDto): Promise<TemplateResponseDto> {
    const nulls = NON_NULLABLE_FIELDS.filter((field) => input[field] === null);
    if (nulls.length > 0) {
      throw new ValidationError(
        `These fields cannot be null: ${nulls.join(', ')}`,
        nulls.map((field) => ({ field, problems: [`${field} cannot be null`] })),
      );
    }
    const current = await this.getEditableTemplate(userId, templateId);
    const variables = input.variables ? normalizeVariables(input.variables) : parseStoredVariables(current.variables);
    const prompt = input.prompt ?? current.prompt;
    const negativePrompt = input.negativePrompt === undefined ? current.negativePrompt : input.negativePrompt;
    assertTemplateVariablesAgree(variables, prompt, negativePrompt);

    const row = await this.repository.update(templateId, {
      name: input.name?.trim(),
      description: input.description,
      type: input.type,
      category: input.category,
      prompt: input.prompt,
      negativePrompt: input.negativePrompt,
      model: input.model,
      parameters: checkedParameters(input.parameters),
      variables: input.variables ? variables : undefined,
      thumbnailUrl: input.thumbnailUrl,
      isPublic: input.isPublic,
      tags: input.tags ? normalizeTags(input.tags) : undefined,
    });
    return toTemplateResponse(row);
  }

  async deleteTemplate(userId: string, templateId: string): Promise<void> {
    await this.getEditableTemplate(userId, templateId);
    await this.repository.delete(templateId);
  }

  /** Renders a visible template with the caller's values, without counting a use (400 naming missing variables). */
  async renderTemplate(userId: string, templateId: string, values: TemplateValueInput = {}): Promise<RenderedTemplate> {
    const template = await this.getTemplate(userId, templateId);
    const { variables } = template;
    return {
      template,
      variables,
      ...renderTemplatePrompt({ prompt: template.prompt, negativePrompt: template.negativePrompt, variables }, values),
    };
  }

  /**
   * Renders a template and counts the use. Callers that generate from the result and must not count a
   * failed generation render first (renderTemplate) and call recordTemplateUse once their result is saved.
   */
  async useTemplate(userId: string, templateId: string, values: TemplateValueInput = {}): Promise<RenderedTemplate> {
    const rendered = await this.renderTemplate(userId, templateId, values);
    const template = await this.recordTemplateUse(templateId);
    return { ...rendered, template };
  }

  /** Atomic `usageCount = usageCount + 1` in SQL, so concurrent uses are never lost. */
  async recordTemplateUse(templateId: string): Promise<TemplateResponseDto> {
    return toTemplateResponse(await this.repository.incrementUsage(templateId));
  }

  /** Counting one use of the template `templateId` evaluates to, inside the statement that saves its result (a job's completion). */
  templateUseSql(templateId: Prisma.Sql): Prisma.Sql {
    return this.repository.countUseSql(templateId);
  }

  /**
   * Runs `work` (saving a result generated from the template) in one transaction with counting the use, so
   * a use is counted only with its saved result. Without a templateId, `work` runs in a transaction alone.
   */
  withTemplateUse<T>(templateId: string | undefined, work: (tx: Prisma.TransactionClient) => Promise<T>): Promise<T> {
    return this.repository.withUsage(templateId, work);
  }

  private async findVisible(userId: string, templateId: string): Promise<CreativeTemplate> {
    const template = await this.repository.findVisible(userId, templateId);
    if (!template) throw new NotFoundError('Template', templateId);
    return template;
  }

  /** Visible but not the caller's (a default, or someone else's public template) is a 403; invisible a 404. */
  private async getEditableTemplate(userId: string, templateId: string): Promise<CreativeTemplate> {
    const template = await this.findVisible(userId, templateId);
    if (template.isDefault)
      throw new ForbiddenError('Built-in default templates cannot be changed or deleted: create your own copy instead');
    if (template.userId !== userId) throw new ForbiddenError('Only the owner can change or delete this template');
    return template;
  }
}

function normalizeVariables(
  variables: readonly { name: string; description?: string; required?: boolean; default?: string }[],
): TemplateVariable[] {
  return variables.map((variable) => ({
    name: variable.name.trim(),
    ...(variable.description ? { description: variable.description } : {}),
    required: variable.required ?? true,
    ...(variable.default !== undefined ? { default: variable.default } : {}),
  }));
}

/** Parameters as given (undefined: unchanged, null: cleared), once checked to be a JSON object. */
function checkedParameters(
  parameters: Record<string, unknown> | null | undefined,
): Record<string, unknown> | null | undefined {
  if (parameters !== null && parameters !== undefined) assertJsonObject(parameters, 'parameters');
  return parameters;
}
