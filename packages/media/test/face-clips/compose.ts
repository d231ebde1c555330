// Paints one display frame of a planned scene: a slowly panning coffee-table background with the sprites on top.
import type { ScenePlan } from './scenarios.ts';
import { COFFEE, type SpritePixels, decodeStill, dim, loadSprite } from './sprites.ts';

export interface SceneAssets {
  background: { rgb: Uint8Array; width: number; height: number };
  /** One per plan layer. */
  sprites: SpritePixels[];
}

/** The background is coffee.png scaled to cover the frame with room to pan a quarter of the frame width. */
export function backgroundSize(width: number, height: number): { width: number; height: number } {
  const scale = Math.max(height / COFFEE.height, (1.25 * width) / COFFEE.width);
  return { width: Math.ceil(COFFEE.width * scale), height: Math.ceil(COFFEE.height * scale) };
}

export async function loadAssets(plan: ScenePlan): Promise<SceneAssets> {
  const size = backgroundSize(plan.width, plan.height);
  const [rgb, ...sprites] = await Promise.all([
    decodeStill(COFFEE.file, { x: 0, y: 0, width: COFFEE.width, height: COFFEE.height }, size.width, size.height),
    ...plan.layers.map((layer) => loadSprite(layer.sprite, plan.brightness)),
  ]);
  return { background: { rgb: dim(rgb as Uint8Array, plan.brightness), ...size }, sprites: sprites as SpritePixels[] };
}

/** Top-left of the frame's window into the background: one slow eased pan across the clip. */
export function backgroundOffset(plan: ScenePlan, bgWidth: number, bgHeight: number, frame: number): { x: number; y: number } {
  const range = Math.min(bgWidth - plan.width, Math.floor(0.25 * plan.width));
  const u = plan.frameCount > 1 ? frame / (plan.frameCount - 1) : 0;
  const x0 = Math.floor((bgWidth - plan.width - range) / 2);
  return { x: x0 + Math.round(range * (0.5 - 0.5 * Math.cos(Math.PI * u))), y: Math.floor((bgHeight - plan.height) / 2) };
}

function paste(out: Uint8Array, width: number, height: number, sprite: SpritePixels, left: number, top: number): void {
  const { rgb, alpha } = sprite;
  const sw = sprite.spec.width;
  const sh = sprite.spec.height;
  const y0 = Math.max(0, -top);
  const y1 = Math.min(sh, height - top);
  const x0 = Math.max(0, -left);
  const x1 = Math.min(sw, width - left);
  for (let sy = y0; sy < y1; sy++) {
    let si = sy * sw + x0;
    let di = ((top + sy) * width + left + x0) * 3;
    for (let sx = x0; sx < x1; sx++, si++, di += 3) {
      const a = alpha[si] as number;
      if (a === 0) continue;
      const s = si * 3;
      if (a === 255) {
        out[di] = rgb[s] as number;
        out[di + 1] = rgb[s + 1] as number;
        out[di + 2] = rgb[s + 2] as number;
      } else {
        const b = 255 - a;
        out[di] = ((rgb[s] as number) * a + (out[di] as number) * b + 127) / 255;
        out[di + 1] = ((rgb[s + 1] as number) * a + (out[di + 1] as number) * b + 127) / 255;
        out[di + 2] = ((rgb[s + 2] as number) * a + (out[di + 2] as number) * b + 127) / 255;
      }
    }
  }
}

/** Paints display frame `frame` into `out` (width x height x 3 bytes); `sprites: false` paints the background only. */
export function composeFrame(plan: ScenePlan, assets: SceneAssets, frame: number, out: Uint8Array, options: { sprites?: boolean } = {}): void {
  const { width, height } = plan;
  const bg = assets.background;
  const offset = backgroundOffset(plan, bg.width, bg.height, frame);
  const rowBytes = width * 3;
  for (let y = 0; y < height; y++) {
    const from = ((offset.y + y) * bg.width + offset.x) * 3;
    out.set(bg.rgb.subarray(from, from + rowBytes), y * rowBytes);
  }
  if (options.sprites === false) return;
  for (const { layer, x, y } of plan.placements[frame] ?? []) {
    paste(out, width, height, assets.sprites[layer] as SpritePixels, x, y);
  }
}
