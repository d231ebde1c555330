import { describe, expect, it } from 'vitest';
import { assertAcceptablePassword, assertValidHandle } from './account-rules.ts';
import { AppError } from './errors.ts';

function codeOf(fn: () => void): string | undefined {
  try {
    fn();
  } catch (error) {
    return error instanceof AppError ? error.code : 'not-an-app-error';
  }
  return undefined;
}

describe('handles', () => {
  it.each(['sam_r', 'Sober365', 'abc', 'a'.repeat(30)])('accepts %s', (handle) => {
    expect(codeOf(() => assertValidHandle(handle))).toBeUndefined();
  });
  it.each([
    'ab', 'a'.repeat(31), 'sam r', 'sam😀', "sam'; drop table users;--", '<script>', 'sam-r', 'sam.r', '', 'ünïcode',
  ])('refuses %j', (handle) => {
    expect(codeOf(() => assertValidHandle(handle))).toBe('invalid_handle');
  });
  it('refuses handles that impersonate staff, in any case', () => {
    expect(codeOf(() => assertValidHandle('Admin'))).toBe('handle_reserved');
  });
});

describe('passwords', () => {
  it('accepts a long uncommon password', () => {
    expect(codeOf(() => assertAcceptablePassword('correct horse battery'))).toBeUndefined();
  });
  it('refuses short, overlong, common and handle-derived passwords', () => {
    expect(codeOf(() => assertAcceptablePassword('short1'))).toBe('password_too_short');
    expect(codeOf(() => assertAcceptablePassword('x'.repeat(257)))).toBe('password_too_long');
    expect(codeOf(() => assertAcceptablePassword('Password123'))).toBe('password_too_common');
    expect(codeOf(() => assertAcceptablePassword('sober_sam_2024', 'sober_sam'))).toBe('password_too_common');
  });
});
