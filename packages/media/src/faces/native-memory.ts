// Gives the memory that ended worker threads left free in glibc's malloc arenas back to the system.
//
// glibc keeps a thread's arena after the thread ends, free but resident: the face detector's threads (onnxruntime's
// buffers, frames, model inputs) left ~150-220 MB that way in the process that ran them, for as long as it lived
// (docs/face-detection.md). malloc_trim(0) returns every whole free page of every arena (glibc >= 2.8): measured
// 291 -> 133 MB after phase 1 of the 15 s crowd clip. Node has no FFI of its own; koffi (an npm package that ships
// its prebuilt binaries, nothing fetched) calls into libc. Elsewhere (musl, macOS) there is nothing to trim and
// this does nothing.
import { glibc } from '../libc.ts';

/**
 * Returns free malloc memory to the system (glibc's malloc_trim(0)); true when some was. Call it at a quiet point,
 * such as after worker threads ended: it walks and locks every arena in turn.
 */
export function releaseFreedNativeMemory(): boolean {
  const libc = glibc();
  return libc ? libc.malloc_trim(0) === 1 : false;
}
