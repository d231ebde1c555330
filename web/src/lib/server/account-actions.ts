// Log-in and sign-up also work before the page's script has loaded (or without it): the form posts to a
// SvelteKit action that calls the API through SvelteKit's fetch, which hands the API's session cookie to the
// browser, then redirects. With the script, the same forms call the API directly.
import { type ActionFailure, fail, redirect } from '@sveltejs/kit';
import { ApiError, createApi } from '../api/client.ts';
import { safeNext } from '../safe-next.ts';

type Action = (event: {
  request: Request;
  fetch: typeof fetch;
  url: URL;
}) => Promise<ActionFailure<{ handle: string; error: string }>>;

function failure(error: unknown, handle: string) {
  const status = error instanceof ApiError && error.status >= 400 ? error.status : 500;
  const message = error instanceof ApiError ? error.message : 'Something went wrong. Please try again.';
  return fail(status, { handle, error: message });
}

export function accountAction(kind: 'login' | 'signup'): Action {
  return async ({ request, fetch, url }) => {
    const form = await request.formData();
    const handle = String(form.get('handle') ?? '').trim();
    const password = String(form.get('password') ?? '');
    if (kind === 'signup' && form.has('confirm') && form.get('confirm') !== password) {
      return fail(400, { handle, error: 'The two passwords are not the same.' });
    }
    try {
      const client = createApi(fetch);
      await (kind === 'login' ? client.logIn({ handle, password }) : client.signUp({ handle, password }));
    } catch (error) {
      return failure(error, handle);
    }
    const next = safeNext(url.searchParams.get('next'));
    redirect(303, kind === 'signup' && next === '/' ? '/settings?welcome=1' : next);
  };
}
