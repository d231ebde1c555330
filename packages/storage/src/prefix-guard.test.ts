import { AppError } from '@onward/domain';
import { describe, expect, it } from 'vitest';
import { createObjectStore } from './object-store.ts';
import { objectKeys } from './object-keys.ts';
import { deletionTarget } from './prefix-guard.ts';

const ID = '0b0f3a52-8a3c-4b43-9e1c-2f5a0e7f1c11';

const UNSAFE = [
  ['empty', ''],
  ['whitespace', '  '],
  ['the root', '/'],
  ['a leading slash', '/private/media/x/'],
  ['no trailing slash', 'private/media/abc'],
  ['a bare word', 'p'],
  ['a layout root: private/', 'private/'],
  ['a layout root: public/', 'public/'],
  ['a layout root: private/media/', 'private/media/'],
  ['a layout root: public/media/', 'public/media/'],
  ['a layout root: private/originals/', 'private/originals/'],
  ['a partial root', 'pri'],
  ['a double slash', 'private//media/'],
  ['traversal', `private/media/${ID}/../../`],
  ['a backslash', 'private\\media\\'],
  ['an original plus junk', `${objectKeys.original(ID)}x`],
  ['a sidecar plus junk', `${objectKeys.original(ID)}.info.bak`],
] as const;

describe('deletionTarget', () => {
  it.each(UNSAFE)('refuses %s', (_label, prefix) => {
    let error: unknown;
    try {
      deletionTarget(prefix);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).status).toBe(400);
    expect((error as AppError).code).toBe('unsafe_delete_prefix');
  });

  it('accepts every key and prefix a video owns', () => {
    expect(objectKeys.allForVideo(ID).map(deletionTarget)).toEqual([
      { kind: 'key', key: objectKeys.original(ID) },
      ...objectKeys.resumableUploadSidecars(ID).map((key) => ({ kind: 'key', key })),
      { kind: 'prefix', prefix: objectKeys.privateMediaPrefix(ID) },
      { kind: 'prefix', prefix: objectKeys.publicMediaPrefix(ID) },
    ]);
  });

  it('accepts other scoped prefixes ending in "/"', () => {
    expect(deletionTarget('scratch/run-1/')).toEqual({ kind: 'prefix', prefix: 'scratch/run-1/' });
    expect(deletionTarget(`private/media/${ID}/720p/`)).toEqual({ kind: 'prefix', prefix: `private/media/${ID}/720p/` });
  });
});

describe('ObjectStore.deletePrefix guard', () => {
  // Nothing listens on port 9 (discard): the guard must refuse before any request is made.
  const store = createObjectStore({
    endpoint: 'http://127.0.0.1:9',
    region: 'us-east-1',
    bucket: 'never-contacted',
    accessKeyId: 'x',
    secretAccessKey: 'y',
    forcePathStyle: true,
    presignTtlSeconds: 60,
  });

  it.each(UNSAFE)('refuses %s without touching S3', async (_label, prefix) => {
    await expect(store.deletePrefix(prefix)).rejects.toMatchObject({ status: 400, code: 'unsafe_delete_prefix' });
  });
});
