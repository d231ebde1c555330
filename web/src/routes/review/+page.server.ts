import { createApi } from '../../lib/api/client.ts';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ fetch, url }) => {
  const queue = await createApi(fetch).reviewQueue(url.searchParams.get('cursor') ?? undefined);
  return { queue };
};
