// Publishes validated captions beside a video's private HLS ladder (the worker does the same at the end of a job).
import { captionsRenditionFiles, type Cue } from '@onward/media';
import { type ObjectStore, objectKeys } from '@onward/storage';

export async function applyCaptions(storage: ObjectStore, videoId: string, cues: readonly Cue[], durationMs: number) {
  const master = await storage.getObject(objectKeys.privateMedia(videoId, 'hls/master.m3u8'));
  const chunks: Buffer[] = [];
  for await (const chunk of master.body) chunks.push(chunk as Buffer);
  const files = captionsRenditionFiles(cues, durationMs, Buffer.concat(chunks).toString('utf8'));
  for (const [file, text] of Object.entries(files)) {
    await storage.putStream(objectKeys.privateMedia(videoId, `hls/${file}`), text, {
      contentType: file.endsWith('.vtt') ? 'text/vtt' : 'application/vnd.apple.mpegurl',
    });
  }
}
