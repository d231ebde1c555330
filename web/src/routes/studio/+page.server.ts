import { createApi } from '../../lib/api/client.ts';
import { requireUser } from '../../lib/server/require-user.ts';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ fetch, parent, url }) => {
  requireUser((await parent()).user, url);
  const client = createApi(fetch);
  const [videos, milestones] = await Promise.all([client.myVideos(), client.milestones()]);
  return { videos, milestones };
};
