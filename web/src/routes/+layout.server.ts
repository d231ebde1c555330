import { createApi } from '../lib/api/client.ts';
import type { LayoutServerLoad } from './$types';

// Who is looking, for navigation by role. A failing API must not take the pages (help above all) down.
export const load: LayoutServerLoad = async ({ fetch, depends }) => {
  depends('app:session');
  try {
    return { user: await createApi(fetch).me() };
  } catch {
    return { user: null };
  }
};
