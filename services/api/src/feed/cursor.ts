// Opaque, signed feed cursors: base64url of the last key served and the feed it belongs to, plus an HMAC, so a
// client cannot forge a position (or move a cursor between feeds) without it being detected.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { badRequest, CATEGORIES, type Category } from '@onward/domain';
import type { FeedKey } from './ordering.ts';

const VERSION = 1;
const TAG_BYTES = 16;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const SLOT = /^(0|[1-9]\d{0,18})$/;

export const invalidCursor = () =>
  badRequest('invalid_cursor', 'That feed position is not valid any more. Start again from the top of the feed.');

/** Which feed a cursor belongs to: the whole feed or one category. */
export type FeedScope = Category | 'all';

export interface CursorCodec {
  encode(scope: FeedScope, key: FeedKey): string;
  /** The key after which to continue; throws invalid_cursor when tampered, garbled or from another feed. */
  decode(scope: FeedScope, cursor: string): FeedKey;
}

export function createCursorCodec(secret: string): CursorCodec {
  // A key for this purpose only, derived from the configured secret.
  const key = createHmac('sha256', secret).update('onward/feed-cursor/v1').digest();
  const tag = (payload: string) => createHmac('sha256', key).update(payload).digest().subarray(0, TAG_BYTES);

  return {
    encode(scope, k) {
      const payload = Buffer.from(JSON.stringify([VERSION, scope, k.featured ? 1 : 0, k.slot, k.category, k.id])).toString('base64url');
      return `${payload}.${tag(payload).toString('base64url')}`;
    },
    decode(scope, cursor) {
      const [payload, signature, ...rest] = cursor.split('.');
      if (!payload || !signature || rest.length > 0) throw invalidCursor();
      const given = Buffer.from(signature, 'base64url');
      const expected = tag(payload);
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw invalidCursor();
      let parsed: unknown;
      try {
        parsed = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
      } catch {
        throw invalidCursor();
      }
      if (!Array.isArray(parsed) || parsed.length !== 6) throw invalidCursor();
      const [version, cursorScope, featured, slot, category, id] = parsed as unknown[];
      if (version !== VERSION || cursorScope !== scope) throw invalidCursor();
      if (featured !== 0 && featured !== 1) throw invalidCursor();
      if (slot !== null && (typeof slot !== 'string' || !SLOT.test(slot))) throw invalidCursor();
      if (typeof category !== 'string' || !(CATEGORIES as readonly string[]).includes(category)) throw invalidCursor();
      if (typeof id !== 'string' || !UUID.test(id)) throw invalidCursor();
      return { featured: featured === 1, slot, category: category as Category, id };
    },
  };
}
