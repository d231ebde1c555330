import { describe, expect, it } from 'vitest';
import { edgeDepth, edgeStrips } from './edge-mirror.ts';

/** A frame whose red channel is x and green channel is y (mod 256), so every pixel says where it came from. */
function coordinateFrame(width: number, height: number) {
  const rgb = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      rgb[(y * width + x) * 3] = x % 256;
      rgb[(y * width + x) * 3 + 1] = y % 256;
    }
  }
  return { rgb, width, height };
}

const at = (f: { rgb: Uint8Array; width: number }, x: number, y: number) => [f.rgb[(y * f.width + x) * 3], f.rgb[(y * f.width + x) * 3 + 1]];

describe('edge strips', () => {
  it('mirrors each edge so a face cut by it is whole, and maps boxes back to the real part', () => {
    const frame = coordinateFrame(200, 120);
    const d = 40;
    const [left, right, top, bottom] = edgeStrips(frame, d);
    expect(left?.frame.width).toBe(80);
    // left strip: x' = d + k is real column k, x' = d - 1 - k mirrors it
    expect(at(left!.frame, d + 5, 7)).toEqual([5, 7]);
    expect(at(left!.frame, d - 1 - 5, 7)).toEqual([5, 7]);
    expect(at(right!.frame, 3, 9)).toEqual([163, 9]);
    expect(at(right!.frame, d + 3, 9)).toEqual([199 - 3, 9]);
    expect(at(top!.frame, 11, d + 2)).toEqual([11, 2]);
    expect(at(bottom!.frame, 11, 2)).toEqual([11, 82]);

    // a face straddling the mirror line: only its real half comes back
    expect(left!.toFrame({ x: 30, y: 10, width: 20, height: 20 })).toEqual({ x: 0, y: 10, width: 10, height: 20 });
    expect(right!.toFrame({ x: 30, y: 10, width: 20, height: 20 })).toEqual({ x: 190, y: 10, width: 10, height: 20 });
    expect(top!.toFrame({ x: 5, y: 30, width: 20, height: 20 })).toEqual({ x: 5, y: 0, width: 20, height: 10 });
    expect(bottom!.toFrame({ x: 5, y: 30, width: 20, height: 20 })).toEqual({ x: 5, y: 110, width: 20, height: 10 });
    // the mirror image of a face inside the strip maps to nothing
    expect(left!.toFrame({ x: 2, y: 10, width: 20, height: 20 })).toBeNull();
    expect(right!.toFrame({ x: 60, y: 10, width: 20, height: 20 })).toBeNull();
  });

  it('uses a fifth of the short side, at least 64 px', () => {
    expect(edgeDepth(1080, 1920)).toBe(216);
    expect(edgeDepth(320, 240)).toBe(64);
  });
});
