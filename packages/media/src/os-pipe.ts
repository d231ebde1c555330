// Kernel pipes with a large buffer for the raw frames between ffmpeg processes and us (the obscured ladder moves
// ~1.4 GB each way for a 15 s 1080x1920 clip).
//
// What Node gives a child as stdio 'pipe' is a Unix socket pair, read 64 KB at a time through a stream, with a new
// Buffer per frame: phase 2 of the obscured ladder cost the job's process 2.3-3.1 CPU-s per clip that way, against
// 1.6-1.8 (1.0 for the bare relay, without the mosaic) with a pipe(2) whose buffer is raised to 1 MB, read and
// written whole frames at a time into one reused buffer (fs.read/fs.write on Node's thread pool); phase 2 took
// 0.3-1.6 s less in alternating runs (docs/benchmarks.md and ADR 009, 2026-11-23 evening).
// Node cannot make a pipe itself: glibc's pipe2 and fcntl through koffi (libc.ts). Without them (not Linux), the
// caller falls back to stdio streams.
import { close, read, write } from 'node:fs';
import { glibc } from './libc.ts';

const O_CLOEXEC = 0o2000000;
const F_SETPIPE_SZ = 1031;
const F_GETPIPE_SZ = 1032;

/** Largest pipe buffer an unprivileged process may ask for on a default Linux (/proc/sys/fs/pipe-max-size). */
export const PIPE_CAPACITY = 1 << 20;

export interface OsPipe {
  readFd: number;
  writeFd: number;
}

/**
 * A pipe (both ends close-on-exec: a child gets an end only as one of its stdio) with its buffer raised to
 * `capacity` where the system allows it; null where pipes cannot be made this way.
 */
export function openOsPipe(capacity = PIPE_CAPACITY): OsPipe | null {
  const libc = glibc();
  if (!libc) return null;
  const fds = new Int32Array(2);
  if (libc.pipe2(fds, O_CLOEXEC) !== 0) throw new Error('pipe2 failed (too many open files?)');
  // A smaller buffer (a lower pipe-max-size, or the user's pipe quota used up) is slower, not wrong.
  libc.fcntlInt(fds[0] as number, F_SETPIPE_SZ, capacity);
  return { readFd: fds[0] as number, writeFd: fds[1] as number };
}

/** The pipe's buffer size in bytes (tests). */
export function pipeCapacity(fd: number): number {
  return glibc()?.fcntlInt(fd, F_GETPIPE_SZ, 0) ?? -1;
}

export function closeFd(fd: number): Promise<void> {
  return new Promise((resolve) => close(fd, () => resolve()));
}

/**
 * Reads until `length` bytes are in `buffer` from `offset`, or the writer closed its end: the byte count read (less
 * than `length` only at the end of the stream).
 */
export async function readFully(fd: number, buffer: Uint8Array, offset: number, length: number): Promise<number> {
  let done = 0;
  while (done < length) {
    const n = await new Promise<number>((resolve, reject) =>
      read(fd, buffer, offset + done, length - done, null, (error, bytes) => (error ? reject(error) : resolve(bytes))),
    );
    if (n === 0) break;
    done += n;
  }
  return done;
}

/** Writes all of `data`; rejects (EPIPE) if the reader is gone. */
export async function writeFully(fd: number, data: Uint8Array): Promise<void> {
  let done = 0;
  while (done < data.length) {
    done += await new Promise<number>((resolve, reject) =>
      write(fd, data, done, data.length - done, null, (error, bytes) => (error ? reject(error) : resolve(bytes))),
    );
  }
}
