import { describe, expect, it } from 'vitest';
import { createCursorCodec } from './cursor.ts';
import type { FeedKey } from './ordering.ts';

const codec = createCursorCodec('test-secret');
const key: FeedKey = { featured: true, slot: '9007199254740993', category: 'milestone', id: '0b0e1c8a-3f1e-4a5b-9c2d-1e2f3a4b5c6d' };

const code = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return (error as { code?: string }).code;
  }
  return 'no error';
};

describe('feed cursor', () => {
  it('round-trips the key (bigint slots keep their precision) and is opaque url-safe text', () => {
    const cursor = codec.encode('all', key);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(codec.decode('all', cursor)).toEqual(key);
    expect(codec.decode('all', codec.encode('all', { ...key, slot: null, featured: false }))).toEqual({ ...key, slot: null, featured: false });
  });

  it('refuses a cursor whose payload was changed, even with a valid shape', () => {
    const [, tag] = codec.encode('all', key).split('.');
    const forged = Buffer.from(JSON.stringify([1, 'all', 1, '1', 'milestone', key.id])).toString('base64url');
    expect(code(() => codec.decode('all', `${forged}.${tag}`))).toBe('invalid_cursor');
  });

  it('refuses a cursor signed with another secret, from another feed, or garbage', () => {
    expect(code(() => codec.decode('all', createCursorCodec('other').encode('all', key)))).toBe('invalid_cursor');
    expect(code(() => codec.decode('education', codec.encode('all', key)))).toBe('invalid_cursor');
    for (const garbage of ['', '.', 'abc', 'abc.def', 'a.b.c', '%%%.***', `${codec.encode('all', key)}x`]) {
      expect(code(() => codec.decode('all', garbage))).toBe('invalid_cursor');
    }
  });
});
