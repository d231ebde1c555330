// A pass-through stream that counts bytes and fails as soon as a byte limit is crossed (or, with
// `expectedBytes`, when the stream ends short of or runs past the declared length).
import { Transform, type TransformCallback } from 'node:stream';

export interface ByteMeterOptions {
  /** Fail once more than this many bytes have passed. */
  maxBytes?: number;
  /** Fail unless exactly this many bytes pass. */
  expectedBytes?: number;
  /** Builds the error raised when a limit is crossed (default: a plain Error). */
  onLimit?: (kind: 'too_large' | 'too_small', bytes: number) => Error;
}

export class ByteMeter extends Transform {
  bytes = 0;
  private readonly limit: number | undefined;
  private readonly expected: number | undefined;
  private readonly makeError: (kind: 'too_large' | 'too_small', bytes: number) => Error;

  constructor(opts: ByteMeterOptions = {}) {
    super();
    this.expected = opts.expectedBytes;
    const limits = [opts.maxBytes, opts.expectedBytes].filter((n): n is number => n !== undefined);
    this.limit = limits.length > 0 ? Math.min(...limits) : undefined;
    this.makeError =
      opts.onLimit ??
      ((kind, bytes) => new Error(kind === 'too_large' ? `stream exceeded its byte limit (${bytes} bytes)` : `stream ended early (${bytes} bytes)`));
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.limit !== undefined && this.bytes > this.limit) {
      callback(this.makeError('too_large', this.bytes));
      return;
    }
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    if (this.expected !== undefined && this.bytes !== this.expected) {
      callback(this.makeError('too_small', this.bytes));
      return;
    }
    callback();
  }
}
