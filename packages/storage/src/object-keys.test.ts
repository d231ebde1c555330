import { AppError } from '@onward/domain';
import { describe, expect, it } from 'vitest';
import { assertObjectKey, isExactLayoutKey, isLayoutRoot, objectKeys } from './object-keys.ts';

const ID = '0b0f3a52-8a3c-4b43-9e1c-2f5a0e7f1c11';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).status).toBe(400);
    return (err as AppError).code;
  }
  return undefined;
}

describe('objectKeys layout', () => {
  it('builds every key of the layout', () => {
    expect(objectKeys.original(ID)).toBe(`private/originals/${ID}`);
    expect(objectKeys.privateMedia(ID, 'master.m3u8')).toBe(`private/media/${ID}/master.m3u8`);
    expect(objectKeys.privateMedia(ID, '720p/seg_00001.m4s')).toBe(`private/media/${ID}/720p/seg_00001.m4s`);
    expect(objectKeys.privateMediaPrefix(ID)).toBe(`private/media/${ID}/`);
    expect(objectKeys.publicMedia(ID, 'poster.jpg')).toBe(`public/media/${ID}/poster.jpg`);
    expect(objectKeys.publicMediaPrefix(ID)).toBe(`public/media/${ID}/`);
  });

  it('keeps media keys under their prefix', () => {
    expect(objectKeys.privateMedia(ID, 'a/b.ts').startsWith(objectKeys.privateMediaPrefix(ID))).toBe(true);
    expect(objectKeys.publicMedia(ID, 'a/b.ts').startsWith(objectKeys.publicMediaPrefix(ID))).toBe(true);
  });

  it('names the sidecars of a resumable upload beside the original', () => {
    expect(objectKeys.resumableUploadSidecars(ID)).toEqual([`private/originals/${ID}.info`, `private/originals/${ID}.part`]);
    expect(objectKeys.resumableUploadSidecars(ID.toUpperCase())).toEqual(objectKeys.resumableUploadSidecars(ID));
  });

  it('lists everything a video owns, including resumable-upload sidecars', () => {
    expect(objectKeys.allForVideo(ID)).toEqual([
      objectKeys.original(ID),
      ...objectKeys.resumableUploadSidecars(ID),
      objectKeys.privateMediaPrefix(ID),
      objectKeys.publicMediaPrefix(ID),
    ]);
  });

  it('normalises an upper-case UUID to the canonical lower-case key', () => {
    expect(objectKeys.original(ID.toUpperCase())).toBe(objectKeys.original(ID));
  });
});

describe('objectKeys rejections (400 invalid_object_key)', () => {
  it.each([
    ['not a uuid', 'abc'],
    ['empty id', ''],
    ['uuid with a suffix', `${ID}/x`],
    ['uuid with traversal', `../${ID}`],
    ['uuid without dashes', ID.replaceAll('-', '')],
    ['uuid with a trailing newline', `${ID}\n`],
  ])('rejects a video id that is %s', (_label, id) => {
    for (const build of [
      () => objectKeys.original(id),
      () => objectKeys.privateMedia(id, 'a.ts'),
      () => objectKeys.privateMediaPrefix(id),
      () => objectKeys.publicMedia(id, 'a.ts'),
      () => objectKeys.publicMediaPrefix(id),
      () => objectKeys.allForVideo(id),
      () => objectKeys.resumableUploadSidecars(id),
    ]) {
      expect(codeOf(build)).toBe('invalid_object_key');
    }
  });

  it.each([
    ['"..", alone', '..'],
    ['a ".." segment', '720p/../../originals/x'],
    ['a trailing ".." segment', 'a/..'],
    ['a "." segment', './a.ts'],
    ['an absolute path', '/etc/passwd'],
    ['a backslash', '720p\\seg.ts'],
    ['a backslash traversal', '..\\x'],
    ['an empty name', ''],
    ['an empty middle segment', 'a//b.ts'],
    ['a trailing slash', '720p/'],
    ['a space', 'my file.ts'],
    ['a percent sign', 'a%2F..'],
    ['a NUL byte', 'a\0.ts'],
    ['a non-ASCII character', 'é.ts'],
    ['an over-long name', 'a'.repeat(513)],
  ])('rejects a file with %s', (_label, file) => {
    expect(codeOf(() => objectKeys.privateMedia(ID, file))).toBe('invalid_object_key');
    expect(codeOf(() => objectKeys.publicMedia(ID, file))).toBe('invalid_object_key');
  });

  it('rejects non-string input from untyped callers', () => {
    expect(codeOf(() => objectKeys.original(undefined as unknown as string))).toBe('invalid_object_key');
    expect(codeOf(() => objectKeys.privateMedia(ID, null as unknown as string))).toBe('invalid_object_key');
  });
});

describe('layout predicates', () => {
  it('recognises the exact per-video key', () => {
    expect(isExactLayoutKey(objectKeys.original(ID))).toBe(true);
    expect(isExactLayoutKey(`${objectKeys.original(ID)}x`)).toBe(false);
    for (const sidecar of objectKeys.resumableUploadSidecars(ID)) expect(isExactLayoutKey(sidecar)).toBe(true);
    expect(isExactLayoutKey(`${objectKeys.original(ID)}.info.info`)).toBe(false);
    expect(isExactLayoutKey(`${objectKeys.original(ID)}.infox`)).toBe(false);
    expect(isExactLayoutKey('private/originals/.info')).toBe(false);
    expect(isExactLayoutKey('private/originals/')).toBe(false);
    expect(isExactLayoutKey(objectKeys.privateMediaPrefix(ID))).toBe(false);
  });

  it('recognises roots of the layout', () => {
    for (const root of ['private/', 'public/', 'private/media/', 'public/media/', 'private/originals/']) {
      expect(isLayoutRoot(root)).toBe(true);
    }
    expect(isLayoutRoot(objectKeys.privateMediaPrefix(ID))).toBe(false);
    expect(isLayoutRoot('scratch/')).toBe(false);
  });
});

describe('assertObjectKey', () => {
  it('accepts ordinary keys', () => {
    expect(() => assertObjectKey(objectKeys.privateMedia(ID, '720p/seg.m4s'))).not.toThrow();
    expect(() => assertObjectKey('scratch/a b+c.txt')).not.toThrow();
  });

  it.each([[''], ['/abs'], ['a/../b'], ['a/./b'], ['a\\b'], ['x'.repeat(1025)]])('rejects %j', (key) => {
    expect(codeOf(() => assertObjectKey(key))).toBe('invalid_object_key');
  });
});
