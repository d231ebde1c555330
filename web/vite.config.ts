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
          // plus the one inline style attribute SvelteKit itself renders (its visually hidden route announcer)
          'style-src': ['self', 'unsafe-hashes', 'sha256-S8qMpvofolR8Mpjy4kQvEm7m1q8clzU4dfDH0AmvZjo='],
          'img-src': ['self', 'data:', 'blob:'],
          // hls.js plays through MediaSource (blob: URLs) and may run a worker from a blob:; for captions it
          // adds a <track src="data:,WEBVTT"> placeholder and fills in the cues itself
          'media-src': ['self', 'blob:', 'data:'],
          'worker-src': ['self', 'blob:'],
          // media origins (S3 for private playback, a CDN for published media) are added per deployment at
          // run time from the API's configuration: src/lib/server/media-origins.ts, applied in hooks.server.ts
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
