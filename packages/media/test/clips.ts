// Generates small test clips and hostile inputs with ffmpeg's lavfi sources (tests and benchmarks only).
import { execFile, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm, truncate, writeFile, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

export const GPS_ISO6709 = '+40.7128-074.0060/';

export interface ClipSpec {
  path: string;
  width: number;
  height: number;
  seconds: number;
  fps: number;
  audio: boolean;
  /** Stored as a display matrix (mp4/mov only): the picture is coded width x height and shown turned. */
  rotation?: 90 | 180 | 270;
  gps?: boolean;
  codec?: 'h264' | 'vp8' | 'vp9' | 'hevc';
  container?: 'mp4' | 'webm' | 'mkv' | 'mov';
  /** Drop a third of the frames so timestamps are uneven (like a phone under load). */
  vfr?: boolean;
  /** Moov atom at the start (default) or at the end (like most phones write it). */
  faststart?: boolean;
  /** Write the container to a pipe so it has no duration or cues (like browser MediaRecorder WebM). */
  viaPipe?: boolean;
  /** Audio codec; Opus for WebM/MKV and AAC otherwise by default (Chromium's MediaRecorder MP4 carries Opus). */
  audioCodec?: 'aac' | 'opus';
  /** x264 preset, "ultrafast" by default (benchmarks may want a realistic source). */
  preset?: string;
}

async function ffmpeg(args: string[]): Promise<void> {
  await execFileAsync('ffmpeg', ['-v', 'error', '-nostdin', '-y', ...args], { maxBuffer: 16 * 1024 * 1024 });
}

function videoCodecArgs(spec: ClipSpec): string[] {
  switch (spec.codec ?? 'h264') {
    case 'h264':
      return ['-c:v', 'libx264', '-preset', spec.preset ?? 'ultrafast', '-pix_fmt', 'yuv420p'];
    case 'hevc':
      return ['-c:v', 'libx265', '-preset', 'ultrafast', '-x265-params', 'log-level=error', '-tag:v', 'hvc1'];
    case 'vp8':
      return ['-c:v', 'libvpx', '-deadline', 'realtime', '-cpu-used', '8', '-b:v', '1M'];
    case 'vp9':
      return ['-c:v', 'libvpx-vp9', '-deadline', 'realtime', '-cpu-used', '8', '-row-mt', '1', '-b:v', '1M'];
  }
}

function muxerName(container: NonNullable<ClipSpec['container']>): string {
  return container === 'mkv' ? 'matroska' : container;
}

export async function generateClip(spec: ClipSpec): Promise<string> {
  const container = spec.container ?? 'mp4';
  const webmLike = container === 'webm' || container === 'mkv';
  await mkdir(dirname(spec.path), { recursive: true });
  const args = [
    '-f',
    'lavfi',
    '-i',
    `testsrc2=size=${spec.width}x${spec.height}:rate=${spec.fps}:duration=${spec.seconds}`,
  ];
  if (spec.audio) args.push('-f', 'lavfi', '-i', `sine=frequency=440:sample_rate=48000:duration=${spec.seconds}`);
  args.push('-map', '0:v');
  if (spec.audio) args.push('-map', '1:a');
  if (spec.vfr) args.push('-vf', "select='not(between(mod(n\\,30)\\,10\\,19))'", '-fps_mode', 'vfr');
  args.push(...videoCodecArgs(spec));
  const opus = spec.audioCodec ? spec.audioCodec === 'opus' : webmLike;
  if (spec.audio) args.push(...(opus ? ['-c:a', 'libopus', '-b:a', '64k'] : ['-c:a', 'aac', '-b:a', '96k']));
  if (spec.gps) {
    // "location" becomes the ©xyz atom in MP4/MOV; the Apple key is the one iPhones write (mdta keys).
    args.push('-metadata', `location=${GPS_ISO6709}`, '-metadata', `com.apple.quicktime.location.ISO6709=${GPS_ISO6709}`);
    if (!webmLike) args.push('-movflags', `+use_metadata_tags${spec.faststart === false ? '' : '+faststart'}`);
  } else if (!webmLike && spec.faststart !== false) {
    args.push('-movflags', '+faststart');
  }
  if (spec.viaPipe) {
    await pipeToFile([...args, '-f', muxerName(container), 'pipe:1'], spec.path);
  } else if (spec.rotation) {
    // ffmpeg 5.1 has no -display_rotation and ignores the rotate tag when encoding: encode, then remux with it.
    const plain = `${spec.path}.plain.${container}`;
    await ffmpeg([...args, plain]);
    await ffmpeg([
      '-i',
      plain,
      '-map',
      '0',
      '-c',
      'copy',
      '-map_metadata',
      '0',
      '-metadata:s:v:0',
      `rotate=${spec.rotation}`,
      ...(spec.gps ? ['-movflags', '+use_metadata_tags'] : []),
      spec.path,
    ]);
    await rm(plain, { force: true });
  } else {
    await ffmpeg([...args, spec.path]);
  }
  return spec.path;
}

async function pipeToFile(args: string[], path: string): Promise<void> {
  const child = spawn('ffmpeg', ['-v', 'error', '-nostdin', '-y', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => {
    stderr += c.toString();
  });
  const exited = new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  await pipeline(child.stdout, createWriteStream(path));
  const code = await exited;
  if (code !== 0) throw new Error(`ffmpeg exited ${code}: ${stderr}`);
}

export interface EvilInputs {
  empty: string;
  textAsMp4: string;
  pdfAsMp4: string;
  truncatedMp4: string;
  /** HLS playlist renamed .mp4; names an HTTP segment and `localSecret`. */
  hlsAsMp4: string;
  /** ffconcat file renamed .mp4; names `localSecret`. */
  concatAsMp4: string;
  /** A real, decodable .ts file the disguised playlists point at: it must never be opened. */
  localSecret: string;
  audioOnly: string;
  hugeDimensions: string;
  /** VP8 + Opus WebM written to a pipe: no duration, no cues. Valid input. */
  mediaRecorderWebm: string;
}

export async function writeEvilInputs(dir: string, options: { httpUrl?: string } = {}): Promise<EvilInputs> {
  await mkdir(dir, { recursive: true });
  const p = (name: string) => join(dir, name);
  const inputs: EvilInputs = {
    empty: p('empty.mp4'),
    textAsMp4: p('notes.mp4'),
    pdfAsMp4: p('document.mp4'),
    truncatedMp4: p('truncated.mp4'),
    hlsAsMp4: p('playlist.mp4'),
    concatAsMp4: p('concat.mp4'),
    localSecret: p('secret.ts'),
    audioOnly: p('audio-only.m4a'),
    hugeDimensions: p('huge.mp4'),
    mediaRecorderWebm: p('recorder.webm'),
  };
  await writeFile(inputs.empty, '');
  await writeFile(inputs.textAsMp4, 'Dear diary, today is day 90.\n'.repeat(200));
  await writeFile(
    inputs.pdfAsMp4,
    '%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n',
  );

  // The referenced local file is a real video, so a reader that followed the reference would succeed.
  await ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=size=64x64:rate=10:duration=1', '-c:v', 'libx264', '-preset', 'ultrafast', inputs.localSecret]);
  const httpUrl = options.httpUrl ?? 'http://127.0.0.1:1/x.ts';
  await writeFile(
    inputs.hlsAsMp4,
    `#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:2\n#EXT-X-MEDIA-SEQUENCE:0\n#EXTINF:1.0,\n${httpUrl}\n#EXTINF:1.0,\nsecret.ts\n#EXTINF:1.0,\n${inputs.localSecret}\n#EXT-X-ENDLIST\n`,
  );
  await writeFile(inputs.concatAsMp4, `ffconcat version 1.0\nfile 'secret.ts'\nfile '${inputs.localSecret}'\n`);

  // Moov at the end, cut in half: the index that says where the frames are is gone.
  const whole = p('whole.mp4');
  await generateClip({ path: whole, width: 160, height: 120, seconds: 2, fps: 15, audio: true, faststart: false });
  const { size } = await stat(whole);
  await truncate(whole, Math.floor(size / 2));
  await rename(whole, inputs.truncatedMp4);

  await ffmpeg(['-f', 'lavfi', '-i', 'sine=frequency=440:duration=2', '-c:a', 'aac', inputs.audioOnly]);
  // A single black 8000x8000 frame compresses to a few kilobytes but would decode to 96 MB per frame.
  await ffmpeg([
    '-f',
    'lavfi',
    '-i',
    'color=black:size=8000x8000:rate=1:duration=1',
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-pix_fmt',
    'yuv420p',
    inputs.hugeDimensions,
  ]);
  await generateClip({
    path: inputs.mediaRecorderWebm,
    width: 320,
    height: 240,
    seconds: 2,
    fps: 30,
    audio: true,
    codec: 'vp8',
    container: 'webm',
    viaPipe: true,
  });
  return inputs;
}
