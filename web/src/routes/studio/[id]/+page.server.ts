import { error } from '@sveltejs/kit';
import { ApiError, createApi } from '../../../lib/api/client.ts';
import { requireUser } from '../../../lib/server/require-user.ts';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ fetch, parent, url, params }) => {
  requireUser((await parent()).user, url);
  try {
    return { video: await createApi(fetch).video(params.id) };
  } catch (e) {
    if (e instanceof ApiError && (e.status === 404 || e.status === 400)) error(404, 'There is no such video of yours.');
    throw e;
  }
};
