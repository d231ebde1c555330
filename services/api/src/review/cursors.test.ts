import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor } from './cursors.ts';

const position = { t: '2026-01-02T03:04:05.123456Z', id: '0b6f6a36-7b0c-4a43-9d7e-3a4c0f1e2d3c' };

describe('keyset cursors', () => {
  it('round-trip, with or without a priority', () => {
    expect(decodeCursor(encodeCursor(position))).toEqual(position);
    expect(decodeCursor(encodeCursor({ ...position, p: 0 }))).toEqual({ ...position, p: 0 });
    expect(decodeCursor(undefined)).toBeUndefined();
  });

  it.each([
    ['not base64 json', 'bm90LWpzb24'],
    ['a millisecond time', encodeCursor({ ...position, t: '2026-01-02T03:04:05.123Z' })],
    ['an id that is no uuid', encodeCursor({ ...position, id: "1' or '1'='1" })],
    ['a bad priority', Buffer.from(JSON.stringify({ ...position, p: 'x' })).toString('base64url')],
  ])('refuse %s', (_what, cursor) => {
    expect(() => decodeCursor(cursor)).toThrow(expect.objectContaining({ code: 'invalid_cursor' }));
  });
});
