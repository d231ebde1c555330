import { describe, expect, it } from 'vitest';
import { MAX_VISIBLE_FACES, parseVisibleFaces } from './face-choice.ts';

describe('parseVisibleFaces', () => {
  it('reads the checked track ids, each once; nothing checked blurs everyone', () => {
    expect(parseVisibleFaces([])).toEqual([]);
    expect(parseVisibleFaces(['2'])).toEqual([2]);
    expect(parseVisibleFaces(['3', '1', '3'])).toEqual([3, 1]);
    expect(parseVisibleFaces(['100000'])).toEqual([100_000]);
  });

  it('refuses what no checkbox of the page sends', () => {
    for (const bad of ['', '0', '-1', '1.5', '01', ' 2', '1e3', 'abc', '100001', '9999999']) {
      expect(parseVisibleFaces([bad]), bad).toBeNull();
    }
    expect(parseVisibleFaces([new File(['1'], 'x.txt')])).toBeNull();
    expect(parseVisibleFaces(['1', 'x'])).toBeNull();
  });

  it('refuses more faces than the API takes at once', () => {
    const many = Array.from({ length: MAX_VISIBLE_FACES + 1 }, (_, i) => String(i + 1));
    expect(parseVisibleFaces(many.slice(0, MAX_VISIBLE_FACES))).toHaveLength(MAX_VISIBLE_FACES);
    expect(parseVisibleFaces(many)).toBeNull();
  });
});
