// Recognising S3 errors across AWS, R2, MinIO and the emulator, and turning the ones a caller can act on
// into AppErrors.
import { AppError } from '@onward/domain';

interface S3ErrorShape {
  name?: string;
  Code?: string;
  $metadata?: { httpStatusCode?: number };
}

export function s3Status(err: unknown): number | undefined {
  return (err as S3ErrorShape | null)?.$metadata?.httpStatusCode;
}

export function s3Code(err: unknown): string | undefined {
  const e = err as S3ErrorShape | null;
  return e?.Code ?? e?.name;
}

/** A missing object (not a missing bucket). HEAD responses carry no body, so only the status says 404. */
export function isMissingObject(err: unknown): boolean {
  const code = s3Code(err);
  if (code === 'NoSuchBucket') return false;
  return code === 'NoSuchKey' || code === 'NotFound' || s3Status(err) === 404;
}

export function objectNotFound(): AppError {
  return new AppError(404, 'object_not_found', 'The requested file was not found.');
}

export function rangeNotSatisfiable(): AppError {
  return new AppError(416, 'range_not_satisfiable', 'The requested range is not satisfiable.');
}

/** Maps the errors a caller can act on; anything else is returned unchanged (an internal error). */
export function toStorageError(err: unknown): unknown {
  if (err instanceof AppError) return err;
  if (isMissingObject(err)) return objectNotFound();
  if (s3Code(err) === 'InvalidRange' || s3Status(err) === 416) return rangeNotSatisfiable();
  return err;
}

export function withCause<E extends Error>(error: E, cause: unknown): E {
  error.cause = cause;
  return error;
}
