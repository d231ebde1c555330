// Recording in the browser: which container MediaRecorder should write, and how camera errors read to people.

/** MP4 first (Chromium writes VP9/Opus in it, Safari H.264/AAC), then WebM; all are accepted by the API. */
const CANDIDATE_TYPES = ['video/mp4', 'video/webm;codecs=vp9,opus', 'video/webm;codecs=vp8,opus', 'video/webm'];

export function pickRecordingType(isSupported: (type: string) => boolean): string | undefined {
  return CANDIDATE_TYPES.find((type) => isSupported(type));
}

export function extensionFor(type: string): string {
  return type.startsWith('video/mp4') ? 'mp4' : 'webm';
}

export function cameraErrorMessage(error: unknown): string {
  const name = error instanceof Error ? error.name : '';
  if (name === 'NotAllowedError' || name === 'SecurityError') {
    return 'Camera access was not allowed. Allow the camera for this site in your browser settings, then try again.';
  }
  if (name === 'NotFoundError' || name === 'OverconstrainedError') return 'No camera was found on this device. You can upload a clip instead.';
  if (name === 'NotReadableError') return 'The camera is in use by another app. Close it and try again.';
  return 'The camera could not start. You can upload a clip instead.';
}

/** "0:07 / 1:00" */
export function clock(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}
