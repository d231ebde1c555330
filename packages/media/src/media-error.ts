// The stable error codes a rejected upload can carry, and the one constructor for them (HTTP 422).
import { AppError } from '@onward/domain';

export type InvalidMediaCode =
  | 'empty_file'
  | 'unsupported_container'
  | 'no_video_stream'
  | 'unsupported_codec'
  | 'duration_too_long'
  | 'duration_unknown'
  | 'resolution_too_large'
  | 'corrupt_media';

export function invalidMedia(code: InvalidMediaCode, message: string, details?: Record<string, unknown>): AppError {
  return new AppError(422, code, message, details);
}
