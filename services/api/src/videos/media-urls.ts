// Where published media is fetched from: a CDN in front of the bucket's public/media/ prefix when
// MEDIA_BASE_URL is set, otherwise the API's own /media route (through the web app's /api proxy).
import type { Config } from '@onward/config';

export function publicMediaUrl(config: Config, videoId: string, file: string): string {
  const base = config.mediaBaseUrl ?? `${config.publicBaseUrl}/api/media`;
  return `${base}/${videoId}/${file}`;
}
