// watchOutputs reports a segment once the next one exists, and everything else when the writer finished.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { watchOutputs } from '../src/watch-outputs.ts';

let work: string;
const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'onward-watch-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('watchOutputs', () => {
  it('reports finished segments while running, and the rest (playlists last) on finish', async () => {
    const out = join(work, 'ladder');
    await mkdir(join(out, 'v360'), { recursive: true });
    const seen: string[] = [];
    const watcher = watchOutputs(out, (relative) => {
      seen.push(relative);
    }, { intervalMs: 20 });

    await writeFile(join(out, 'v360/init_v360.mp4'), 'init');
    await writeFile(join(out, 'v360/seg_00000.m4s'), 'a');
    await tick(80);
    expect(seen).toEqual(['v360/init_v360.mp4']); // seg 0 may still be written

    await writeFile(join(out, 'v360/seg_00001.m4s'), 'b');
    await writeFile(join(out, 'v360/index.m3u8'), '#EXTM3U');
    await tick(80);
    expect(seen).toEqual(['v360/init_v360.mp4', 'v360/seg_00000.m4s']);

    await writeFile(join(out, 'master.m3u8'), '#EXTM3U');
    await watcher.finish();
    expect(seen).toEqual(['v360/init_v360.mp4', 'v360/seg_00000.m4s', 'v360/seg_00001.m4s', 'v360/index.m3u8', 'master.m3u8']);
  });

  it('surfaces a failing upload handler from finish()', async () => {
    const out = join(work, 'failing');
    await mkdir(out, { recursive: true });
    await writeFile(join(out, 'seg_00000.m4s'), 'a');
    const watcher = watchOutputs(out, () => {
      throw new Error('S3 down');
    }, { intervalMs: 20 });
    await expect(watcher.finish()).rejects.toThrow('S3 down');
  });

  it('cancel() reports nothing more', async () => {
    const out = join(work, 'cancelled');
    await mkdir(out, { recursive: true });
    await writeFile(join(out, 'seg_00000.m4s'), 'a');
    const seen: string[] = [];
    const watcher = watchOutputs(out, (f) => {
      seen.push(f);
    }, { intervalMs: 20 });
    await watcher.cancel();
    expect(seen).toEqual([]);
  });
});
