// The owner's choice of faces, as a form action: it works before the page's script has loaded (or without it), and
// with it the same action runs through `enhance`. Thumbnails are fetched by the browser through our /api proxy.
import { error, fail, redirect } from '@sveltejs/kit';
import { ApiError, createApi } from '../../../../lib/api/client.ts';
import { parseVisibleFaces } from '../../../../lib/faces/face-choice.ts';
import { requireUser } from '../../../../lib/server/require-user.ts';
import type { Actions, PageServerLoad } from './$types';

/** What the page shows after a refused choice: the boxes as they were ticked, and why. */
interface FaceChoiceFailure {
  visible: number[];
  code: string;
  error: string;
}

const notYours = () => error(404, 'There is no such video of yours.');

export const load: PageServerLoad = async ({ fetch, parent, url, params, setHeaders }) => {
  requireUser((await parent()).user, url);
  // pictures of people's faces: never kept by a shared cache
  setHeaders({ 'cache-control': 'private, no-store' });
  const client = createApi(fetch);
  try {
    const [video, found] = await Promise.all([client.video(params.id), client.faces(params.id)]);
    const waiting = video.status === 'awaiting_faces';
    return { video, faces: waiting ? found.faces : [], chooseBy: waiting ? found.chooseBy : null };
  } catch (e) {
    if (e instanceof ApiError && (e.status === 404 || e.status === 400)) notYours();
    throw e;
  }
};

export const actions: Actions = {
  default: async ({ request, fetch, params, url }) => {
    const visible = parseVisibleFaces((await request.formData()).getAll('visible'));
    if (visible === null) {
      return fail(400, { visible: [], code: 'invalid_choice', error: 'That choice could not be read. Please choose again.' } satisfies FaceChoiceFailure);
    }
    try {
      await createApi(fetch).chooseFaces(params.id, visible);
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      if (e.status === 401) redirect(303, `/login?next=${encodeURIComponent(url.pathname)}`);
      if (e.status === 404) notYours();
      if (e.status === 409) {
        return fail(409, {
          visible,
          code: e.code,
          error: 'The faces of this clip were already chosen, so nothing was changed. It is being processed with that choice.',
        } satisfies FaceChoiceFailure);
      }
      if (e.code === 'unknown_face') {
        return fail(400, {
          visible,
          code: e.code,
          error: 'One of the faces you marked is not in this clip. Please look at the pictures and choose again.',
        } satisfies FaceChoiceFailure);
      }
      return fail(e.status >= 400 && e.status < 600 ? e.status : 502, { visible, code: e.code, error: e.message } satisfies FaceChoiceFailure);
    }
    redirect(303, `/studio?chosen=${encodeURIComponent(params.id)}`);
  },
};
