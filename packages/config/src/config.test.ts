import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.ts';
import { ConfigError, redactUrl } from './env-readers.ts';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('loadConfig', () => {
  it('gives working development defaults with no variables at all', () => {
    const config = loadConfig({});
    expect(config.nodeEnv).toBe('development');
    expect(config.api.port).toBe(4000);
    expect(config.databaseUrl).toBe('postgres://postgres@127.0.0.1:5432/onward');
    expect(config.s3.endpoint).toBeUndefined();
    expect(config.s3.publicEndpoint).toBeUndefined();
    expect(config.limits.uploadMaxDurationSeconds).toBe(180);
  });

  it('reads and types every kind of value', () => {
    const config = loadConfig({
      API_PORT: '8080',
      TRUST_PROXY: 'yes',
      S3_ENDPOINT: 'http://minio:9000',
      S3_ACCESS_KEY_ID: 'a',
      S3_SECRET_ACCESS_KEY: 'b',
      PUBLIC_BASE_URL: 'https://onward.example/',
    });
    expect(config.api.port).toBe(8080);
    expect(config.api.trustProxy).toBe(true);
    expect(config.s3.forcePathStyle).toBe(true);
    expect(config.publicBaseUrl).toBe('https://onward.example');
    expect(config.web.apiInternalUrl).toBe('http://127.0.0.1:8080');
  });

  it('names each missing variable in production, all at once', () => {
    const problems = problemsOf({ NODE_ENV: 'production' });
    expect(problems.join('\n')).toMatch(/DATABASE_URL is required/);
    expect(problems.join('\n')).toMatch(/REDIS_URL is required/);
    expect(problems.join('\n')).toMatch(/PUBLIC_BASE_URL is required/);
    expect(problems.join('\n')).toMatch(/S3_ENDPOINT is required/);
  });

  it('names the variable holding an invalid value', () => {
    expect(problemsOf({ API_PORT: 'eighty' })).toEqual([
      'API_PORT must be a whole number from 0 to 65535 (got "eighty")',
    ]);
    expect(problemsOf({ API_PORT: '70000' })[0]).toMatch(/^API_PORT/);
    expect(problemsOf({ TRUST_PROXY: 'maybe' })[0]).toMatch(/^TRUST_PROXY must be true or false/);
    expect(problemsOf({ NODE_ENV: 'staging' })[0]).toMatch(/^NODE_ENV must be one of/);
    expect(problemsOf({ DATABASE_URL: 'mysql://x' })[0]).toMatch(/^DATABASE_URL must use postgres:/);
    expect(problemsOf({ LOG_LEVEL: 'loud' })[0]).toMatch(/^LOG_LEVEL/);
    expect(problemsOf({ S3_ACCESS_KEY_ID: 'only-one' })[0]).toMatch(/S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY/);
  });

  it('reads S3_PUBLIC_ENDPOINT for presigned URLs and validates it like S3_ENDPOINT', () => {
    const config = loadConfig({ S3_ENDPOINT: 'http://minio:9000', S3_PUBLIC_ENDPOINT: 'http://localhost:9000' });
    expect(config.s3.endpoint).toBe('http://minio:9000');
    expect(config.s3.publicEndpoint).toBe('http://localhost:9000');
    expect(problemsOf({ S3_PUBLIC_ENDPOINT: 'localhost:9000' })).toEqual([
      'S3_PUBLIC_ENDPOINT must use http: or https: (got "localhost:")',
    ]);
    expect(problemsOf({ S3_PUBLIC_ENDPOINT: 'not a url' })).toEqual(['S3_PUBLIC_ENDPOINT must be a URL (got "not a url")']);
    expect(problemsOf({ S3_PUBLIC_ENDPOINT: 'ftp://files.example' })[0]).toMatch(/^S3_PUBLIC_ENDPOINT must use http: or https:/);
  });

  it('never echoes a password from a bad connection URL', () => {
    const problems = problemsOf({ DATABASE_URL: 'not a url://user:secret@host' });
    expect(problems.join('\n')).not.toContain('secret');
    expect(redactUrl('postgres://user:secret@db/x')).toBe('postgres://user:***@db/x');
  });
});
