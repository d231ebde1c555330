import { ApiError, createApi, type Feed } from '../lib/api/client.ts';
import { CATEGORIES } from '../lib/labels.ts';
import type { PageServerLoad } from './$types';

// The first page of the feed is rendered on the server: titles and posters paint before any script runs,
// and the player starts with the playlist URL already in the page.
export const load: PageServerLoad = async ({ fetch, url, depends }) => {
  depends('app:feed');
  const asked = url.searchParams.get('category');
  const category = CATEGORIES.some((c) => c.value === asked) ? (asked ?? undefined) : undefined;
  let feed: Feed | null = null;
  let error: string | null = null;
  try {
    feed = await createApi(fetch).feed({ category });
  } catch (e) {
    error = e instanceof ApiError ? e.message : 'The feed could not load right now.';
  }
  return { category: category ?? null, feed, error };
};
