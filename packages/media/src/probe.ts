// probeMedia: runs ffprobe (headers, then a packet scan) on a local file and returns a normalised MediaProbe.
// Files ffprobe cannot open at all are refused here with a 422; policy checks live in validate-source.ts.
import { open, stat } from 'node:fs/promises';
import { AppError } from '@onward/domain';
import { looksLikeAcceptedContainer } from './container-sniff.ts';
import { invalidMedia } from './media-error.ts';
import { DEFAULT_MEDIA_LIMITS } from './media-limits.ts';
import type { MediaProbe } from './media-probe.ts';
import { probeHeaderArgs, probePacketArgs } from './probe-args.ts';
import { parseProbe, summarisePackets } from './probe-parse.ts';
import { type FfprobeOptions, runFfprobe } from './ffprobe-runner.ts';

async function readHead(path: string): Promise<Uint8Array> {
  const handle = await open(path, 'r');
  try {
    const buffer = new Uint8Array(16);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

async function explainUnreadable(path: string, error: unknown): Promise<AppError> {
  if (!(error instanceof AppError) || error.code !== 'ffprobe_failed') return error instanceof AppError ? error : new AppError(500, 'ffprobe_failed', 'We could not read this video.');
  const stderr = String(error.details?.stderrTail ?? '');
  if (/exceeds specified max pixel count/i.test(stderr)) {
    return invalidMedia(
      'resolution_too_large',
      'This video’s picture is larger than we accept (up to 4K). Please export a smaller version.',
    );
  }
  if (/not on whitelist/i.test(stderr)) {
    return invalidMedia(
      'unsupported_container',
      'This file is not a video format we accept. Please upload an MP4, MOV or WebM video.',
      { reason: 'format_not_allowed' },
    );
  }
  if (looksLikeAcceptedContainer(await readHead(path))) {
    return invalidMedia(
      'corrupt_media',
      'This video file seems damaged or incomplete (maybe the upload was interrupted). Please try uploading it again.',
    );
  }
  return invalidMedia(
    'unsupported_container',
    'This file is not a video we can read. Please upload an MP4, MOV or WebM video.',
  );
}

export interface ProbeMediaOptions extends FfprobeOptions {
  /** Pixel cap while probing; anything above the validation limit is refused later anyway. */
  maxPixels?: number;
}

export async function probeMedia(path: string, options: ProbeMediaOptions = {}): Promise<MediaProbe> {
  const { size } = await stat(path);
  if (size === 0) throw invalidMedia('empty_file', 'This file is empty. Please choose the video again and re-upload it.');
  let headerJson: string;
  try {
    // Headroom over the limit: decoders check aligned sizes, and validateSource gives the precise refusal.
    const maxPixels = options.maxPixels ?? Math.round(DEFAULT_MEDIA_LIMITS.maxPixels * 1.1);
    headerJson = await runFfprobe(probeHeaderArgs(path, maxPixels), options);
  } catch (error) {
    throw await explainUnreadable(path, error);
  }
  let packetCsv = '';
  try {
    packetCsv = await runFfprobe(probePacketArgs(path), options);
  } catch (error) {
    if (error instanceof AppError && error.code !== 'ffprobe_failed') throw error;
    // A scan that dies part-way leaves the counts short; validateSource judges that as damage.
  }
  let json: unknown;
  try {
    json = JSON.parse(headerJson);
  } catch {
    throw new AppError(500, 'ffprobe_failed', 'We could not read this video.', { reason: 'invalid_json' });
  }
  return parseProbe(json, summarisePackets(packetCsv), size);
}
