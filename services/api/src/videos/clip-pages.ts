// The API's sweeps go over every clip that matches, a page at a time (ClipPage: in id order, after the last one seen).
import type { ClipPage } from '@onward/db';

/** Every row of a paged listing, fetching the next page when one is used up. */
export async function* everyPage<T extends { id: string }>(list: (page: ClipPage) => Promise<T[]>, pageSize: number): AsyncGenerator<T> {
  let afterId: string | undefined;
  for (;;) {
    const rows = await list(afterId ? { afterId, limit: pageSize } : { limit: pageSize });
    yield* rows;
    if (rows.length < pageSize) return;
    afterId = rows[rows.length - 1]?.id;
  }
}
