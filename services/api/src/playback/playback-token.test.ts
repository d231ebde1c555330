import { describe, expect, it } from 'vitest';
import { signPlaybackToken, verifyPlaybackToken } from './playback-token.ts';

const SECRET = 'unit-test-playback-secret';
const grant = {
  videoId: '0b6c2a52-3c1e-4f0a-9a47-6f4b1f1d2e3a',
  viewerId: 'f1e2d3c4-b5a6-4978-8a9b-0c1d2e3f4a5b',
  expiresAt: 1_900_000_000,
};

function flipChar(text: string, index: number): string {
  const ch = text[index] === 'A' ? 'B' : 'A';
  return `${text.slice(0, index)}${ch}${text.slice(index + 1)}`;
}

describe('playback tokens', () => {
  it('round-trips the video, viewer and expiry and is URL-path safe', () => {
    const token = signPlaybackToken(grant, SECRET);
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(token.length).toBeLessThan(120);
    expect(verifyPlaybackToken(token, SECRET, grant.expiresAt - 1)).toEqual({ ok: true, ...grant });
  });

  it('accepts upper-case UUIDs and normalises them', () => {
    const token = signPlaybackToken({ ...grant, videoId: grant.videoId.toUpperCase() }, SECRET);
    expect(verifyPlaybackToken(token, SECRET, 0)).toMatchObject({ ok: true, videoId: grant.videoId });
  });

  it('expires at its expiry second, and only a genuine token is reported as expired', () => {
    const token = signPlaybackToken(grant, SECRET);
    expect(verifyPlaybackToken(token, SECRET, grant.expiresAt)).toMatchObject({ ok: false, reason: 'expired' });
    const forged = signPlaybackToken(grant, 'another-secret');
    expect(verifyPlaybackToken(forged, SECRET, grant.expiresAt + 10)).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('refuses any change to the payload or the signature', () => {
    const token = signPlaybackToken(grant, SECRET);
    const dot = token.indexOf('.');
    for (const index of [0, 5, 20, 40, dot - 2, dot + 1, token.length - 5]) {
      const tampered = flipChar(token, index);
      expect(verifyPlaybackToken(tampered, SECRET, 0).ok, `index ${index}`).toBe(false);
    }
    // a token for another video, spliced with this signature
    const other = signPlaybackToken({ ...grant, videoId: 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee' }, SECRET);
    const spliced = `${other.split('.')[0]}.${token.split('.')[1]}`;
    expect(verifyPlaybackToken(spliced, SECRET, 0)).toEqual({ ok: false, reason: 'bad_signature' });
    // a later expiry with the old signature
    const later = signPlaybackToken({ ...grant, expiresAt: grant.expiresAt + 3600 }, SECRET);
    expect(verifyPlaybackToken(`${later.split('.')[0]}.${token.split('.')[1]}`, SECRET, 0)).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it.each([
    '',
    'abc',
    'a.b.c',
    '..',
    '../../etc/passwd',
    `${'A'.repeat(50)}.${'A'.repeat(43)}`,
    `${'A'.repeat(300)}.x`,
    'not base64!.also not',
  ])('calls %j malformed or badly signed', (token) => {
    const check = verifyPlaybackToken(token, SECRET, 0);
    expect(check.ok).toBe(false);
    expect(['malformed', 'bad_signature']).toContain((check as { reason: string }).reason);
  });

  it('refuses to sign what it could not verify', () => {
    expect(() => signPlaybackToken({ ...grant, videoId: 'nope' }, SECRET)).toThrow();
    expect(() => signPlaybackToken({ ...grant, expiresAt: 1.5 }, SECRET)).toThrow();
    expect(() => signPlaybackToken(grant, '')).toThrow();
  });
});
