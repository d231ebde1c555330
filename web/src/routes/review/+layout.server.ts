import { error } from '@sveltejs/kit';
import { canReview, requireUser } from '../../lib/server/require-user.ts';
import type { LayoutServerLoad } from './$types';

// Reviewers and admins only; a member gets a clear refusal, never the console.
export const load: LayoutServerLoad = async ({ parent, url }) => {
  const user = requireUser((await parent()).user, url);
  if (!canReview(user)) error(403, 'The review console is only for reviewers. Your account is a member account.');
  return {};
};
