import { describe, expect, it } from 'vitest';
import { looksLikeAcceptedContainer } from './container-sniff.ts';

const bytes = (text: string, prefix: number[] = []) => new Uint8Array([...prefix, ...Buffer.from(text)]);

describe('looksLikeAcceptedContainer', () => {
  it('recognises ISO BMFF and EBML starts', () => {
    expect(looksLikeAcceptedContainer(bytes('ftypisom', [0, 0, 0, 0x20]))).toBe(true);
    expect(looksLikeAcceptedContainer(bytes('mdat', [0, 0, 0, 8]))).toBe(true);
    expect(looksLikeAcceptedContainer(new Uint8Array([0x1a, 0x45, 0xdf, 0xa3, 0x9f]))).toBe(true);
  });

  it('rejects text, PDF, playlists and tiny files', () => {
    expect(looksLikeAcceptedContainer(bytes('%PDF-1.4\n'))).toBe(false);
    expect(looksLikeAcceptedContainer(bytes('#EXTM3U\n#EXT'))).toBe(false);
    expect(looksLikeAcceptedContainer(bytes('ffconcat version 1.0'))).toBe(false);
    expect(looksLikeAcceptedContainer(bytes('ab'))).toBe(false);
  });
});
