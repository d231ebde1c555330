// The C library's functions Node does not expose (glibc on Linux), called through koffi: an npm package that ships
// its prebuilt binaries, so nothing is built or fetched. null where there is no glibc (or no koffi binary): callers
// then do without (native-memory.ts) or use Node's own streams (os-pipe.ts).
import { createRequire } from 'node:module';

export interface Libc {
  malloc_trim(pad: number): number;
  pipe2(fds: Int32Array, flags: number): number;
  /** fcntl with one int argument (F_SETPIPE_SZ, F_GETPIPE_SZ, ...). */
  fcntlInt(fd: number, cmd: number, value: number): number;
}

interface KoffiFunction {
  (...args: unknown[]): number;
}
interface Koffi {
  load(path: string): { func(signature: string): KoffiFunction };
}

let libc: Libc | null | undefined;

function load(): Libc | null {
  if (process.platform !== 'linux') return null;
  try {
    const require = createRequire(import.meta.url);
    const lib = (require('koffi') as Koffi).load('libc.so.6');
    const trim = lib.func('int malloc_trim(size_t pad)');
    const pipe2 = lib.func('int pipe2(int *fds, int flags)');
    const fcntl = lib.func('int fcntl(int fd, int cmd, ...)');
    return {
      malloc_trim: (pad) => trim(pad),
      pipe2: (fds, flags) => pipe2(fds, flags),
      fcntlInt: (fd, cmd, value) => fcntl(fd, cmd, 'int', value),
    };
  } catch {
    // not glibc, or koffi has no binary for this platform
    return null;
  }
}

/** glibc through koffi, loaded once; null where it cannot be. */
export function glibc(): Libc | null {
  if (libc === undefined) libc = load();
  return libc;
}
