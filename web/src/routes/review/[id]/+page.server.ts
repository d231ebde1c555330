import { error } from '@sveltejs/kit';
import { ApiError, createApi } from '../../../lib/api/client.ts';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ fetch, params }) => {
  try {
    return { video: await createApi(fetch).reviewVideo(params.id) };
  } catch (e) {
    if (e instanceof ApiError && (e.status === 404 || e.status === 400)) error(404, 'There is no such video.');
    throw e;
  }
};
