// Spawns one ffmpeg/ffprobe child with a deadline: SIGTERM then SIGKILL on timeout or abort, and settles only once
// the child is really gone, so a timed-out job never leaves an encoder running behind it.
import { type ChildProcessByStdio, spawn } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { setPriority } from 'node:os';

export interface RunProcessOptions {
  timeoutMs: number;
  signal?: AbortSignal;
  cwd?: string;
  /** Niceness 0..19 for the child (lower priority than the API on a shared machine). */
  nice?: number;
  /** How long SIGTERM may take before SIGKILL. */
  killGraceMs?: number;
  onStdout?: (chunk: string) => void;
  /** Collect stdout into the result (ffprobe); off for ffmpeg, whose stdout is the progress stream. */
  collectStdout?: boolean;
  stderrTailBytes?: number;
  /** Give the child a stdin pipe (a y4m stream fed by the caller); otherwise stdin is closed. */
  stdinPipe?: boolean;
  /** Leave stdout to the caller as raw bytes (a y4m stream); onStdout and collectStdout are then unused. */
  rawStdout?: boolean;
  /** A file descriptor (a pipe's end, os-pipe.ts) as the child's stdin or stdout, instead of the above. */
  stdinFd?: number;
  stdoutFd?: number;
  /** Called once the child is spawned, to use its stdin/stdout pipes. */
  onSpawn?: (child: ChildProcessByStdio<Writable | null, Readable | null, Readable>) => void;
}

export type ProcessOutcome =
  | { kind: 'exited'; code: number | null; signal: NodeJS.Signals | null; stdout: string; stderrTail: string }
  | { kind: 'timeout'; stdout: string; stderrTail: string }
  | { kind: 'aborted'; stdout: string; stderrTail: string }
  | { kind: 'spawn_error'; error: Error; stdout: string; stderrTail: string };

/**
 * Whether a child that was being stopped had in fact ended by itself, with its own failure: the stop can come after
 * it exited but before Node saw the exit (the event loop was busy), and then the stop's reason would hide the real
 * one. ffmpeg exits with 255 on SIGTERM (ffprobe dies of it), and SIGKILL shows as the signal: any other non-zero exit
 * code is the process's own. A clean exit (0) is left to the stop's reason: the caller asked for the work to stop.
 */
function failedByItself(code: number | null, signal: NodeJS.Signals | null): boolean {
  return signal === null && code !== null && code !== 0 && code !== 255;
}

export function runProcess(command: string, args: readonly string[], options: RunProcessOptions): Promise<ProcessOutcome> {
  const tailBytes = options.stderrTailBytes ?? 4000;
  const grace = options.killGraceMs ?? 2000;
  return new Promise((resolve) => {
    if (options.signal?.aborted) {
      resolve({ kind: 'aborted', stdout: '', stderrTail: '' });
      return;
    }
    const child = spawn(command, args, {
      cwd: options.cwd,
      stdio: [options.stdinFd ?? (options.stdinPipe ? 'pipe' : 'ignore'), options.stdoutFd ?? 'pipe', 'pipe'],
    }) as ChildProcessByStdio<Writable | null, Readable | null, Readable>;
    let stdout = '';
    let stderrTail = '';
    let stopReason: 'timeout' | 'aborted' | null = null;
    let spawnError: Error | null = null;
    let killTimer: NodeJS.Timeout | undefined;

    if (options.nice && child.pid) {
      try {
        setPriority(child.pid, options.nice);
      } catch {
        // Not allowed on this system: run at normal priority rather than fail the job.
      }
    }

    if (!options.rawStdout && child.stdout) {
      child.stdout.setEncoding('utf8');
      child.stdout.on('data', (chunk: string) => {
        if (options.collectStdout) stdout += chunk;
        options.onStdout?.(chunk);
      });
    }
    // A consumer that stops early (the encoder died) must not leave an EPIPE unhandled.
    child.stdin?.on('error', () => {});
    options.onSpawn?.(child);
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      stderrTail = (stderrTail + chunk).slice(-tailBytes);
    });

    const stop = (reason: 'timeout' | 'aborted') => {
      if (stopReason || child.exitCode !== null || child.signalCode !== null) return;
      stopReason = reason;
      child.kill('SIGTERM');
      // ffmpeg blocked in open() on a FIFO or a stalled read ignores SIGTERM: escalate.
      killTimer = setTimeout(() => child.kill('SIGKILL'), grace);
    };
    const deadline = setTimeout(() => stop('timeout'), options.timeoutMs);
    const onAbort = () => stop('aborted');
    options.signal?.addEventListener('abort', onAbort, { once: true });

    child.on('error', (error) => {
      spawnError = error;
    });
    // 'close' fires after the process exited and its pipes closed: nothing of it remains.
    child.on('close', (code, signal) => {
      clearTimeout(deadline);
      clearTimeout(killTimer);
      options.signal?.removeEventListener('abort', onAbort);
      if (spawnError) resolve({ kind: 'spawn_error', error: spawnError, stdout, stderrTail });
      else if (stopReason && failedByItself(code, signal)) resolve({ kind: 'exited', code, signal, stdout, stderrTail });
      else if (stopReason === 'timeout') resolve({ kind: 'timeout', stdout, stderrTail });
      else if (stopReason === 'aborted') resolve({ kind: 'aborted', stdout, stderrTail });
      else resolve({ kind: 'exited', code, signal, stdout, stderrTail });
    });
  });
}
