// What the integration suite's globalSetup hands to every test file.
export interface ProvidedS3 {
  endpoint: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    s3: ProvidedS3;
    databaseTemplate: string;
    postgresAdminUrl: string;
    redisUrl: string;
  }
}
