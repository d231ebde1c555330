// The curated feed's order and its keyset: featured first, then the newest feed_slot (the nth video published in
// its category), then category, then id. Equal slots across categories sit together, so the categories interleave
// round-robin. A cursor names the last key served; the rows after it are the union of a few "branches", each a
// plain range over the feed index (videos_feed_idx / videos_feed_category_idx), so deep pages stay index scans.
import type { FeedBranch } from '@onward/db';
import type { Category } from '@onward/domain';

export type { FeedBranch };

export interface FeedKey {
  featured: boolean;
  /** bigint as a decimal string; null for a video published before slots existed (sorts first, like the index). */
  slot: string | null;
  category: Category;
  id: string;
}

const ANY: FeedBranch = { featured: null, slot: null, category: null, idAfter: null };

/**
 * The branches whose union is exactly the rows after `after`, in feed order when concatenated.
 * `categoryFixed`: the feed is filtered to one category, so category is not part of the order.
 */
export function keysetBranches(after: FeedKey | null, categoryFixed: boolean): FeedBranch[] {
  if (!after) return [ANY];
  const sameSlot: FeedBranch['slot'] = after.slot === null ? { op: 'is null' } : { op: '=', value: after.slot };
  const laterSlot: FeedBranch['slot'] = after.slot === null ? { op: 'is not null' } : { op: '<', value: after.slot };
  const branches: FeedBranch[] = [];
  if (categoryFixed) {
    branches.push({ featured: after.featured, slot: sameSlot, category: null, idAfter: after.id });
  } else {
    branches.push({ featured: after.featured, slot: sameSlot, category: { op: '=', value: after.category }, idAfter: after.id });
    branches.push({ featured: after.featured, slot: sameSlot, category: { op: '>', value: after.category }, idAfter: null });
  }
  branches.push({ featured: after.featured, slot: laterSlot, category: null, idAfter: null });
  if (after.featured) branches.push({ featured: false, slot: null, category: null, idAfter: null });
  return branches;
}

/** Compares two bigint decimal strings without losing precision. */
function compareSlots(a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Feed order as a comparator (negative: a comes first). Mirrors the SQL ORDER BY and the index. */
export function compareFeedKeys(a: FeedKey, b: FeedKey, categoryFixed = false): number {
  if (a.featured !== b.featured) return a.featured ? -1 : 1;
  if (a.slot !== b.slot) {
    if (a.slot === null) return -1; // desc puts nulls first, as the index does
    if (b.slot === null) return 1;
    return -compareSlots(a.slot, b.slot);
  }
  if (!categoryFixed && a.category !== b.category) return a.category < b.category ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** Whether a key lies in a branch: the JS twin of the SQL predicate (used by tests to prove the branches). */
export function keyInBranch(key: FeedKey, branch: FeedBranch): boolean {
  if (branch.featured !== null && key.featured !== branch.featured) return false;
  const slot = branch.slot;
  if (slot) {
    if (slot.op === 'is null' && key.slot !== null) return false;
    if (slot.op === 'is not null' && key.slot === null) return false;
    if (slot.op === '=' && key.slot !== slot.value) return false;
    if (slot.op === '<' && (key.slot === null || compareSlots(key.slot, slot.value) >= 0)) return false;
  }
  if (branch.category) {
    if (branch.category.op === '=' && key.category !== branch.category.value) return false;
    if (branch.category.op === '>' && !(key.category > branch.category.value)) return false;
  }
  if (branch.idAfter !== null && !(key.id > branch.idAfter)) return false;
  return true;
}
