import { describe, expect, it } from 'vitest';
import {
  buildLadderArgs,
  buildLadderFilterGraph,
  buildY4mDecodeArgs,
  encoderThreads,
  faceFrameSize,
  faceThumbnailsArgs,
  selectedFrameIndex,
} from './ladder-args.ts';
import { planLadder } from './ladder-plan.ts';
import { validatedSource } from './validated-source-fixture.ts';

function valueAfter(args: string[], flag: string): string | undefined {
  const i = args.indexOf(flag);
  return i === -1 ? undefined : args[i + 1];
}

describe('buildLadderArgs', () => {
  const plan = planLadder(validatedSource());
  const args = buildLadderArgs(plan, '/work/job/source', '/work/job/out');

  it('hardens the input: file/pipe protocols only, demuxer allowlist, forced demuxer, codec and pixel caps', () => {
    const input = args.indexOf('-i');
    const before = args.slice(0, input);
    expect(valueAfter(before, '-protocol_whitelist')).toBe('file,pipe');
    expect(valueAfter(before, '-format_whitelist')).toBe('mov,mp4,m4a,3gp,3g2,mj2,matroska,webm');
    expect(valueAfter(before, '-f')).toBe('mov');
    expect(valueAfter(before, '-codec_whitelist')).toBe('h264,aac,aac_fixed');
    expect(Number(valueAfter(before, '-max_pixels'))).toBeGreaterThanOrEqual(1080 * 1920);
    expect(args[input + 1]).toBe('file:/work/job/source');
    expect(args.filter((a) => a === '-i')).toHaveLength(1); // one process, one decode
  });

  it('forces the matroska demuxer for WebM', () => {
    const webm = buildLadderArgs(planLadder(validatedSource({ demuxer: 'matroska', videoCodec: 'vp9', audio: { codec: 'opus', channels: 2 } })), '/s', '/o');
    expect(valueAfter(webm, '-f')).toBe('matroska');
    expect(valueAfter(webm, '-codec_whitelist')).toBe('vp9,libvpx-vp9,opus,libopus');
  });

  it('strips metadata and chapters', () => {
    const joined = args.join(' ');
    expect(joined).toContain('-map_metadata -1');
    expect(joined).toContain('-map_metadata:s -1');
    expect(joined).toContain('-map_chapters -1');
  });

  it('encodes every rung in one filter graph with per-rung rate control', () => {
    expect(buildLadderFilterGraph(plan.rungs)).toBe(
      '[0:v:0]scale=w=1080:h=1920:flags=bicubic,setsar=1,format=yuv420p,split=2[v0][cascade1];' +
        '[cascade1]scale=w=720:h=1280:flags=bicubic,setsar=1,format=yuv420p,split=2[v1][cascade2];' +
        '[cascade2]scale=w=480:h=854:flags=bicubic,setsar=1,format=yuv420p,split=2[v2][cascade3];' +
        '[cascade3]scale=w=360:h=640:flags=bicubic,setsar=1,format=yuv420p[v3]',
    );
    expect(args.filter((a, i) => a === '-map' && args[i + 1]?.startsWith('[v'))).toHaveLength(4);
    expect(args.filter((a, i) => a === '-map' && args[i + 1] === '0:a:0')).toHaveLength(4);
    expect(valueAfter(args, '-c:v')).toBe('libx264');
    plan.rungs.forEach((rung, i) => {
      expect(valueAfter(args, `-crf:v:${i}`)).toBe(String(rung.crf));
      expect(valueAfter(args, `-maxrate:v:${i}`)).toBe(`${rung.maxrate / 1000}k`);
      expect(valueAfter(args, `-bufsize:v:${i}`)).toBe(`${(2 * rung.maxrate) / 1000}k`);
      expect(valueAfter(args, `-preset:v:${i}`)).toBe(rung.preset);
      expect(valueAfter(args, `-level:v:${i}`)).toBe(rung.level);
    });
    expect(valueAfter(args, '-x264-params:v:0')).toBe('mbtree=1:rc-lookahead=10');
    expect(valueAfter(args, '-x264-params:v:1')).toBe('mbtree=1:rc-lookahead=10');
    expect(args).not.toContain('-x264-params:v:2');
  });

  it('shares x264\'s own thread count among the rungs\' encoders, at least 2 each', () => {
    // x264 alone takes 1.5 threads per core
    expect(encoderThreads(2, 4)).toBe(2);
    expect(encoderThreads(8, 4)).toBe(3);
    expect(encoderThreads(16, 4)).toBe(6);
    expect(encoderThreads(16, 1)).toBe(24);
    expect(encoderThreads(1, 1)).toBe(1);
    expect(() => encoderThreads(0, 4)).toThrow(RangeError);
    expect(valueAfter(buildLadderArgs(plan, '/in/source.mp4', '/out', { cores: 8 }), '-threads:v')).toBe('3');
    expect(valueAfter(buildLadderArgs(plan, '/in/source.mp4', '/out', { cores: 2, videoFromStdin: true }), '-threads:v')).toBe('2');
  });

  it('aligns keyframes every 2 s in every rung, without scene-cut keyframes', () => {
    expect(valueAfter(args, '-force_key_frames:v')).toBe('expr:gte(t,n_forced*2)');
    expect(valueAfter(args, '-sc_threshold')).toBe('0');
    plan.rungs.forEach((_, i) => {
      expect(valueAfter(args, `-g:v:${i}`)).toBe('60');
      expect(valueAfter(args, `-keyint_min:v:${i}`)).toBe('60');
    });
  });

  it('applies the fps filter only to rungs that need it', () => {
    const graph = buildLadderFilterGraph(planLadder(validatedSource({ frameRate: { num: 60, den: 1 } })).rungs);
    expect(graph).toContain('split=2[pre2][cascade3];[pre2]fps=30[v2]');
    expect(graph).toContain('[pre3]fps=30[v3]');
    expect(graph).not.toContain('[pre0]');
    expect(buildLadderFilterGraph(plan.rungs)).not.toContain('fps=');
  });

  it('writes fMP4 HLS, audio muxed into each variant, into {name}/ folders', () => {
    expect(valueAfter(args, '-c:a')).toBe('aac');
    expect(valueAfter(args, '-ac')).toBe('2');
    expect(valueAfter(args, '-b:a:0')).toBe('128k');
    expect(valueAfter(args, '-b:a:3')).toBe('96k');
    expect(valueAfter(args, '-f')).toBe('mov');
    expect(args.slice(args.lastIndexOf('-f'), args.lastIndexOf('-f') + 2)).toEqual(['-f', 'hls']);
    expect(valueAfter(args, '-hls_segment_type')).toBe('fmp4');
    expect(valueAfter(args, '-hls_time')).toBe('2');
    expect(valueAfter(args, '-hls_playlist_type')).toBe('vod');
    expect(valueAfter(args, '-var_stream_map')).toBe('v:0,a:0,name:v1080 v:1,a:1,name:v720 v:2,a:2,name:v480 v:3,a:3,name:v360');
    expect(valueAfter(args, '-hls_segment_filename')).toBe('/work/job/out/%v/seg_%05d.m4s');
    expect(valueAfter(args, '-hls_fmp4_init_filename')).toBe('init_%v.mp4');
    expect(args).not.toContain('-master_pl_name'); // written from the plan instead
    expect(valueAfter(args, '-progress')).toBe('pipe:1');
    expect(args.at(-1)).toBe('/work/job/out/%v/index.m3u8');
  });

  it('without source audio: no audio maps or encoder, video-only variants', () => {
    const silent = buildLadderArgs(planLadder(validatedSource({ audio: null })), '/s', '/o');
    expect(silent).not.toContain('0:a:0');
    expect(silent).not.toContain('-c:a');
    expect(valueAfter(silent, '-var_stream_map')).toBe('v:0,name:v1080 v:1,name:v720 v:2,name:v480 v:3,name:v360');
  });

  it('names the init segment literally when there is a single rung (ffmpeg only expands %v for several)', () => {
    const tiny = buildLadderArgs(planLadder(validatedSource({ displayWidth: 240, displayHeight: 320 })), '/s', '/o');
    expect(valueAfter(tiny, '-hls_fmp4_init_filename')).toBe('init_v240.mp4');
  });
});

describe('face frames', () => {
  it('are the display size up to 1080p, the top rung above (a 4K upload is looked at in 1080p)', () => {
    expect(faceFrameSize(planLadder(validatedSource()))).toEqual({ width: 1080, height: 1920 });
    const uhd = planLadder(validatedSource({ displayWidth: 2160, displayHeight: 3840, codedWidth: 2160, codedHeight: 3840 }));
    expect(faceFrameSize(uhd)).toEqual({ width: uhd.rungs[0]?.width, height: uhd.rungs[0]?.height });
    expect(faceFrameSize(uhd).width).toBeLessThanOrEqual(1080);
    const thumbnails = faceThumbnailsArgs(uhd, '/s', [{ frame: 0, box: { x: 0, y: 0, width: 100, height: 100 }, outPath: '/o/1.jpg' }]);
    expect(thumbnails.join(' ')).toContain(`scale=w=${uhd.rungs[0]?.width}:h=${uhd.rungs[0]?.height}`);
    // a 540x960 upload's top rung is 480x854: its frames stay 540x960 (what the decoder gives, as before)
    const small = planLadder(validatedSource({ displayWidth: 540, displayHeight: 960, codedWidth: 540, codedHeight: 960 }));
    expect(faceFrameSize(small)).toEqual({ width: 540, height: 960 });
  });

  it('thumbnails crop within the face frame, whatever the box', () => {
    const uhd = planLadder(validatedSource({ displayWidth: 2160, displayHeight: 3840, codedWidth: 2160, codedHeight: 3840 }));
    const args = faceThumbnailsArgs(uhd, '/s', [{ frame: 3, box: { x: 1000, y: 1800, width: 400, height: 400 }, outPath: '/o/1.jpg' }]);
    const graph = args[args.indexOf('-filter_complex') + 1] ?? '';
    // clipped to the 1080x1920 face frame, not the 2160x3840 upload
    expect(graph).toContain('crop=80:120:1000:1800');
    // only the chosen frame is scaled to the face frame
    expect(graph).toMatch(/^\[0:v:0\]fps=30,split=1\[s0\];\[s0\]select=eq\(n\\,3\),scale=w=1080:h=1920:flags=bicubic,setsar=1,crop=/);
    // one JPEG per face, with nothing of the upload's metadata
    expect(args.slice(args.indexOf('-map')).join(' ')).toBe(
      '-map [t0] -frames:v 1 -q:v 3 -map_metadata -1 -map_metadata:s -1 -map_chapters -1 -f image2 -update 1 /o/1.jpg',
    );
  });
});

describe('detection frame selection', () => {
  it('maps the k-th frame passed on to its decoded index: every N-th, then every frame from the tail on', () => {
    const selection = { every: 5, tailFrom: 22 };
    expect(Array.from({ length: 10 }, (_, k) => selectedFrameIndex(selection, k))).toEqual([0, 5, 10, 15, 20, 22, 23, 24, 25, 26]);
    // a tail at a multiple of N, and one from the start (a clip shorter than the tail: every frame)
    expect(Array.from({ length: 6 }, (_, k) => selectedFrameIndex({ every: 5, tailFrom: 10 }, k))).toEqual([0, 5, 10, 11, 12, 13]);
    expect(Array.from({ length: 4 }, (_, k) => selectedFrameIndex({ every: 5, tailFrom: -7 }, k))).toEqual([0, 1, 2, 3]);
  });

  it('asks ffmpeg for those frames without filling the gaps, and refuses a bad selection', () => {
    const plan = planLadder(validatedSource());
    const args = buildY4mDecodeArgs(plan, '/in.mp4', { every: 5, tailFrom: 400 });
    // chosen right after the constant rate, before any per-frame work (scaling a 4K upload's frames that are dropped)
    expect(args[args.indexOf('-vf') + 1]).toBe("fps=30,select='not(mod(n\\,5))+gte(n\\,400)',scale=w=1080:h=1920:flags=bicubic,setsar=1,format=yuv420p");
    expect(args[args.indexOf('-fps_mode') + 1]).toBe('passthrough');
    expect(buildY4mDecodeArgs(plan, '/in.mp4')).not.toContain('-fps_mode');
    // the decode that feeds the encoder leaves it the cores; its thread count is an input option (before -i)
    const full = buildY4mDecodeArgs(plan, '/in.mp4');
    expect(valueAfter(full, '-threads')).toBe('2');
    expect(full.indexOf('-threads')).toBeLessThan(full.indexOf('-i'));
    expect(valueAfter(full, '-filter_threads')).toBe('1');
    expect(args).not.toContain('-threads');
    expect(() => buildY4mDecodeArgs(plan, '/in.mp4', { every: 0, tailFrom: 10 })).toThrow(RangeError);
    expect(() => buildY4mDecodeArgs(plan, '/in.mp4', { every: 5, tailFrom: 1.5 })).toThrow(RangeError);
  });
});
