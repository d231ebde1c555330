import { DetailedError } from 'tus-js-client';
import { describe, expect, it } from 'vitest';
import { uploadErrorMessage, uploadMetadata } from './resumable.ts';

describe('uploadMetadata', () => {
  it('sends the multipart form fields, trimmed, and leaves out what is empty', () => {
    expect(
      uploadMetadata({
        title: '  90 days ',
        description: ' ',
        category: 'milestone',
        milestoneDays: 90,
        blurFaces: true,
        disguiseVoice: true,
        contentWarnings: ['relapse', 'grief'],
      }),
    ).toEqual({ title: '90 days', category: 'milestone', blurFaces: 'true', disguiseVoice: 'true', milestoneDays: '90', contentWarnings: 'relapse,grief' });
    expect(
      uploadMetadata({ title: 'x', description: 'why', category: 'motivation', milestoneDays: null, blurFaces: false, disguiseVoice: false, contentWarnings: [] }),
    ).toEqual({ title: 'x', description: 'why', category: 'motivation', blurFaces: 'false' });
  });
});

function errorWith(status: number, body: string): DetailedError {
  const response = { getStatus: () => status, getBody: () => body, getHeader: () => undefined, getUnderlyingObject: () => null };
  // what tus-js-client hands to onError after an unexpected answer
  return Object.assign(new DetailedError('tus: unexpected response'), { originalResponse: response, causingError: null });
}

describe('uploadErrorMessage', () => {
  it("shows the API's sentence and says whether resuming makes sense", () => {
    const quota = errorWith(429, JSON.stringify({ error: { code: 'upload_quota', message: 'You reached 20 uploads today.' } }));
    expect(uploadErrorMessage(quota)).toEqual({ message: 'You reached 20 uploads today.', canResume: false });
    const busy = errorWith(503, JSON.stringify({ error: { code: 'unavailable', message: 'Try again soon.' } }));
    expect(uploadErrorMessage(busy)).toEqual({ message: 'Try again soon.', canResume: true });
  });

  it('treats a lost connection as resumable and other refusals as final', () => {
    expect(uploadErrorMessage(new Error('tus: failed to upload chunk')).canResume).toBe(true);
    expect(uploadErrorMessage(errorWith(401, '')).canResume).toBe(true);
    expect(uploadErrorMessage(errorWith(413, 'too big')).canResume).toBe(false);
  });
});
