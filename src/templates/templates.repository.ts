import { Injectable } from '@nestjs/common';
import { cursorField, decodeCursor } from '../common/pagination';
import { CreativeTemplate, Prisma, TemplateType } from '../generated/prisma/client';
import { PrismaService } from '../prisma/prisma.service';
import type { TemplateScope, TemplateSort } from './dto/list-templates-query.dto';
import type { TemplateVariable } from './template-variables';

/** The stored fields of a template a user writes (tags and variables already normalized). */
export interface TemplateFields {
  name: string;
  description: string | null;
  type: TemplateType;
  category: string | null;
  prompt: string;
  negativePrompt: string | null;
  model: string | null;
  parameters: Record<string, unknown> | null;
  variables: TemplateVariable[];
  thumbnailUrl: string | null;
  isPublic: boolean;
  tags: string[];
}

/** One page of the templates a user can see, in the list's order, one row more than `limit` when there are more. */
export interface TemplateListFilter {
  scope: TemplateScope;
  sort: TemplateSort;
  limit: number;
  type?: TemplateType;
  category?: string;
  tags?: string[];
  search?: string;
  cursor?: string;
}

/**
 * Every Prisma call on creative_templates. Visibility (docs/ARCHITECTURE.md §3): a user sees their own
 * templates, public ones and the built-in defaults.
 */
@Injectable()
export class TemplatesRepository {
  constructor(private readonly prisma: PrismaService) {}

  create(userId: string, fields: TemplateFields): Promise<CreativeTemplate> {
    return this.prisma.creativeTemplate.create({ data: { userId, ...toData(fields) } });
  }

  findVisible(userId: string, templateId: string): Promise<CreativeTemplate | null> {
    return this.prisma.creativeTemplate.findFirst({ where: { id: templateId, AND: [visibleTo(userId)] } });
  }

  /** Up to `limit + 1` rows, so the caller knows whether there is a next page. */
  list(userId: string, filter: TemplateListFilter): Promise<CreativeTemplate[]> {
    const filters: Prisma.CreativeTemplateWhereInput[] = [scopeFilter(userId, filter.scope)];
    if (filter.type) filters.push({ type: filter.type });
    if (filter.category) filters.push({ category: { equals: filter.category, mode: 'insensitive' } });
    if (filter.tags?.length) filters.push({ tags: { hasEvery: filter.tags.map((tag) => tag.toLowerCase()) } });
    if (filter.search) {
      filters.push({
        OR: (['name', 'description', 'prompt'] as const).map((field) => ({
          [field]: { contains: filter.search, mode: 'insensitive' },
        })),
      });
    }
    if (filter.cursor) filters.push(afterCursor(filter.sort, filter.cursor));
    return this.prisma.creativeTemplate.findMany({
      where: { AND: filters },
      orderBy:
        filter.sort === 'usage' ? [{ usageCount: 'desc' }, { id: 'desc' }] : [{ createdAt: 'desc' }, { id: 'desc' }],
      take: filter.limit + 1,
    });
  }

  /** Changes the given fields; undefined ones are kept. */
  update(templateId: string, fields: Partial<TemplateFields>): Promise<CreativeTemplate> {
    return this.prisma.creativeTemplate.update({ where: { id: templateId }, data: toData(fields) });
  }

  async delete(templateId: string): Promise<void> {
    // Generation jobs keep their history: their templateId is set to null by the foreign key.
    await this.prisma.creativeTemplate.delete({ where: { id: templateId } });
  }

  /** Atomic `usageCount = usageCount + 1` in SQL, so concurrent uses are never lost; optional transaction. */
  incrementUsage(templateId: string, tx: Prisma.TransactionClient = this.prisma): Promise<CreativeTemplate> {
    return tx.creativeTemplate.update({ where: { id: templateId }, data: { usageCount: { increment: 1 } } });
  }

  /**
   * An UPDATE counting one use of the template whose id `templateId` evaluates to, as a part of a caller's
   * statement (a job's completion); nothing when it evaluates to NULL or to no template. updatedAt moves as
   * with incrementUsage.
   */
  countUseSql(templateId: Prisma.Sql): Prisma.Sql {
    return Prisma.sql`UPDATE "creative_templates" SET "usageCount" = "usageCount" + 1, "updatedAt" = now() WHERE "id" = ${templateId}`;
  }

  /** Runs `work` in a transaction that also counts one use of the template (none when `templateId` is undefined). */
  withUsage<T>(templateId: string | undefined, work: (tx: Prisma.TransactionClient) => Promise<T>): Promise<T> {
    return this.prisma.$transaction(async (tx) => {
      if (templateId) await this.incrementUsage(templateId, tx);
      return work(tx);
    });
  }
}

/** Prisma's data for the given fields: JSON columns as Prisma stores them (null parameters as SQL NULL). */
function toData<Fields extends Partial<TemplateFields>>(fields: Fields) {
  const { parameters, variables, ...columns } = fields;
  return {
    ...columns,
    parameters:
      parameters === undefined
        ? undefined
        : parameters === null
          ? Prisma.DbNull
          : (parameters as Prisma.InputJsonObject),
    variables: variables === undefined ? undefined : (variables as unknown as Prisma.InputJsonArray),
  };
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
