import { redirect } from '@sveltejs/kit';
import type { CurrentUser } from '../api/client.ts';
import { isReviewer } from '../labels.ts';

/** Pages for members: a visitor is sent to log in and brought back afterwards. */
export function requireUser(user: CurrentUser | null, url: URL): CurrentUser {
  if (!user) redirect(303, `/login?next=${encodeURIComponent(url.pathname + url.search)}`);
  return user;
}

/** The review console: members get a clear refusal (the page shows it), not the console. */
export function canReview(user: CurrentUser): boolean {
  return isReviewer(user.role);
}
