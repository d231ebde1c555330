// Opaque session tokens: 256 random bits for the cookie, only their SHA-256 in the database.
import { createHash, randomBytes } from 'node:crypto';

export const SESSION_COOKIE = 'onward_session';

export function newSessionToken(): { token: string; tokenHash: Buffer } {
  const token = randomBytes(32).toString('base64url');
  return { token, tokenHash: hashSessionToken(token) };
}

export function hashSessionToken(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}

/** Cheap shape check before touching the database with an attacker-chosen cookie. */
export function looksLikeSessionToken(value: string): boolean {
  return /^[A-Za-z0-9_-]{43}$/.test(value);
}
