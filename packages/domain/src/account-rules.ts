// Rules for pseudonymous accounts: handles carry no real-world identity, passwords resist guessing.
import { COMMON_PASSWORDS } from './common-passwords.ts';
import { badRequest } from './errors.ts';

export const HANDLE_PATTERN = '^[A-Za-z0-9_]{3,30}$';
const HANDLE_RE = new RegExp(HANDLE_PATTERN);
export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 256;

/** Handles people could mistake for staff or the platform itself. */
const RESERVED_HANDLES = new Set([
  'admin', 'administrator', 'root', 'onward', 'support', 'help', 'moderator', 'mod', 'reviewer',
  'staff', 'system', 'official', 'security', 'crisis', 'api', 'null', 'undefined', 'me',
]);

/** Handles compare case-insensitively: "Sam_R" and "sam_r" are one account. */
export function normaliseHandle(handle: string): string {
  return handle.toLowerCase();
}

export function assertValidHandle(handle: string): void {
  if (!HANDLE_RE.test(handle)) {
    throw badRequest(
      'invalid_handle',
      'A handle is 3 to 30 letters, digits or underscores, with no spaces. Please do not use your real name.',
    );
  }
  if (RESERVED_HANDLES.has(normaliseHandle(handle))) {
    throw badRequest('handle_reserved', 'That handle is reserved. Please choose another.');
  }
}

export function assertAcceptablePassword(password: string, handle?: string): void {
  if (password.length < PASSWORD_MIN_LENGTH) {
    throw badRequest('password_too_short', `Passwords need at least ${PASSWORD_MIN_LENGTH} characters.`);
  }
  if (password.length > PASSWORD_MAX_LENGTH) {
    throw badRequest('password_too_long', `Passwords can be at most ${PASSWORD_MAX_LENGTH} characters.`);
  }
  const lowered = password.toLowerCase();
  if (COMMON_PASSWORDS.has(lowered) || (handle !== undefined && lowered.includes(normaliseHandle(handle)))) {
    throw badRequest('password_too_common', 'That password is too easy to guess. Please choose another.');
  }
}
