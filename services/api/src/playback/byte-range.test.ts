import { describe, expect, it } from 'vitest';
import { parseRangeHeader, suffixToOffsets } from './byte-range.ts';

describe('parseRangeHeader', () => {
  it.each([
    ['bytes=0-99', { kind: 'from', start: 0, end: 99 }],
    ['bytes=100-', { kind: 'from', start: 100 }],
    ['bytes=-500', { kind: 'suffix', length: 500 }],
    [' bytes = 5 - 9 ', { kind: 'from', start: 5, end: 9 }],
  ])('reads %j', (header, expected) => {
    expect(parseRangeHeader(header)).toEqual(expected);
  });

  it.each([undefined, '', 'bytes=', 'bytes=-', 'bytes=9-5', 'bytes=-0', 'bytes=0-1,5-6', 'items=0-1', 'bytes=a-b', 'bytes=1234567890123456-'])(
    'ignores %j',
    (header) => {
      expect(parseRangeHeader(header)).toBeUndefined();
    },
  );
});

describe('suffixToOffsets', () => {
  it('takes the last bytes, or the whole file when it is shorter', () => {
    expect(suffixToOffsets(10, 100)).toEqual({ start: 90, end: 99 });
    expect(suffixToOffsets(500, 100)).toEqual({ start: 0, end: 99 });
  });
});
