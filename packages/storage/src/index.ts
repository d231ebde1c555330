// @onward/storage: the S3 client, the object-key layout, streaming put/get, presigned reads, and the
// embedded S3 emulator used in development and tests.
export type { StorageConfig } from './config.ts';
export { createS3Client, s3ClientConfig, withDeleteObjectsContentMd5 } from './s3-client.ts';
export { objectKeys } from './object-keys.ts';
export { createObjectStore, type GetObjectResult, type ObjectStore, type PutStreamOptions } from './object-store.ts';
export { deleteVideoMedia } from './video-media.ts';
export { startEmbeddedS3, type EmbeddedS3, type EmbeddedS3Options } from './embedded-s3.ts';
