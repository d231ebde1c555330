// The platform's one configuration object, parsed from environment variables with documented defaults.
// Every variable is listed in the README; an invalid value stops start-up with a message naming it.
import { ConfigError, type Env, EnvReader } from './env-readers.ts';

export type NodeEnv = 'development' | 'test' | 'production';
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface Config {
  nodeEnv: NodeEnv;
  logLevel: LogLevel;
  api: { host: string; port: number; bodyLimitBytes: number; trustProxy: boolean };
  web: { host: string; port: number; apiInternalUrl: string };
  /** Where people reach the app; https here turns on Secure cookies. */
  publicBaseUrl: string;
  /** How long each API process reuses the shared first-page window of the feed (0: always ask the database). */
  feedCacheMs: number;
  /** `npm start` seeds demo accounts and a few approved clips (never in production). */
  demoContent: boolean;
  /** Base URL that published media is served from (a CDN in front of public/media); defaults to the API. */
  mediaBaseUrl: string | undefined;
  databaseUrl: string;
  redis: { url: string; prefix: string };
  s3: {
    /** Undefined means: start the embedded emulator (development only). */
    endpoint: string | undefined;
    /** The endpoint as browsers reach it, for presigned URLs; undefined: the same as `endpoint`. */
    publicEndpoint: string | undefined;
    region: string;
    bucket: string;
    accessKeyId: string | undefined;
    secretAccessKey: string | undefined;
    forcePathStyle: boolean;
    presignTtlSeconds: number;
    embeddedDir: string;
    embeddedPort: number;
  };
  auth: {
    sessionTtlDays: number;
    /** How long an API process trusts a session lookup it made (revocations reach every process at once anyway). */
    sessionCacheMs: number;
    loginMaxPerIp: number;
    loginMaxPerHandle: number;
    loginWindowSeconds: number;
  };
  limits: {
    uploadMaxBytes: number;
    uploadMaxDurationSeconds: number;
    uploadsPerDay: number;
    maxVideoPixels: number;
    /** Reports a member may file per hour; crisis reports are never limited. */
    reportsPerHour: number;
  };
  media: {
    ffmpegTimeoutSeconds: number;
    workerConcurrency: number;
    tempDir: string | undefined;
    /** How long a worker's job lock lives without renewal; a killed worker's job is picked up after about this. */
    jobLockMs: number;
    /** How often workers look for jobs whose lock expired (stalled jobs). */
    stalledCheckMs: number;
    /** Face detection runs on every Nth decoded frame (and the last) when faces are blurred; tracking fills in. */
    faceDetectEvery: number;
    /** Worker threads of the face detector (each holds its own model, ~100 MB). */
    faceDetectThreads: number;
    /** The face detector is unloaded after this long without a clip to detect in (its memory goes back). */
    faceDetectorIdleMs: number;
    /** How long an original is kept after publication or rejection (for re-processing), then deleted. */
    originalRetentionHours: number;
    /**
     * How long a clip whose faces were found waits for its owner's choice; then every face is blurred (the default
     * choice) and the clip goes on, so the unblurred upload and the face thumbnails are not kept indefinitely.
     */
    faceChoiceHours: number;
  };
  /** HMAC secret of the short-lived capabilities that let a player fetch unpublished playlists. */
  playbackSigningSecret: string;
  /** Key material for the HMAC that signs feed cursors, so a tampered cursor is refused. */
  feedCursorSecret: string;
  /** Optional JSON file overriding the built-in crisis resources; validated at start-up. */
  crisisResourcesFile: string | undefined;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export function loadConfig(env: Env): Config {
  const nodeEnvProbe = new EnvReader(env, false);
  const nodeEnv = nodeEnvProbe.oneOf('NODE_ENV', ['development', 'test', 'production'] as const, 'development');
  const read = new EnvReader(env, nodeEnv === 'production');
  read.problems.push(...nodeEnvProbe.problems);

  const apiPort = read.int('API_PORT', 4000, 0, 65535);
  const publicBaseUrl = read.url(
    'PUBLIC_BASE_URL',
    read.required('PUBLIC_BASE_URL', 'http://localhost:3000'),
    ['http:', 'https:'],
  );
  const mediaBaseUrlRaw = read.optional('MEDIA_BASE_URL');
  const s3Endpoint = read.optional('S3_ENDPOINT');
  if (s3Endpoint) read.url('S3_ENDPOINT', s3Endpoint, ['http:', 'https:']);
  const s3PublicEndpoint = read.optional('S3_PUBLIC_ENDPOINT');
  if (s3PublicEndpoint) read.url('S3_PUBLIC_ENDPOINT', s3PublicEndpoint, ['http:', 'https:']);
  if (!s3Endpoint && nodeEnv === 'production' && !read.bool('S3_USE_AWS', false)) {
    read.problems.push(
      'S3_ENDPOINT is required when NODE_ENV=production (or set S3_USE_AWS=true to use AWS S3 endpoints)',
    );
  }

  const config: Config = {
    nodeEnv,
    logLevel: read.oneOf('LOG_LEVEL', LOG_LEVELS, nodeEnv === 'test' ? 'silent' : 'info'),
    api: {
      host: read.string('API_HOST', '127.0.0.1'),
      port: apiPort,
      bodyLimitBytes: read.int('API_BODY_LIMIT_BYTES', 64 * 1024, 1024, 50 * 1024 * 1024),
      trustProxy: read.bool('TRUST_PROXY', false),
    },
    web: {
      host: read.string('WEB_HOST', '127.0.0.1'),
      port: read.int('WEB_PORT', 3000, 0, 65535),
      apiInternalUrl: read.url(
        'API_INTERNAL_URL',
        read.string('API_INTERNAL_URL', `http://127.0.0.1:${apiPort}`),
        ['http:', 'https:'],
      ),
    },
    publicBaseUrl: publicBaseUrl.replace(/\/+$/, ''),
    feedCacheMs: read.int('FEED_CACHE_MS', nodeEnv === 'test' ? 0 : 3000, 0, 60_000),
    demoContent: nodeEnv !== 'production' && read.bool('DEMO_CONTENT', nodeEnv === 'development'),
    mediaBaseUrl: mediaBaseUrlRaw
      ? read.url('MEDIA_BASE_URL', mediaBaseUrlRaw, ['http:', 'https:']).replace(/\/+$/, '')
      : undefined,
    databaseUrl: read.url(
      'DATABASE_URL',
      read.required('DATABASE_URL', 'postgres://postgres@127.0.0.1:5432/onward'),
      ['postgres:', 'postgresql:'],
    ),
    redis: {
      url: read.url('REDIS_URL', read.required('REDIS_URL', 'redis://127.0.0.1:6379/0'), ['redis:', 'rediss:']),
      prefix: read.string('REDIS_PREFIX', 'onward'),
    },
    s3: {
      endpoint: s3Endpoint,
      publicEndpoint: s3PublicEndpoint,
      region: read.string('S3_REGION', 'us-east-1'),
      bucket: read.string('S3_BUCKET', 'onward-media'),
      accessKeyId: read.optional('S3_ACCESS_KEY_ID'),
      secretAccessKey: read.optional('S3_SECRET_ACCESS_KEY'),
      forcePathStyle: read.bool('S3_FORCE_PATH_STYLE', s3Endpoint !== undefined),
      presignTtlSeconds: read.int('S3_PRESIGN_TTL_SECONDS', 300, 10, 3600),
      embeddedDir: read.string('S3_EMBEDDED_DIR', '.data/s3'),
      embeddedPort: read.int('S3_EMBEDDED_PORT', 4569, 0, 65535),
    },
    auth: {
      sessionTtlDays: read.int('SESSION_TTL_DAYS', 30, 1, 365),
      sessionCacheMs: read.int('SESSION_CACHE_MS', 5000, 0, 60_000),
      loginMaxPerIp: read.int('LOGIN_MAX_ATTEMPTS_PER_IP', 30, 1, 100_000),
      loginMaxPerHandle: read.int('LOGIN_MAX_FAILURES_PER_HANDLE', 10, 1, 100_000),
      loginWindowSeconds: read.int('LOGIN_WINDOW_SECONDS', 900, 1, 86_400),
    },
    limits: {
      uploadMaxBytes: read.int('UPLOAD_MAX_BYTES', 1024 * 1024 * 1024, 1024, 20 * 1024 * 1024 * 1024),
      uploadMaxDurationSeconds: read.int('UPLOAD_MAX_DURATION_SECONDS', 180, 1, 3600),
      uploadsPerDay: read.int('UPLOADS_PER_DAY', 20, 1, 10_000),
      maxVideoPixels: read.int('MAX_VIDEO_PIXELS', 4096 * 2304, 64 * 64, 8192 * 8192),
      reportsPerHour: read.int('REPORTS_PER_HOUR', 10, 1, 10_000),
    },
    media: {
      ffmpegTimeoutSeconds: read.int('FFMPEG_TIMEOUT_SECONDS', 900, 10, 86_400),
      workerConcurrency: read.int('MEDIA_WORKER_CONCURRENCY', 1, 1, 16),
      tempDir: read.optional('MEDIA_TEMP_DIR'),
      jobLockMs: read.int('MEDIA_JOB_LOCK_MS', 30_000, 1_000, 600_000),
      stalledCheckMs: read.int('MEDIA_STALLED_CHECK_MS', 30_000, 1_000, 600_000),
      faceDetectEvery: read.int('FACE_DETECT_EVERY', 5, 1, 30),
      faceDetectThreads: read.int('FACE_DETECT_THREADS', 2, 1, 8),
      faceDetectorIdleMs: read.int('FACE_DETECTOR_IDLE_MS', 5_000, 0, 3_600_000),
      originalRetentionHours: read.int('ORIGINAL_RETENTION_HOURS', 24, 0, 24 * 30),
      faceChoiceHours: read.int('FACE_CHOICE_HOURS', 168, 1, 24 * 30),
    },
    playbackSigningSecret: read.required('PLAYBACK_SIGNING_SECRET', 'onward-development-playback-signing-secret'),
    feedCursorSecret: read.required('FEED_CURSOR_SECRET', 'onward-development-feed-cursor-secret'),
    crisisResourcesFile: read.optional('CRISIS_RESOURCES_FILE'),
  };

  if (Boolean(config.s3.accessKeyId) !== Boolean(config.s3.secretAccessKey)) {
    read.problems.push('S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY must be set together');
  }
  if (read.problems.length > 0) throw new ConfigError(read.problems);
  return config;
}

/** Whether cookies must carry the Secure flag: whenever people reach the app over https. */
export function servesOverHttps(config: Config): boolean {
  return config.publicBaseUrl.startsWith('https:');
}

/** The only place in the code base that reads process.env. */
export function loadConfigFromProcessEnv(): Config {
  return loadConfig(process.env);
}
