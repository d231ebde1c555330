// Connection settings for the object store. Built by packages/config from the environment and passed in;
// nothing in this package reads process.env.
export interface StorageConfig {
  /** S3-compatible endpoint (MinIO, R2, the embedded emulator); undefined => the AWS default endpoint. */
  endpoint?: string;
  /**
   * The endpoint as browsers reach it, when it differs from `endpoint` (MinIO behind a Docker or cluster-internal
   * host name). Presigned URLs are signed for it; every other call still goes to `endpoint`.
   */
  publicEndpoint?: string | undefined;
  region: string;
  bucket: string;
  /** undefined => the default AWS credential chain (instance role, env, profile...). */
  accessKeyId?: string;
  secretAccessKey?: string;
  forcePathStyle: boolean;
  /** Default lifetime of presigned GET URLs. */
  presignTtlSeconds: number;
}
