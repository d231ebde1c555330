import { createApi } from '../../../lib/api/client.ts';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ fetch, url, depends }) => {
  depends('app:reports');
  return { reports: await createApi(fetch).reports(url.searchParams.get('cursor') ?? undefined) };
};
