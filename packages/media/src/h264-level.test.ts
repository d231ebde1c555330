import { describe, expect, it } from 'vitest';
import { avc1HighCodecString, chooseH264Level } from './h264-level.ts';

describe('chooseH264Level', () => {
  const level = (width: number, height: number, fps: number, maxrate = 1_000_000) =>
    chooseH264Level({ width, height, fps, maxrateBps: maxrate, bufsizeBits: 2 * maxrate }).level;

  it('picks the lowest level that fits frame size and macroblock rate', () => {
    expect(level(1080, 1920, 30)).toBe('4.0');
    expect(level(1080, 1920, 60)).toBe('4.2');
    expect(level(720, 1280, 30)).toBe('3.1');
    expect(level(720, 1280, 60)).toBe('3.2');
    expect(level(480, 854, 30)).toBe('3.1'); // 1620 MBs x 30 exceeds level 3.0's rate
    expect(level(360, 640, 30)).toBe('3.0');
    expect(level(2160, 3840, 30)).toBe('5.1');
  });

  it('raises the level for a high maxrate/bufsize', () => {
    expect(level(1080, 1920, 30, 24_000_000)).toBe('4.1');
  });

  it('spells RFC 6381 High profile codec strings', () => {
    expect(avc1HighCodecString(31)).toBe('avc1.64001f');
    expect(avc1HighCodecString(40)).toBe('avc1.640028');
  });
});
