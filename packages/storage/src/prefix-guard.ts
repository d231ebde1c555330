// What ObjectStore.deletePrefix is willing to delete. A prefix deletion is the one call that can empty the
// bucket, so it refuses anything that is not clearly scoped.
import { AppError } from '@onward/domain';
import { isExactLayoutKey, isLayoutRoot } from './object-keys.ts';

export type DeletionTarget = { kind: 'prefix'; prefix: string } | { kind: 'key'; key: string };

function refuse(message: string): AppError {
  return new AppError(400, 'unsafe_delete_prefix', message);
}

/**
 * Accepts a non-empty prefix ending in '/' (that is not a root of the key layout), or an exact object key
 * of the layout (private/originals/{id}); refuses everything else.
 */
export function deletionTarget(prefix: string): DeletionTarget {
  if (typeof prefix !== 'string' || prefix.trim() === '') throw refuse('Refusing to delete with an empty prefix.');
  if (prefix.startsWith('/') || prefix.includes('//') || prefix.includes('\\')) {
    throw refuse('Refusing to delete with a malformed prefix.');
  }
  if (prefix.split('/').some((segment) => segment === '.' || segment === '..')) {
    throw refuse('Refusing to delete with a prefix containing "." or "..".');
  }
  if (isExactLayoutKey(prefix)) return { kind: 'key', key: prefix };
  if (!prefix.endsWith('/')) {
    throw refuse('A deletion prefix must end with "/" (or be an exact object key of the layout).');
  }
  if (isLayoutRoot(prefix)) throw refuse('Refusing to delete a root of the key layout (it spans every video).');
  return { kind: 'prefix', prefix };
}
