import { createApi } from '../../lib/api/client.ts';
import { requireUser } from '../../lib/server/require-user.ts';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ fetch, parent, url }) => {
  requireUser((await parent()).user, url);
  const milestones = await createApi(fetch).milestones();
  return { daysSober: milestones.daysSober, nextMilestone: milestones.nextMilestone };
};
