import { describe, expect, it } from 'vitest';
import { mediaOrigins, withMediaOrigins } from './media-origins.ts';

describe('mediaOrigins', () => {
  it('allows the emulator or MinIO endpoint (path-style) and the public base URL', () => {
    expect(
      mediaOrigins({ PUBLIC_BASE_URL: 'http://localhost:3000', S3_ENDPOINT: 'http://127.0.0.1:4569/', S3_BUCKET: 'onward-media' }),
    ).toEqual(['http://localhost:3000', 'http://127.0.0.1:4569']);
  });

  it('uses the bucket host for virtual-hosted endpoints and AWS', () => {
    expect(mediaOrigins({ S3_ENDPOINT: 'https://r2.example.com', S3_FORCE_PATH_STYLE: 'false', S3_BUCKET: 'clips' })).toEqual([
      'https://clips.r2.example.com',
    ]);
    expect(mediaOrigins({ S3_USE_AWS: 'true', S3_REGION: 'eu-west-1', S3_BUCKET: 'clips' })).toEqual([
      'https://clips.s3.eu-west-1.amazonaws.com',
    ]);
  });

  it('allows only the public endpoint when S3_PUBLIC_ENDPOINT is set (bucket host when virtual-hosted)', () => {
    expect(
      mediaOrigins({
        PUBLIC_BASE_URL: 'http://localhost:8080',
        S3_ENDPOINT: 'http://minio:9000',
        S3_PUBLIC_ENDPOINT: 'http://localhost:9000',
        S3_FORCE_PATH_STYLE: 'true',
      }),
    ).toEqual(['http://localhost:8080', 'http://localhost:9000']);
    expect(
      mediaOrigins({
        S3_ENDPOINT: 'http://minio.storage.svc:9000',
        S3_PUBLIC_ENDPOINT: 'https://s3.example.org/',
        S3_FORCE_PATH_STYLE: 'false',
        S3_BUCKET: 'clips',
      }),
    ).toEqual(['https://clips.s3.example.org']);
    // AWS inside (S3_ENDPOINT unset): virtual-hosted by default, as the API signs it
    expect(mediaOrigins({ S3_USE_AWS: 'true', S3_PUBLIC_ENDPOINT: 'https://s3.example.org', S3_BUCKET: 'clips' })).toEqual([
      'https://clips.s3.example.org',
    ]);
  });

  it('falls back to S3_ENDPOINT when S3_PUBLIC_ENDPOINT is not an http(s) URL', () => {
    expect(mediaOrigins({ S3_ENDPOINT: 'http://127.0.0.1:4569', S3_PUBLIC_ENDPOINT: 'javascript:alert(1)' })).toEqual([
      'http://127.0.0.1:4569',
    ]);
    expect(mediaOrigins({ S3_ENDPOINT: 'http://127.0.0.1:4569', S3_PUBLIC_ENDPOINT: ' ' })).toEqual(['http://127.0.0.1:4569']);
  });

  it('adds a CDN in front of published media', () => {
    expect(mediaOrigins({ MEDIA_BASE_URL: 'https://cdn.example.com/onward/media' })).toEqual(['https://cdn.example.com']);
  });

  it('ignores what is not an http(s) URL, and never opens the policy to everything', () => {
    expect(mediaOrigins({ MEDIA_BASE_URL: 'javascript:alert(1)', S3_ENDPOINT: 'not a url', PUBLIC_BASE_URL: '*' })).toEqual([]);
    expect(mediaOrigins({})).toEqual([]);
  });
});

describe('withMediaOrigins', () => {
  const policy = "default-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; connect-src 'self'; script-src 'self' 'nonce-x'";

  it('adds the origins to connect-src, media-src and img-src only', () => {
    expect(withMediaOrigins(policy, ['http://127.0.0.1:4569'])).toBe(
      "default-src 'self'; img-src 'self' data: blob: http://127.0.0.1:4569; media-src 'self' blob: http://127.0.0.1:4569; " +
        "connect-src 'self' http://127.0.0.1:4569; script-src 'self' 'nonce-x'",
    );
  });

  it('does not repeat an origin and leaves the policy alone without origins', () => {
    const once = withMediaOrigins(policy, ['https://cdn.example.com']);
    expect(withMediaOrigins(once, ['https://cdn.example.com'])).toBe(once);
    expect(withMediaOrigins(policy, [])).toBe(policy);
  });
});
