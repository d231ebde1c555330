// Probe -> validate -> plan -> one-process ladder -> master playlist -> poster/storyboard, on real generated clips.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planLadder } from '../src/ladder-plan.ts';
import { probeMedia } from '../src/probe.ts';
import { renderPoster, renderStoryboard, transcodeLadder } from '../src/transcode-ladder.ts';
import { validateSource } from '../src/validate-source.ts';
import { GPS_ISO6709, generateClip } from './clips.ts';
import { decodeFully, ffprobeJson, joinRung, keyframeTimes } from './ffprobe-inspect.ts';

let work: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'onward-media-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

async function runPipeline(input: string, name: string) {
  const probe = await probeMedia(input);
  const source = validateSource(probe);
  const plan = planLadder(source);
  const outDir = join(work, name);
  const reported: string[] = [];
  const progress: number[] = [];
  await transcodeLadder(plan, input, outDir, {
    timeoutMs: 60_000,
    onFile: (relative) => {
      reported.push(relative);
    },
    onProgress: (p) => progress.push(p),
  });
  return { probe, source, plan, outDir, reported, progress };
}

async function allFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

describe('portrait 1080x1920 clip with audio and a GPS tag', () => {
  let result: Awaited<ReturnType<typeof runPipeline>>;
  let input: string;

  beforeAll(async () => {
    input = await generateClip({ path: join(work, 'portrait.mp4'), width: 1080, height: 1920, seconds: 4, fps: 30, audio: true, gps: true });
    const tags = (await ffprobeJson(input)).format.tags ?? {};
    expect(Object.values(tags)).toContain(GPS_ISO6709); // the fixture really carries a location
    result = await runPipeline(input, 'portrait');
  }, 120_000);

  it('encodes every rung at the right portrait size, profile and level, with audio and the source duration', async () => {
    const { plan, outDir } = result;
    expect(plan.rungs.map((r) => `${r.name}:${r.width}x${r.height}`)).toEqual([
      'v1080:1080x1920',
      'v720:720x1280',
      'v480:480x854',
      'v360:360x640',
    ]);
    for (const rung of plan.rungs) {
      const { path, segmentStarts } = await joinRung(outDir, rung.name);
      const info = await ffprobeJson(path);
      const video = info.streams.find((s) => s.codec_type === 'video');
      const audio = info.streams.find((s) => s.codec_type === 'audio');
      expect(video).toMatchObject({ codec_name: 'h264', profile: 'High', width: rung.width, height: rung.height });
      expect(video?.level).toBe(Math.round(Number(rung.level) * 10));
      expect(rung.codecs).toBe(`avc1.6400${(video?.level ?? 0).toString(16).padStart(2, '0')},mp4a.40.2`);
      expect(audio).toMatchObject({ codec_name: 'aac', channels: 2 });
      expect(Number(info.format.duration)).toBeGreaterThan(3.8);
      expect(Number(info.format.duration)).toBeLessThan(4.2);
      // Every segment starts on a keyframe, at the same 2 s boundaries in every rung (times are relative to the
      // first keyframe: B-frames shift presentation times by a frame or two).
      const keyframes = await keyframeTimes(path);
      const first = keyframes[0] ?? 0;
      expect(segmentStarts).toEqual([0, 2]);
      expect(keyframes.map((k) => Math.round((k - first) * 100) / 100)).toEqual(segmentStarts);
    }
  });

  it('writes a master playlist with one variant per rung and no audio-only variant', async () => {
    const master = await readFile(join(result.outDir, 'master.m3u8'), 'utf8');
    const variants = master.split('\n').filter((l) => l.startsWith('#EXT-X-STREAM-INF:'));
    expect(variants).toHaveLength(4);
    for (const [i, rung] of result.plan.rungs.entries()) {
      const line = variants[i] ?? '';
      expect(line).toContain(`RESOLUTION=${rung.width}x${rung.height}`);
      expect(line).toContain(`CODECS="${rung.codecs}"`);
      const bandwidth = Number(/BANDWIDTH=(\d+)/.exec(line)?.[1]);
      expect(bandwidth).toBeGreaterThan(0);
    }
    expect(master).not.toContain('TYPE=AUDIO');
    await decodeFully(join(result.outDir, 'master.m3u8'));
  });

  it('reports every file to the uploader, media before playlists, master last', async () => {
    const { reported, outDir } = result;
    const onDisk = (await allFiles(outDir)).filter((f) => !f.endsWith('.joined.mp4')).map((f) => f.slice(outDir.length + 1));
    expect([...reported].sort()).toEqual(onDisk.sort());
    expect(reported.at(-1)).toBe('master.m3u8');
    const firstPlaylist = reported.findIndex((f) => f.endsWith('.m3u8'));
    expect(reported.slice(firstPlaylist).every((f) => f.endsWith('.m3u8'))).toBe(true);
    expect(result.progress.at(-1)).toBe(100);
  });

  it('renders a poster and a storyboard', async () => {
    const poster = join(result.outDir, 'poster.jpg');
    const storyboard = join(result.outDir, 'storyboard.jpg');
    await renderPoster(result.plan, input, poster, { timeoutMs: 30_000 });
    const board = await renderStoryboard(result.plan, result.outDir, storyboard, { timeoutMs: 30_000 });
    expect((await ffprobeJson(poster)).streams[0]).toMatchObject({ width: 720, height: 1280 });
    expect(board).toMatchObject({ count: 2, columns: 2, rows: 1, thumbWidth: 90, thumbHeight: 160 });
    expect((await ffprobeJson(storyboard)).streams[0]).toMatchObject({ width: 180, height: 160 });
  });

  it('leaves no location or device tag in any output file', async () => {
    for (const file of await allFiles(result.outDir)) {
      const bytes = await readFile(file);
      const text = bytes.toString('latin1');
      expect(text, file).not.toContain('40.7128');
      expect(text.toLowerCase(), file).not.toContain('location');
      expect(text, file).not.toContain('ISO6709');
      if (file.endsWith('.mp4') || file.endsWith('.jpg')) {
        const info = await ffprobeJson(file);
        const tagKeys = [info.format.tags ?? {}, ...info.streams.map((s) => s.tags ?? {})].flatMap((t) => Object.keys(t));
        expect(tagKeys.filter((k) => /location|gps|make|model|com\.apple/i.test(k)), file).toEqual([]);
      }
    }
  });
});

describe('other valid sources', () => {
  it('a clip without audio still gives a playable ladder with video-only CODECS', async () => {
    const input = await generateClip({ path: join(work, 'silent.mp4'), width: 640, height: 360, seconds: 2, fps: 30, audio: false });
    const { plan, outDir } = await runPipeline(input, 'silent');
    expect(plan.audio).toBeNull();
    expect(plan.rungs.map((r) => r.name)).toEqual(['v360']);
    const master = await readFile(join(outDir, 'master.m3u8'), 'utf8');
    expect(master).toContain('CODECS="avc1.64001e"');
    const { path } = await joinRung(outDir, 'v360');
    expect((await ffprobeJson(path)).streams.map((s) => s.codec_type)).toEqual(['video']);
    await decodeFully(join(outDir, 'master.m3u8'));
  });

  it('a sideways-stored phone clip (rotation tag) comes out portrait with no rotation left', async () => {
    const input = await generateClip({ path: join(work, 'rotated.mp4'), width: 640, height: 360, seconds: 2, fps: 30, audio: true, rotation: 90 });
    const { source, plan, outDir } = await runPipeline(input, 'rotated');
    expect(source).toMatchObject({ displayWidth: 360, displayHeight: 640, codedWidth: 640, codedHeight: 360 });
    expect(plan.rungs[0]).toMatchObject({ name: 'v360', width: 360, height: 640 });
    const { path } = await joinRung(outDir, 'v360');
    const video = (await ffprobeJson(path)).streams.find((s) => s.codec_type === 'video');
    expect(video).toMatchObject({ width: 360, height: 640 });
    expect(video?.side_data_list ?? []).toEqual([]);
  });

  it.each([
    ['vp8', 'webm'],
    ['vp9', 'webm'],
  ] as const)('a MediaRecorder-like %s + Opus WebM without duration is accepted and processed', async (codec, container) => {
    const input = await generateClip({
      path: join(work, `recorder-${codec}.webm`),
      width: 480,
      height: 640,
      seconds: 3,
      fps: 30,
      audio: true,
      codec,
      container,
      viaPipe: true,
    });
    const { probe, plan, outDir } = await runPipeline(input, `recorder-${codec}`);
    expect(probe.durationSource).toBe('packets');
    expect(probe.durationMs).toBeGreaterThan(2900);
    expect(probe.durationMs).toBeLessThan(3100);
    expect(plan.source.demuxer).toBe('matroska');
    expect(plan.rungs.map((r) => `${r.width}x${r.height}`)).toEqual(['480x640', '360x480']);
    await decodeFully(join(outDir, 'master.m3u8'));
  });

  it('an HEVC MOV with an Apple location tag is processed and the tag dropped', async () => {
    const hevc = await generateClip({
      path: join(work, 'hevc.mov'),
      width: 640,
      height: 360,
      seconds: 2,
      fps: 30,
      audio: true,
      codec: 'hevc',
      container: 'mov',
      gps: true,
    });
    expect(JSON.stringify((await ffprobeJson(hevc)).format.tags)).toContain('com.apple.quicktime.location.ISO6709');
    const { outDir } = await runPipeline(hevc, 'hevc');
    await decodeFully(join(outDir, 'master.m3u8'));
    for (const file of await allFiles(outDir)) {
      expect((await readFile(file)).toString('latin1'), file).not.toContain('40.7128');
    }
  });

  it('a variable-frame-rate MKV is resampled to a constant rate with 2 s keyframes', async () => {
    const vfr = await generateClip({
      path: join(work, 'vfr.mkv'),
      width: 640,
      height: 360,
      seconds: 3,
      fps: 30,
      audio: false,
      vfr: true,
      container: 'mkv',
    });
    const { probe, plan, outDir } = await runPipeline(vfr, 'vfr');
    expect(probe.video?.vfr).toBe(true);
    expect(plan.source.demuxer).toBe('matroska');
    expect(plan.rungs[0]?.fpsFilter).not.toBeNull();
    const { path } = await joinRung(outDir, 'v360');
    const keyframes = await keyframeTimes(path);
    const first = keyframes[0] ?? 0;
    expect(keyframes.map((k) => Math.round((k - first) * 100) / 100)).toEqual([0, 2]);
  });
});
