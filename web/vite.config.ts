// SvelteKit 3 reads its configuration from the `sveltekit()` plugin options here;
// the old `svelte.config.js` file is no longer supported.
import adapter from '@sveltejs/adapter-node';
import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vite';

export default defineConfig({
  plugins: [
    sveltekit({
      adapter: adapter(),
      compilerOptions: { runes: true },
      csp: {
        // nonces for server-rendered pages, hashes for anything prerendered
        mode: 'auto',
        directives: {
          'default-src': ['self'],
          'script-src': ['self'],
          'style-src': ['self'],
          'img-src': ['self', 'data:', 'blob:'],
          // hls.js plays through MediaSource (blob: URLs) and may run a worker from a blob:
          'media-src': ['self', 'blob:'],
          'worker-src': ['self', 'blob:'],
          'connect-src': ['self'],
          'font-src': ['self'],
          'object-src': ['none'],
          'base-uri': ['self'],
          'form-action': ['self'],
          'frame-ancestors': ['none'],
        },
      },
    }),
  ],
});
