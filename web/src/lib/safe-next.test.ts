import { describe, expect, it } from 'vitest';
import { safeNext } from './safe-next.ts';

describe('safeNext', () => {
  it('keeps paths on this site', () => {
    expect(safeNext('/studio')).toBe('/studio');
    expect(safeNext('/review/abc?x=1')).toBe('/review/abc?x=1');
  });

  it('refuses other origins and odd input', () => {
    expect(safeNext('https://evil.example')).toBe('/');
    expect(safeNext('//evil.example/x')).toBe('/');
    expect(safeNext('/\\evil.example')).toBe('/');
    expect(safeNext('javascript:alert(1)')).toBe('/');
    expect(safeNext('')).toBe('/');
    expect(safeNext(null, '/feed')).toBe('/feed');
  });
});
