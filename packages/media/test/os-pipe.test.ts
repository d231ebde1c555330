// Kernel pipes for the frames between ffmpeg and us (os-pipe.ts): a 1 MB buffer, ends a child gets only as its
// stdio, end-of-stream and a vanished reader reported as they must be.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { closeFd, openOsPipe, PIPE_CAPACITY, pipeCapacity, readFully, writeFully } from '../src/os-pipe.ts';

function pipe() {
  const p = openOsPipe();
  if (!p) throw new Error('kernel pipes are expected on Linux');
  return p;
}

describe('kernel pipes', () => {
  it('have a 1 MB buffer', async () => {
    const p = pipe();
    expect(pipeCapacity(p.readFd)).toBe(PIPE_CAPACITY);
    await Promise.all([closeFd(p.readFd), closeFd(p.writeFd)]);
  });

  it('carry bytes through a child process given their ends as stdio, and end when it exits', async () => {
    const toChild = pipe();
    const fromChild = pipe();
    const child = spawn('cat', [], { stdio: [toChild.readFd, fromChild.writeFd, 'inherit'] });
    const closed = once(child, 'close');
    // the child holds its ends; ours must go or end-of-stream would never come
    await Promise.all([closeFd(toChild.readFd), closeFd(fromChild.writeFd)]);
    const data = randomBytes(5 * PIPE_CAPACITY + 123);
    const writing = writeFully(toChild.writeFd, data).then(() => closeFd(toChild.writeFd));
    const back = Buffer.alloc(data.length + 10);
    const got = await readFully(fromChild.readFd, back, 0, back.length);
    await writing;
    await closed;
    expect(got).toBe(data.length);
    expect(back.subarray(0, got).equals(data)).toBe(true);
    expect(await readFully(fromChild.readFd, back, 0, 1)).toBe(0);
    await closeFd(fromChild.readFd);
  });

  it('are not inherited by children that were not given them', async () => {
    const p = pipe();
    const child = spawn('sh', ['-c', 'ls /proc/self/fd'], { stdio: ['ignore', 'pipe', 'inherit'] });
    const closed = once(child, 'close');
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    await closed;
    const fds = out.split(/\s+/).filter(Boolean).map(Number);
    expect(fds).not.toContain(p.readFd);
    expect(fds).not.toContain(p.writeFd);
    await Promise.all([closeFd(p.readFd), closeFd(p.writeFd)]);
  });

  it('reject a write once the reader is gone (EPIPE), instead of blocking', async () => {
    const p = pipe();
    await closeFd(p.readFd);
    await expect(writeFully(p.writeFd, Buffer.alloc(10))).rejects.toMatchObject({ code: 'EPIPE' });
    await closeFd(p.writeFd);
  });
});
