import { requireUser } from '../../lib/server/require-user.ts';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ parent, url }) => {
  requireUser((await parent()).user, url);
  return {};
};
