import { describe, expect, it } from 'vitest';
import { type FaceBox, blendBoxes, cropTile, iou, mapToFrame, mergeBoxes, planTiles, wholeFrameTile } from './tiles.ts';

const box = (x: number, y: number, width: number, height: number, score = 0.9): FaceBox => ({ x, y, width, height, score });

describe('planTiles', () => {
  it('uses one tile when the frame fits', () => {
    expect(planTiles(300, 200, 512, 128)).toEqual([{ x: 0, y: 0, size: 512 }]);
  });

  it('covers a 1080x1920 frame with tiles ending exactly at the edges', () => {
    const tiles = planTiles(1080, 1920, 512, 160);
    const xs = [...new Set(tiles.map((t) => t.x))];
    const ys = [...new Set(tiles.map((t) => t.y))];
    expect(xs[0]).toBe(0);
    expect(ys[0]).toBe(0);
    expect(Math.max(...xs) + 512).toBe(1080);
    expect(Math.max(...ys) + 512).toBe(1920);
    expect(tiles).toHaveLength(xs.length * ys.length);
    for (const list of [xs, ys]) {
      for (let i = 1; i < list.length; i++) expect((list[i - 1] ?? 0) + 512 - (list[i] ?? 0)).toBeGreaterThanOrEqual(160);
    }
  });

  it('puts every square no larger than the overlap wholly inside some tile', () => {
    const width = 1080;
    const height = 1920;
    const overlap = 160;
    const tiles = planTiles(width, height, 480, overlap);
    for (let y = 0; y + overlap <= height; y += 37) {
      for (let x = 0; x + overlap <= width; x += 41) {
        const inside = tiles.some((t) => x >= t.x && y >= t.y && x + overlap <= t.x + t.size && y + overlap <= t.y + t.size);
        expect(inside, `square at ${x},${y}`).toBe(true);
      }
    }
  });

  it('rejects nonsense sizes', () => {
    expect(() => planTiles(0, 10, 10, 1)).toThrow(RangeError);
    expect(() => planTiles(10, 10, 10, 10)).toThrow(RangeError);
    expect(() => planTiles(10, 10, 0, 0)).toThrow(RangeError);
  });
});

describe('cropTile', () => {
  it('copies the region and leaves outside pixels black', () => {
    // 3x2 frame, pixel value = 10 * index
    const rgb = new Uint8Array(3 * 2 * 3);
    for (let i = 0; i < 6; i++) rgb.fill(10 * (i + 1), i * 3, i * 3 + 3);
    const out = cropTile({ rgb, width: 3, height: 2 }, { x: 1, y: 1, size: 2 });
    // tile row 0 = frame row 1, columns 1..2 -> pixels 5 and 6; tile row 1 is below the frame
    expect([...out]).toEqual([50, 50, 50, 60, 60, 60, 0, 0, 0, 0, 0, 0]);
  });

  it('pads the whole-frame square on the short side', () => {
    const rgb = new Uint8Array(2 * 1 * 3).fill(7);
    const tile = wholeFrameTile(2, 1);
    expect(tile).toEqual({ x: 0, y: 0, size: 2 });
    expect([...cropTile({ rgb, width: 2, height: 1 }, tile)]).toEqual([7, 7, 7, 7, 7, 7, 0, 0, 0, 0, 0, 0]);
  });
});

describe('mapToFrame', () => {
  it('offsets by the tile and clips to the frame', () => {
    expect(mapToFrame(box(10, 20, 30, 40), { x: 100, y: 200, size: 64 }, 1080, 1920)).toEqual(box(110, 220, 30, 40));
    expect(mapToFrame(box(50, 0, 30, 10), { x: 1050, y: 0, size: 128 }, 1080, 1920)).toBeNull();
    expect(mapToFrame(box(0, 0, 50, 10), { x: 1050, y: 0, size: 128 }, 1080, 1920)).toEqual(box(1050, 0, 30, 10));
  });
});

describe('mergeBoxes', () => {
  it('keeps the best of overlapping duplicates and distinct faces', () => {
    const merged = mergeBoxes([box(0, 0, 100, 100, 0.7), box(5, 5, 100, 100, 0.95), box(500, 500, 50, 50, 0.6)], 0.3);
    expect(merged).toEqual([box(5, 5, 100, 100, 0.95), box(500, 500, 50, 50, 0.6)]);
  });

  it('grows the kept box over a partial box cut by a tile edge', () => {
    const merged = mergeBoxes([box(100, 100, 40, 100, 0.9), box(100, 100, 100, 100, 0.8)], 0.5);
    expect(merged).toEqual([box(100, 100, 100, 100, 0.9)]);
  });

  it('returns nothing for nothing, and does not mutate its input', () => {
    expect(mergeBoxes([], 0.3)).toEqual([]);
    const input = [box(0, 0, 10, 10)];
    mergeBoxes(input, 0.3);
    expect(input).toEqual([box(0, 0, 10, 10)]);
  });

  it('computes IoU', () => {
    expect(iou(box(0, 0, 10, 10), box(5, 0, 10, 10))).toBeCloseTo(50 / 150);
    expect(iou(box(0, 0, 10, 10), box(20, 20, 10, 10))).toBe(0);
  });
});

describe('blendBoxes', () => {
  it('averages overlapping boxes by score and keeps the best score', () => {
    const out = blendBoxes([box(0, 0, 10, 10, 0.9), box(2, 0, 10, 10, 0.3)], 0.3);
    expect(out).toHaveLength(1);
    expect(out[0]?.x).toBeCloseTo((0 * 0.9 + 2 * 0.3) / 1.2);
    expect(out[0]?.width).toBeCloseTo(10);
    expect(out[0]?.score).toBe(0.9);
  });

  it('keeps separate faces apart, best first', () => {
    const out = blendBoxes([box(0, 0, 10, 10, 0.6), box(50, 50, 10, 10, 0.8), box(11, 0, 10, 10, 0.7)], 0.3);
    expect(out.map((b) => [b.x, b.score])).toEqual([
      [50, 0.8],
      [11, 0.7],
      [0, 0.6],
    ]);
  });

  it('returns nothing for nothing', () => {
    expect(blendBoxes([], 0.3)).toEqual([]);
  });
});
