// deletePrefix and listKeys on more than one page (> 1000 objects) against a real s3rver over HTTP.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteVideoMedia, objectKeys } from '../src/index.ts';
import { countCommands, startTestStorage, type TestStorage } from './support.ts';

const VIDEO = '2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e';
const NEIGHBOUR = '3c4d5e6f-7a8b-4c9d-8e0f-2a3b4c5d6e7f';
const COUNT = 1100;
let t: TestStorage;

async function putAll(keys: string[], concurrency = 16): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < keys.length) {
        const key = keys[next++] as string;
        await t.store.putStream(key, key.slice(-8));
      }
    }),
  );
}

// Renditions the way the worker writes them: a playlist per rung plus segments, in sub-"directories".
const mediaKeys = Array.from({ length: COUNT }, (_, i) =>
  objectKeys.privateMedia(VIDEO, `${['240p', '480p', '720p'][i % 3]}/seg_${String(i).padStart(5, '0')}.m4s`),
);
const survivors = [
  objectKeys.original(VIDEO),
  objectKeys.publicMedia(VIDEO, '720p/seg_00000.m4s'),
  objectKeys.privateMedia(NEIGHBOUR, '720p/seg_00000.m4s'),
  `${objectKeys.privateMediaPrefix(VIDEO).slice(0, -1)}.bak`, // shares the prefix string minus the "/"
];

beforeAll(async () => {
  t = await startTestStorage('prefix');
  await putAll([...mediaKeys, ...survivors]);
});
afterAll(async () => {
  await t?.close();
});

describe('listKeys', () => {
  it('pages through more than 1000 keys', async () => {
    const counts = countCommands(t.store.client);
    const keys = await t.store.listKeys(objectKeys.privateMediaPrefix(VIDEO));
    expect(keys).toHaveLength(COUNT);
    expect(new Set(keys)).toEqual(new Set(mediaKeys));
    expect(counts.get('ListObjectsV2Command')).toBe(2);
  });
});

describe('deletePrefix', () => {
  it('deletes exactly the prefix, in batches of at most 1000, and nothing else', async () => {
    const counts = countCommands(t.store.client);
    expect(await t.store.deletePrefix(objectKeys.privateMediaPrefix(VIDEO))).toBe(COUNT);
    expect(counts.get('DeleteObjectsCommand')).toBe(2); // 1000 + 100
    expect(counts.get('ListObjectsV2Command')).toBe(2);

    expect(await t.store.listKeys(objectKeys.privateMediaPrefix(VIDEO))).toEqual([]);
    for (const key of survivors) expect(await t.store.headObject(key), key).not.toBeNull();
    expect(await t.store.deletePrefix(objectKeys.privateMediaPrefix(VIDEO))).toBe(0);
  });

  it('deletes an original by its exact key, and only that object', async () => {
    const original = objectKeys.original(VIDEO);
    expect(await t.store.deletePrefix(original)).toBe(1);
    expect(await t.store.headObject(original)).toBeNull();
    expect(await t.store.deletePrefix(original)).toBe(0);
    expect(await t.store.headObject(objectKeys.publicMedia(VIDEO, '720p/seg_00000.m4s'))).not.toBeNull();
  });

  it('removes everything a video owns via allForVideo', async () => {
    let deleted = 0;
    for (const prefix of objectKeys.allForVideo(VIDEO)) deleted += await t.store.deletePrefix(prefix);
    expect(deleted).toBe(1); // the published segment; the rest is already gone
    expect(await t.store.listKeys(objectKeys.publicMediaPrefix(VIDEO))).toEqual([]);
    expect(await t.store.headObject(objectKeys.privateMedia(NEIGHBOUR, '720p/seg_00000.m4s'))).not.toBeNull();
  });

  it('deleteVideoMedia removes the upload, its sidecars, private and published media, and nothing of a neighbour', async () => {
    const owned = [
      objectKeys.original(VIDEO),
      ...objectKeys.resumableUploadSidecars(VIDEO),
      objectKeys.privateMedia(VIDEO, 'faces/1.jpg'),
      objectKeys.publicMedia(VIDEO, 'master.m3u8'),
    ];
    const neighbours = [objectKeys.original(NEIGHBOUR), objectKeys.publicMedia(NEIGHBOUR, 'master.m3u8')];
    for (const key of [...owned, ...neighbours]) await t.store.putStream(key, 'x');
    await deleteVideoMedia(t.store, VIDEO);
    for (const key of owned) expect(await t.store.headObject(key), key).toBeNull();
    for (const key of neighbours) expect(await t.store.headObject(key), key).not.toBeNull();
    await deleteVideoMedia(t.store, VIDEO); // again: nothing left, no error
  });

  it('refuses unscoped prefixes against a live bucket', async () => {
    for (const prefix of ['', 'private/', 'public/media/', 'private/media']) {
      await expect(t.store.deletePrefix(prefix)).rejects.toMatchObject({ status: 400, code: 'unsafe_delete_prefix' });
    }
    expect((await t.store.listKeys('')).length).toBeGreaterThan(0);
  });
});
