// Playback tokens: pure. A short-lived capability to fetch the playlists of one unpublished video, carried in
// the URL path (hls.js fetches playlists itself, without our cookie), so it is bound to a video, a viewer and
// an expiry, and signed with HMAC-SHA256 under a key derived from PLAYBACK_SIGNING_SECRET.
//
//   token = base64url(payload) "." base64url(HMAC-SHA256(key, payload))
//   payload (37 bytes) = version (1) | video id (16, UUID bytes) | viewer id (16) | expiry (uint32, Unix seconds)
//
// The token is URL-safe ([A-Za-z0-9_.-]) and about 94 characters long.
import { createHmac, timingSafeEqual } from 'node:crypto';

const VERSION = 1;
const PAYLOAD_BYTES = 1 + 16 + 16 + 4;
const MAC_BYTES = 32;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const BASE64URL = /^[A-Za-z0-9_-]+$/;
/** Keeps the token key separate from any other use a deployment might make of the same secret. */
const KEY_LABEL = 'onward/playback-token/v1';

export interface PlaybackGrant {
  videoId: string;
  viewerId: string;
  /** Unix time in seconds after which the token no longer works. */
  expiresAt: number;
}

export type PlaybackTokenCheck =
  | ({ ok: true } & PlaybackGrant)
  | { ok: false; reason: 'malformed' | 'bad_signature' }
  | ({ ok: false; reason: 'expired' } & PlaybackGrant);

function tokenKey(secret: string): Buffer {
  if (secret.length === 0) throw new Error('The playback signing secret must not be empty.');
  return createHmac('sha256', secret).update(KEY_LABEL).digest();
}

function mac(secret: string, payload: Buffer): Buffer {
  return createHmac('sha256', tokenKey(secret)).update(payload).digest();
}

function uuidBytes(id: string): Buffer {
  const lower = id.toLowerCase();
  if (!UUID.test(lower)) throw new Error('A playback token names videos and viewers by UUID.');
  return Buffer.from(lower.replaceAll('-', ''), 'hex');
}

function uuidOf(bytes: Buffer): string {
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export function signPlaybackToken(grant: PlaybackGrant, secret: string): string {
  if (!Number.isInteger(grant.expiresAt) || grant.expiresAt < 0 || grant.expiresAt > 0xffffffff) {
    throw new Error('A playback token expiry must be whole Unix seconds.');
  }
  const payload = Buffer.alloc(PAYLOAD_BYTES);
  payload.writeUInt8(VERSION, 0);
  uuidBytes(grant.videoId).copy(payload, 1);
  uuidBytes(grant.viewerId).copy(payload, 17);
  payload.writeUInt32BE(grant.expiresAt, 33);
  return `${payload.toString('base64url')}.${mac(secret, payload).toString('base64url')}`;
}

/**
 * Checks the signature first (in constant time), then the expiry. Only a correctly signed token can be
 * reported as expired, so a forged token never learns anything.
 */
export function verifyPlaybackToken(token: string, secret: string, nowSeconds: number): PlaybackTokenCheck {
  if (typeof token !== 'string' || token.length > 200) return { ok: false, reason: 'malformed' };
  const [encodedPayload = '', encodedMac = '', ...rest] = token.split('.');
  if (rest.length > 0 || !BASE64URL.test(encodedPayload) || !BASE64URL.test(encodedMac)) {
    return { ok: false, reason: 'malformed' };
  }
  const payload = Buffer.from(encodedPayload, 'base64url');
  const given = Buffer.from(encodedMac, 'base64url');
  // Re-encoding must give back the same text: base64url has several spellings of the same bytes.
  if (
    payload.length !== PAYLOAD_BYTES ||
    given.length !== MAC_BYTES ||
    payload.toString('base64url') !== encodedPayload ||
    given.toString('base64url') !== encodedMac
  ) {
    return { ok: false, reason: 'malformed' };
  }
  if (!timingSafeEqual(mac(secret, payload), given)) return { ok: false, reason: 'bad_signature' };
  if (payload.readUInt8(0) !== VERSION) return { ok: false, reason: 'malformed' };
  const grant: PlaybackGrant = {
    videoId: uuidOf(payload.subarray(1, 17)),
    viewerId: uuidOf(payload.subarray(17, 33)),
    expiresAt: payload.readUInt32BE(33),
  };
  if (nowSeconds >= grant.expiresAt) return { ok: false, reason: 'expired', ...grant };
  return { ok: true, ...grant };
}
