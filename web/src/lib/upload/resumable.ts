// Resumable uploads (tus 1.0.0 with tus-js-client) to the API's /uploads/resumable. A dropped connection is
// retried from the offset the server has (HEAD, then PATCH from there); a reload of the page finds the unfinished
// upload of the same file again (fingerprint in localStorage) and continues it.
import { type DetailedError, type HttpResponse, Upload } from 'tus-js-client';
import { API_PREFIX } from '../api/client.ts';

/** The API stores parts of 8 MiB; one PATCH per part keeps what a dropped connection costs small. */
export const CHUNK_BYTES = 8 * 1024 * 1024;
const RETRY_DELAYS_MS = [0, 1000, 2000, 4000, 8000, 15000, 30000];
const VIDEO_ID_HEADER = 'Onward-Video-Id';

export interface UploadFields {
  title: string;
  description: string;
  category: string;
  milestoneDays: number | null;
  blurFaces: boolean;
  /** Pitch and formants shifted before anyone hears it (docs/voice-disguise.md). */
  disguiseVoice: boolean;
  contentWarnings: string[];
}

export interface UploadEvents {
  progress(sent: number, total: number): void;
  /** The connection dropped; the upload will go on from where the server is (attempt counts from 1). */
  retrying(attempt: number): void;
  done(videoId: string): void;
  failed(message: string, canResume: boolean): void;
}

export interface RunningUpload {
  /** Stop sending; `resume()` continues from the server's offset. */
  pause(): void;
  resume(): void;
  /** Give up and delete what the server has. */
  cancel(): Promise<void>;
}

/** The tus Upload-Metadata: the same fields as the multipart form. */
export function uploadMetadata(fields: UploadFields): Record<string, string> {
  const metadata: Record<string, string> = {
    title: fields.title.trim(),
    category: fields.category,
    blurFaces: String(fields.blurFaces),
  };
  if (fields.disguiseVoice) metadata.disguiseVoice = 'true';
  if (fields.description.trim()) metadata.description = fields.description.trim();
  if (fields.milestoneDays !== null) metadata.milestoneDays = String(fields.milestoneDays);
  if (fields.contentWarnings.length > 0) metadata.contentWarnings = fields.contentWarnings.join(',');
  return metadata;
}

/** The API's error sentence from a tus failure, or a plain one. */
export function uploadErrorMessage(error: Error | DetailedError): { message: string; canResume: boolean } {
  const response = 'originalResponse' in error ? (error.originalResponse as HttpResponse | null) : null;
  if (response) {
    const status = response.getStatus();
    try {
      const body = JSON.parse(response.getBody()) as { error?: { message?: string } };
      if (body.error?.message) return { message: body.error.message, canResume: status >= 500 || status === 409 };
    } catch {
      // not the API's envelope
    }
    if (status === 401) return { message: 'Your session ended. Log in again, then resume.', canResume: true };
    if (status >= 400 && status < 500) return { message: 'The upload was refused.', canResume: false };
  }
  return { message: 'The connection was lost. Your upload is kept: resume when you are back online.', canResume: true };
}

export function startUpload(file: Blob, fields: UploadFields, events: UploadEvents): RunningUpload {
  let attempt = 0;
  let videoId: string | undefined;
  const upload = new Upload(file, {
    // absolute: tus-js-client resolves the relative Location the API answers against the endpoint's URL, and
    // a relative endpoint would make it resolve against the site's root
    endpoint: new URL(`${API_PREFIX}/uploads/resumable`, window.location.href).href,
    metadata: uploadMetadata(fields),
    chunkSize: CHUNK_BYTES,
    retryDelays: RETRY_DELAYS_MS,
    storeFingerprintForResuming: true,
    removeFingerprintOnSuccess: true,
    onProgress: (sent, total) => events.progress(sent, total),
    onChunkComplete: () => {
      attempt = 0;
    },
    onShouldRetry: (error, retryAttempt) => {
      const status = error.originalResponse?.getStatus() ?? 0;
      // network errors, the server's or proxy's hiccups, and a stale offset are worth another go
      const retry = status === 0 || status === 409 || status === 423 || status >= 500;
      if (retry) {
        attempt = retryAttempt + 1;
        events.retrying(attempt);
      }
      return retry;
    },
    onAfterResponse: (_request, response) => {
      videoId = response.getHeader(VIDEO_ID_HEADER) ?? videoId;
    },
    onSuccess: () => {
      if (videoId) events.done(videoId);
      else events.failed('The upload finished but the server did not confirm it. Check your studio.', false);
    },
    onError: (error) => {
      const { message, canResume } = uploadErrorMessage(error);
      events.failed(message, canResume);
    },
  });

  void upload
    .findPreviousUploads()
    .then((previous) => {
      const last = previous[0];
      if (last) upload.resumeFromPreviousUpload(last);
    })
    .catch(() => {})
    .finally(() => upload.start());

  return {
    pause: () => void upload.abort(),
    resume: () => upload.start(),
    cancel: async () => {
      await upload.abort(true).catch(() => {});
    },
  };
}
