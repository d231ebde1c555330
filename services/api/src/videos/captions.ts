// Publishes validated captions beside a video's private HLS ladder (the worker does the same at the end of a job).
import { captionsRenditionFiles, type Cue } from '@onward/media';
import { type ObjectStore, objectKeys } from '@onward/storage';

/** A master playlist lists a handful of variants; far larger is not ours. */
const MASTER_MAX_BYTES = 64 * 1024;

export async function applyCaptions(storage: ObjectStore, videoId: string, cues: readonly Cue[], durationMs: number) {
  const master = await storage.getBytes(objectKeys.privateMedia(videoId, 'hls/master.m3u8'), { maxBytes: MASTER_MAX_BYTES });
  const files = captionsRenditionFiles(cues, durationMs, master.toString('utf8'));
  for (const [file, { text, contentType }] of Object.entries(files)) {
    await storage.putStream(objectKeys.privateMedia(videoId, `hls/${file}`), text, { contentType });
  }
}
