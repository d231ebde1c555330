// Deleting an account removes the user's rows and every S3 object of their videos, and nobody else's.
import { randomUUID } from 'node:crypto';
import { objectKeys } from '@onward/storage';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { GOOD_PASSWORD, signUp, startTestApi, type TestApi } from './api-harness.ts';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(async () => api?.close());

async function seedVideoWithMedia(ownerHandle: string) {
  const owner = await api.deps.users.findUserByHandle(ownerHandle);
  const id = randomUUID();
  await api.deps.db
    .insertInto('videos')
    .values({ id, owner_id: owner!.id, title: '30 days', category: 'milestone' })
    .execute();
  await api.deps.storage.putStream(objectKeys.original(id), Buffer.from('original bytes'));
  await api.deps.storage.putStream(objectKeys.privateMedia(id, 'master.m3u8'), '#EXTM3U\n');
  await api.deps.storage.putStream(objectKeys.privateMedia(id, 'v720/seg_00001.m4s'), Buffer.alloc(1024));
  await api.deps.storage.putStream(objectKeys.publicMedia(id, 'poster.jpg'), Buffer.alloc(10));
  return id;
}

const keysOf = async (videoId: string) =>
  (
    await Promise.all([
      api.deps.storage.listKeys(objectKeys.privateMediaPrefix(videoId)),
      api.deps.storage.listKeys(objectKeys.publicMediaPrefix(videoId)),
      api.deps.storage.headObject(objectKeys.original(videoId)).then((h) => (h ? [objectKeys.original(videoId)] : [])),
    ])
  ).flat();

it('refuses without the right password and deletes nothing', async () => {
  const cookie = await signUp(api.app, 'careful_carl');
  const video = await seedVideoWithMedia('careful_carl');
  const res = await api.app.inject({ method: 'DELETE', url: '/me', headers: { cookie }, payload: { password: 'not-my-password' } });
  expect(res.statusCode).toBe(403);
  expect(await api.deps.users.findUserByHandle('careful_carl')).toBeDefined();
  expect(await keysOf(video)).toHaveLength(4);
  const anonymous = await api.app.inject({ method: 'DELETE', url: '/me', payload: { password: GOOD_PASSWORD } });
  expect(anonymous.statusCode).toBe(401);
});

it("removes the account, its sessions, videos and media, and leaves everyone else's alone", async () => {
  const cookie = await signUp(api.app, 'leaving_lee');
  await signUp(api.app, 'staying_sue');
  const mine = await seedVideoWithMedia('leaving_lee');
  const theirs = await seedVideoWithMedia('staying_sue');

  const res = await api.app.inject({ method: 'DELETE', url: '/me', headers: { cookie }, payload: { password: GOOD_PASSWORD } });
  expect(res.statusCode).toBe(204);

  expect(await api.deps.users.findUserByHandle('leaving_lee')).toBeUndefined();
  expect(await api.deps.db.selectFrom('videos').select('id').where('id', '=', mine).execute()).toHaveLength(0);
  expect(await keysOf(mine)).toEqual([]);
  expect(await keysOf(theirs)).toHaveLength(4);
  const me = await api.app.inject({ method: 'GET', url: '/me', headers: { cookie } });
  expect(me.statusCode).toBe(401);
  const login = await api.app.inject({ method: 'POST', url: '/auth/login', payload: { handle: 'leaving_lee', password: GOOD_PASSWORD } });
  expect(login.statusCode).toBe(401);
});
