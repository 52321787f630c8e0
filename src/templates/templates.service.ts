import { Injectable } from '@nestjs/common';
import { assertJsonObject, normalizeTags } from '../assets/asset-rules';
import { ForbiddenError, NotFoundError, ValidationError } from '../common/errors';
import { cursorField, decodeCursor, DEFAULT_PAGE_SIZE, Page, toPage } from '../common/pagination';
import { CreativeTemplate, Prisma } from '../generated/prisma/client';
import { PrismaService } from '../prisma/prisma.service';
import type { CreateTemplateDto } from './dto/create-template.dto';
import type { ListTemplatesQueryDto, TemplateScope, TemplateSort } from './dto/list-templates-query.dto';
import type { UpdateTemplateDto } from './dto/update-template.dto';
import {
  assertTemplateVariablesAgree,
  parseStoredVariables,
  RenderedPrompt,
  renderTemplatePrompt,
  TemplateValueInput,
  TemplateVariable,
} from './template-variables';

export type CreateTemplateInput = CreateTemplateDto;
export type UpdateTemplateInput = UpdateTemplateDto;
export type ListTemplatesInput = Partial<Omit<ListTemplatesQueryDto, 'limit'>> & { limit?: number };

/** A template rendered with a caller's values, ready to generate from. */
export interface RenderedTemplate extends RenderedPrompt {
  template: CreativeTemplate;
  variables: TemplateVariable[];
}

const NON_NULLABLE_FIELDS = ['name', 'type', 'prompt', 'variables', 'isPublic', 'tags'] as const;

/**
 * Prompt templates with `{{variables}}`: the user's own, public ones shared by others, and the built-in
 * defaults (userId null) shipped by a migration. The public API for host apps as well as the controller.
 */
@Injectable()
export class TemplatesService {
  constructor(private readonly prisma: PrismaService) {}

  async createTemplate(userId: string, input: CreateTemplateInput): Promise<CreativeTemplate> {
    const variables = normalizeVariables(input.variables ?? []);
    assertTemplateVariablesAgree(variables, input.prompt, input.negativePrompt);
    return this.prisma.creativeTemplate.create({
      data: {
        userId,
        name: input.name.trim(),
        description: input.description ?? null,
        type: input.type,
        category: input.category ?? null,
        prompt: input.prompt,
        negativePrompt: input.negativePrompt ?? null,
        model: input.model ?? null,
        parameters: jsonParameters(input.parameters),
        variables: variables as unknown as Prisma.InputJsonArray,
        thumbnailUrl: input.thumbnailUrl ?? null,
        isPublic: input.isPublic ?? false,
        tags: normalizeTags(input.tags ?? []),
      },
    });
  }

  /** A template the user can see: their own, a public one or a default; anything else is a 404. */
  async getTemplate(userId: string, templateId: string): Promise<CreativeTemplate> {
    const template = await this.prisma.creativeTemplate.findFirst({ where: { id: templateId, AND: [visibleTo(userId)] } });
    if (!template) throw new NotFoundError('Template', templateId);
    return template;
  }

  async listTemplates(userId: string, query: ListTemplatesInput = {}): Promise<Page<CreativeTemplate>> {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const sort: TemplateSort = query.sort ?? 'recent';
    const filters: Prisma.CreativeTemplateWhereInput[] = [scopeFilter(userId, query.scope ?? 'all')];
    if (query.type) filters.push({ type: query.type });
    if (query.category) filters.push({ category: { equals: query.category, mode: 'insensitive' } });
    if (query.tags?.length) filters.push({ tags: { hasEvery: query.tags.map((tag) => tag.toLowerCase()) } });
    if (query.search) {
      filters.push({
        OR: (['name', 'description', 'prompt'] as const).map((field) => ({ [field]: { contains: query.search, mode: 'insensitive' } })),
      });
    }
    if (query.cursor) filters.push(afterCursor(sort, query.cursor));

    const rows = await this.prisma.creativeTemplate.findMany({
      where: { AND: filters },
      orderBy: sort === 'usage' ? [{ usageCount: 'desc' }, { id: 'desc' }] : [{ createdAt: 'desc' }, { id: 'desc' }],
      take: limit + 1,
    });
    return toPage(rows, limit, (row) => (sort === 'usage' ? [row.usageCount, row.id] : [row.createdAt.toISOString(), row.id]), (row) => row);
  }

  async updateTemplate(userId: string, templateId: string, input: UpdateTemplateInput): Promise<CreativeTemplate> {
    const nulls = NON_NULLABLE_FIELDS.filter((field) => input[field] === null);
    if (nulls.length > 0) {
      throw new ValidationError(`These fields cannot be null: ${nulls.join(', ')}`, nulls.map((field) => ({ field, problems: [`${field} cannot be null`] })));
    }
    const current = await this.getEditableTemplate(userId, templateId);
    const variables = input.variables ? normalizeVariables(input.variables) : parseStoredVariables(current.variables);
    const prompt = input.prompt ?? current.prompt;
    const negativePrompt = input.negativePrompt === undefined ? current.negativePrompt : input.negativePrompt;
    assertTemplateVariablesAgree(variables, prompt, negativePrompt);

    return this.prisma.creativeTemplate.update({
      where: { id: templateId },
      data: {
        name: input.name?.trim(),
        description: input.description,
        type: input.type,
        category: input.category,
        prompt: input.prompt,
        negativePrompt: input.negativePrompt,
        model: input.model,
        parameters: input.parameters === undefined ? undefined : jsonParameters(input.parameters),
        variables: input.variables ? (variables as unknown as Prisma.InputJsonArray) : undefined,
        thumbnailUrl: input.thumbnailUrl,
        isPublic: input.isPublic,
        tags: input.tags ? normalizeTags(input.tags) : undefined,
      },
    });
  }

  async deleteTemplate(userId: string, templateId: string): Promise<void> {
    await this.getEditableTemplate(userId, templateId);
    // Generation jobs keep their history: their templateId is set to null by the foreign key.
    await this.prisma.creativeTemplate.delete({ where: { id: templateId } });
  }

  /** Renders a visible template with the caller's values, without counting a use (400 naming missing variables). */
  async renderTemplate(userId: string, templateId: string, values: TemplateValueInput = {}): Promise<RenderedTemplate> {
    const template = await this.getTemplate(userId, templateId);
    const variables = parseStoredVariables(template.variables);
    return { template, variables, ...renderTemplatePrompt({ prompt: template.prompt, negativePrompt: template.negativePrompt, variables }, values) };
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

  /** Atomic `usageCount = usageCount + 1` in SQL, so concurrent uses are never lost; optional transaction. */
  async recordTemplateUse(templateId: string, tx: Prisma.TransactionClient = this.prisma): Promise<CreativeTemplate> {
    return tx.creativeTemplate.update({ where: { id: templateId }, data: { usageCount: { increment: 1 } } });
  }

  /** Visible but not the caller's (a default, or someone else's public template) is a 403; invisible a 404. */
  private async getEditableTemplate(userId: string, templateId: string): Promise<CreativeTemplate> {
    const template = await this.getTemplate(userId, templateId);
    if (template.isDefault) throw new ForbiddenError('Built-in default templates cannot be changed or deleted: create your own copy instead');
    if (template.userId !== userId) throw new ForbiddenError('Only the owner can change or delete this template');
    return template;
  }
}

function visibleTo(userId: string): Prisma.CreativeTemplateWhereInput {
  return { OR: [{ userId }, { isPublic: true }, { isDefault: true }] };
}

function scopeFilter(userId: string, scope: TemplateScope): Prisma.CreativeTemplateWhereInput {
  switch (scope) {
    case 'mine':
      return { userId };
    case 'public':
      return { isPublic: true };
    case 'defaults':
      return { isDefault: true };
    case 'all':
      return visibleTo(userId);
  }
}

/** Keyset condition: rows strictly after the cursor's row in the list's order (the id breaks ties). */
function afterCursor(sort: TemplateSort, cursor: string): Prisma.CreativeTemplateWhereInput {
  if (sort === 'usage') {
    const [usageCount, id] = decodeCursor(cursor, [cursorField.integer, cursorField.uuid]);
    return { OR: [{ usageCount: { lt: usageCount } }, { usageCount, id: { lt: id } }] };
  }
  const [createdAt, id] = decodeCursor(cursor, [cursorField.date, cursorField.uuid]);
  return { OR: [{ createdAt: { lt: createdAt } }, { createdAt, id: { lt: id } }] };
}

function normalizeVariables(variables: readonly { name: string; description?: string; required?: boolean; default?: string }[]): TemplateVariable[] {
  return variables.map((variable) => ({
    name: variable.name.trim(),
    ...(variable.description ? { description: variable.description } : {}),
    required: variable.required ?? true,
    ...(variable.default !== undefined ? { default: variable.default } : {}),
  }));
}

function jsonParameters(parameters: Record<string, unknown> | null | undefined): Prisma.InputJsonObject | typeof Prisma.DbNull {
  if (parameters === null || parameters === undefined) return Prisma.DbNull;
  assertJsonObject(parameters, 'parameters');
  return parameters as Prisma.InputJsonObject;
}
