import { ForbiddenError, NotFoundError } from '../common/errors';

/** Reading covers GET, file, thumbnail and view/download/share usage; changing covers everything else. */
export type AccessMode = 'read' | 'change';

/**
 * The visibility rule of assets and collections (docs/ARCHITECTURE.md §3): someone else's private row is a 404 so its
 * existence is never revealed; someone else's public row is readable, and changing it is a 403.
 */
export function assertAccess<Row extends { userId: string; isPublic: boolean }>(
  row: Row | null | undefined,
  userId: string,
  access: AccessMode,
  resource: string,
  id: string,
): Row {
  if (!row || (row.userId !== userId && !row.isPublic)) throw new NotFoundError(resource, id);
  if (access === 'change' && row.userId !== userId) {
    throw new ForbiddenError(
      `${resource} ${id} belongs to another user: public ${resource.toLowerCase()}s are read-only for others`,
    );
  }
  return row;
}
