// process-video: original -> probe -> validate -> plan -> one-ffmpeg HLS ladder (uploaded while it encodes)
// -> poster and storyboard -> renditions -> in_review. Idempotent: a re-run starts from scratch and overwrites.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import type { Config } from '@onward/config';
import { isAppError, PROCESSING_FAILED } from '@onward/domain';
import {
  CAPTIONS_MAX_BYTES,
  CAPTIONS_SOURCE,
  captionsRenditionFiles,
  detectFaceTracks,
  type FaceTracks,
  type LadderPlan,
  parseWebVtt,
  planLadder,
  probeMedia,
  renderFaceThumbnails,
  renderPoster,
  renderStoryboard,
  transcodeLadder,
  validateSource,
  voiceDisguiseFilter,
} from '@onward/media';
import { type MediaJobs, processVideoRunOf } from '@onward/queue';
import { deleteVideoMedia, objectKeys } from '@onward/storage';
import type { Logger } from 'pino';
import type { WorkerDeps } from './deps.ts';
import type { JobContext, JobOutcome } from './job-registry.ts';

const CONTENT_TYPES: Record<string, string> = {
  '.m3u8': 'application/vnd.apple.mpegurl',
  '.m4s': 'video/iso.segment',
  '.mp4': 'video/mp4',
  '.jpg': 'image/jpeg',
  '.json': 'application/json',
};

/** Throttles progress writes: at most one per second, and only when the whole percent changes. */
function progressReporter(deps: WorkerDeps, videoId: string) {
  let last = -1;
  let lastAt = 0;
  return (percent: number) => {
    const value = Math.floor(percent);
    const now = Date.now();
    if (value === last || now - lastAt < 1000) return;
    last = value;
    lastAt = now;
    void deps.videos.setProgress(videoId, value).catch(() => {});
  };
}

export function createProcessVideo(deps: WorkerDeps, config: Config, log: Logger) {
  const timeoutMs = config.media.ffmpegTimeoutSeconds * 1000;
  const limits = {
    maxDurationMs: config.limits.uploadMaxDurationSeconds * 1000,
    maxSide: 4096,
    maxPixels: config.limits.maxVideoPixels,
  };

  /** Phase 1: every face in every frame; stored with a thumbnail each for the owner, who then chooses. */
  async function findFaces(plan: LadderPlan, input: string, work: string, videoId: string, signal: AbortSignal, onProgress: (percent: number) => void) {
    const found = await deps.withFaceDetector((detector) =>
      detectFaceTracks(plan, input, { timeoutMs, signal }, {
        detector,
        detectEvery: config.media.faceDetectEvery,
        onProgress,
      }),
    );
    if (found.tracks.length === 0) return { frames: found.frames, frameSize: { width: found.width, height: found.height } };
    await deps.storage.putStream(objectKeys.privateMedia(videoId, `${FACES_DIR}/tracks.json`), serialiseFaceFrames(found), {
      contentType: 'application/json',
    });
    const thumbnails = found.tracks.map((track) => ({
      trackId: track.trackId,
      frame: track.best.frame,
      box: track.best.box,
      outPath: join(work, `face-${track.trackId}.jpg`),
    }));
    await renderFaceThumbnails(plan, input, thumbnails, { timeoutMs, signal });
    for (const t of thumbnails) {
      await deps.storage.putFile(objectKeys.privateMedia(videoId, `${FACES_DIR}/${t.trackId}.jpg`), t.outPath, { contentType: 'image/jpeg' });
    }
    const waiting = await deps.videos.awaitFaceChoice(
      videoId,
      found.tracks.map((t) => ({ trackId: t.trackId, frameCount: t.frameCount })),
      40,
    );
    if (!waiting) {
      // Changed while its faces were looked for. Deleted: the faces just stored (bystanders among them) must not
      // stay, and the delete route swept S3 before this run stored them. Past review: what this run stored is
      // what that clip's run has deleted. Otherwise (another run of this job asked for the same choice, or encodes
      // it) the files are that run's too, the same ones: kept.
      const now = await deps.videos.findVideo(videoId);
      if (!now) await deleteVideoMedia(deps.storage, videoId);
      else if (FORGET_AFTER.has(now.status)) await forgetUnobscured(now);
      log.info({ videoId, status: now?.status ?? 'deleted' }, 'faces found, but the video changed meanwhile');
      return 'changed' as const;
    }
    log.info({ videoId, faces: found.tracks.length }, 'faces found; waiting for the owner to choose');
    return 'awaiting_choice' as const;
  }

  /**
   * Nobody may ever see the faces the owner asked to hide: once the obscured ladder is in, the upload (also when only
   * the voice was disguised), the face thumbnails and the face list go. Idempotent, so that an attempt that failed
   * here is finished by the next one.
   */
  async function forgetUnobscured(video: { id: string; blur_faces: boolean; disguise_voice: boolean }) {
    if (video.blur_faces || video.disguise_voice) await deps.storage.deleteObject(objectKeys.original(video.id));
    if (video.blur_faces) {
      await deps.storage.deletePrefix(`${objectKeys.privateMedia(video.id, FACES_DIR)}/`);
      await deps.videos.forgetFaceTracks(video.id);
    }
  }

  /** Phase 2 input: the stored boxes, minus the faces the owner keeps visible. */
  async function chosenFaces(videoId: string) {
    const stored = parseFaceFrames(
      await deps.storage.getBytes(objectKeys.privateMedia(videoId, `${FACES_DIR}/tracks.json`), { maxBytes: 256 * 1024 * 1024 }),
    );
    const visible = new Set((await deps.videos.listFaceTracks(videoId)).filter((t) => t.visible).map((t) => t.track_id));
    return { frameSize: stored.frameSize, frames: stored.frames.map((boxes) => boxes.filter((b) => !visible.has(b.trackId))) };
  }

  return async function processVideo({ videoId }: MediaJobs['process-video'], ctx: JobContext): Promise<JobOutcome> {
    const video = await deps.videos.findVideo(videoId);
    if (!video) return { status: 'skipped', reason: 'video was deleted' };
    if (video.status !== 'processing') {
      // A retry of a run that moved the clip on and then failed to delete the unobscured upload or the faces: finish
      // that (not for a clip sent back for changes, whose owner may be uploading a new original right now).
      if (FORGET_AFTER.has(video.status)) await forgetUnobscured(video);
      return { status: 'skipped', reason: `video is ${video.status}` };
    }
    // A clip has one current run: its upload's until its owner chooses the faces to keep, then that choice's. Any
    // other (the detection run, started again by BullMQ after its worker died, once the owner had chosen; the run
    // of a choice reopened since) leaves the clip alone: two runs would clear and upload the same ladder at once.
    const run = processVideoRunOf(ctx.jobId, videoId);
    if (run !== null && run !== (video.faces_chosen_at?.getTime() ?? 0)) {
      return { status: 'skipped', reason: 'superseded by a later run of this video' };
    }

    const work = await mkdtemp(join(config.media.tempDir ?? tmpdir(), `onward-${videoId}-`));
    const progress = progressReporter(deps, videoId);
    // Faces will be looked for: the detector loads (~1 s of CPU) while the upload downloads and is probed.
    const releaseDetector = video.blur_faces && !video.faces_chosen_at ? deps.holdFaceDetector() : null;
    try {
      const input = join(work, 'original');
      await deps.storage.downloadToFile(objectKeys.original(videoId), input, {
        maxBytes: config.limits.uploadMaxBytes,
        signal: ctx.signal,
      });
      progress(2);
      const probe = await probeMedia(input, { timeoutMs: 60_000 });
      const plan = planLadder(validateSource(probe, limits));

      // A re-run overwrites: clear the ladder an earlier, interrupted run may have left (captions/ stays).
      await deps.storage.deletePrefix(`${objectKeys.privateMedia(videoId, 'hls')}/`);
      const put = (file: string, path: string) =>
        deps.storage.putFile(objectKeys.privateMedia(videoId, file), path, {
          contentType: CONTENT_TYPES[extname(path)] ?? 'application/octet-stream',
        });

      // Faces: found and tracked first; if there are any, the owner chooses which (if any) are theirs to keep
      // visible, and this job ends here. The choice brings the clip back for the obscured ladder.
      let obscure: { frames: FaceTracks['frames']; frameSize?: { width: number; height: number } } | null = null;
      if (video.blur_faces) {
        const faces = video.faces_chosen_at ? await chosenFaces(videoId) : await findFaces(plan, input, work, videoId, ctx.signal, (p) => progress(2 + p * 0.4)); // 2% -> 42% while faces are looked for
        if (faces === 'awaiting_choice') return { status: 'done' };
        if (faces === 'changed') return { status: 'skipped', reason: 'video changed while its faces were looked for' };
        if (faces.frames.some((boxes) => boxes.length > 0)) obscure = faces;
        progress(45);
      }
      const outDir = join(work, 'hls');
      const uploads: Array<Promise<unknown>> = [];
      // Faces are obscured on the decoded frames before the one ladder encode: no unblurred frame is ever encoded.
      // The voice, when its owner asked: shifted once, before the sound is encoded for every rung. A clip without
      // sound has no voice to disguise (nothing to do, not an error).
      const audioFilter =
        video.disguise_voice && plan.audio ? voiceDisguiseFilter({ durationSeconds: plan.durationMs / 1000 }) : null;
      if (video.disguise_voice && !plan.audio) log.info({ videoId }, 'voice disguise asked for a clip without sound');
      // A segment S3 refused fails the run at once: the encoder is stopped, and that refusal is what is reported
      // (before, the encode went on, and further refusals were rejections nobody handled).
      const refused = new AbortController();
      const ladder = await transcodeLadder(plan, input, outDir, {
        ...(obscure ? { obscure } : {}),
        ...(audioFilter ? { audioFilter } : {}),
        timeoutMs,
        signal: AbortSignal.any([ctx.signal, refused.signal]),
        onProgress: (p) => (obscure ? progress(45 + p * 0.45) : progress(3 + p * 0.87)),
        // Segments go to S3 while ffmpeg is still encoding the next ones.
        onFile: (relative, absolute) => {
          const upload = put(`hls/${relative}`, absolute);
          // the first refusal stops the encode (later ones change nothing)
          upload.catch((error: unknown) => refused.abort(error));
          uploads.push(upload);
        },
      }).catch((error: unknown) => {
        throw refused.signal.aborted ? refused.signal.reason : error;
      });
      await Promise.all(uploads);
      const { masterPlaylistPath, blur: blurred } = ladder;
      if (blurred) log.info({ videoId, ...blurred }, 'faces obscured');
      await publishCaptionsIfAny(deps, videoId, plan.durationMs, masterPlaylistPath);
      progress(92);

      const posterPath = join(work, 'poster.jpg');
      // With blurred faces the poster comes from the encoded (obscured) ladder, never from the upload.
      await renderPoster(plan, input, posterPath, { timeoutMs, signal: ctx.signal, ...(video.blur_faces ? { fromLadderDir: outDir } : {}) });
      await put('poster.jpg', posterPath);
      const storyboardPath = join(work, 'storyboard.jpg');
      const storyboard = await renderStoryboard(plan, outDir, storyboardPath, { timeoutMs, signal: ctx.signal });
      await put('storyboard.jpg', storyboardPath);
      await deps.storage.putStream(objectKeys.privateMedia(videoId, 'storyboard.json'), JSON.stringify(storyboard), {
        contentType: 'application/json',
      });

      await deps.videos.replaceRenditions(
        videoId,
        plan.rungs.map((rung) => ({
          width: rung.width,
          height: rung.height,
          bandwidth: rung.bandwidth,
          codecs: rung.codecs,
          playlist: `hls/${rung.name}/index.m3u8`,
        })),
      );
      const moved = await deps.videos.transitionStatus(videoId, 'processing', 'in_review', {
        progress: 100,
        duration_ms: plan.durationMs,
        width: plan.source.displayWidth,
        height: plan.source.displayHeight,
        failure_code: null,
        failure_reason: null,
      });
      if (!moved) {
        // Deleted (or changed) while we worked: leave nothing behind for a video that no longer wants it.
        if (!(await deps.videos.findVideo(videoId))) await deleteVideoMedia(deps.storage, videoId);
        return { status: 'skipped', reason: 'video changed while processing' };
      }
      await forgetUnobscured(video);
      return { status: 'done' };
    } catch (error) {
      const lastAttempt = ctx.attempt >= ctx.maxAttempts;
      // Invalid media will never succeed: fail now with the reason, and drop the original.
      if (isAppError(error) && error.status === 422) {
        log.info({ videoId, code: error.code }, 'upload refused by validation');
        await markFailed(deps, videoId, error.code, error.message);
        return { status: 'failed', reason: error.code };
      }
      log.warn({ videoId, err: error, attempt: ctx.attempt, lastAttempt }, 'processing attempt failed');
      if (lastAttempt) {
        // The job fails in the queue either way; a clip left in processing is then failed by the API's sweep.
        await markFailed(deps, videoId, PROCESSING_FAILED.code, PROCESSING_FAILED.reason).catch((deleteError: unknown) => {
          log.warn({ videoId, err: deleteError }, "a failed clip's files could not be deleted; the API's sweep will");
        });
      }
      throw error;
    } finally {
      releaseDetector?.();
      await rm(work, { recursive: true, force: true });
    }
  };
}

/** The owner's captions (validated by the API, checked again here) become a subtitles rendition. */
async function publishCaptionsIfAny(deps: WorkerDeps, videoId: string, durationMs: number, masterPath: string) {
  const key = objectKeys.privateMedia(videoId, CAPTIONS_SOURCE);
  if (!(await deps.storage.headObject(key))) return;
  const source = await deps.storage.getBytes(key, { maxBytes: CAPTIONS_MAX_BYTES });
  const files = captionsRenditionFiles(parseWebVtt(source), durationMs, await readFile(masterPath, 'utf8'));
  for (const [file, { text, contentType }] of Object.entries(files)) {
    await deps.storage.putStream(objectKeys.privateMedia(videoId, `hls/${file}`), text, { contentType });
  }
}

const FACES_DIR = 'faces';

/** Statuses a run moves a clip to (or a reviewer then does) after its obscured ladder is stored. */
const FORGET_AFTER: ReadonlySet<string> = new Set(['in_review', 'published', 'rejected', 'removed']);

/** Compact JSON of every frame's boxes: [[trackId, x, y, width, height], ...] per frame, to a tenth of a pixel. */
function serialiseFaceFrames(found: FaceTracks): string {
  const round = (n: number) => Math.round(n * 10) / 10;
  return JSON.stringify({
    width: found.width,
    height: found.height,
    frames: found.frames.map((boxes) => boxes.map((b) => [b.trackId, round(b.x), round(b.y), round(b.width), round(b.height)])),
  });
}

function parseFaceFrames(bytes: Buffer): { frameSize: { width: number; height: number }; frames: FaceTracks['frames'] } {
  const parsed = JSON.parse(bytes.toString('utf8')) as { width: number; height: number; frames: Array<Array<[number, number, number, number, number]>> };
  return {
    frameSize: { width: parsed.width, height: parsed.height },
    frames: parsed.frames.map((boxes) => boxes.map(([trackId, x, y, width, height]) => ({ trackId, x, y, width, height }))),
  };
}

/**
 * The clip failed for good: its owner is asked to upload it again (nothing re-runs a failed clip), so every file of
 * it goes (what the API's sweep and a deletion delete too), the upload among them: when faces were to be blurred,
 * it and the face pictures must not be kept. Only if it is still processing: a retry of a run that stored its
 * ladder and moved the clip on must not delete that ladder. The files go before the clip shows as failed, so that
 * whoever sees it failed finds nothing of it left; if deleting them fails, this throws and the clip stays in
 * processing, for a retry or the API's sweep of abandoned clips (abandoned-processing.ts) to finish, rather than a
 * failed clip whose files nothing would ever delete.
 */
async function markFailed(deps: WorkerDeps, videoId: string, code: string, reason: string) {
  if ((await deps.videos.findVideo(videoId))?.status !== 'processing') return;
  await deleteVideoMedia(deps.storage, videoId);
  await deps.videos.transitionStatus(videoId, 'processing', 'failed', { failure_code: code, failure_reason: reason });
}
