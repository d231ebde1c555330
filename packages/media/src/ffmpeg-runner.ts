// The one way the platform runs ffmpeg: argument array in, progress out, killed on timeout or abort.
//
// We spawn ffmpeg directly instead of going through fluent-ffmpeg: our commands are complete argument arrays built
// and unit-tested by pure functions (one input, a filter graph, several HLS variants), and fluent-ffmpeg only builds
// command lines from its own chained API (it re-orders options and inserts its own -i/-y), so a raw array cannot be
// passed through it unchanged. Its kill() is also a plain SIGKILL without waiting for the process to be gone.
import { AppError } from '@onward/domain';
import { createProgressTracker } from './ffmpeg-progress.ts';
import { type RunProcessOptions, runProcess } from './run-process.ts';

export interface RunFfmpegOptions {
  timeoutMs: number;
  signal?: AbortSignal;
  /** Called with 0..100; needs durationMs and `-progress pipe:1` in the arguments. */
  onProgress?: (percent: number) => void;
  durationMs?: number;
  cwd?: string;
  /** Niceness for the encoder; default 10 so the API and database on the same machine stay responsive. */
  nice?: number;
  ffmpegPath?: string;
  killGraceMs?: number;
  /** Pipes for a y4m stream: stdin fed by the caller (an encoder) or stdout read by it (a decoder). */
  stdinPipe?: boolean;
  rawStdout?: boolean;
  /** A pipe's end (os-pipe.ts) as ffmpeg's stdin or stdout. */
  stdinFd?: number;
  stdoutFd?: number;
  onSpawn?: RunProcessOptions['onSpawn'];
}

export interface FfmpegResult {
  stderrTail: string;
}

export async function runFfmpeg(args: readonly string[], options: RunFfmpegOptions): Promise<FfmpegResult> {
  const tracker = createProgressTracker(options.durationMs ?? 0);
  const outcome = await runProcess(options.ffmpegPath ?? 'ffmpeg', ['-nostdin', ...args], {
    timeoutMs: options.timeoutMs,
    nice: options.nice ?? 10,
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.cwd ? { cwd: options.cwd } : {}),
    ...(options.killGraceMs !== undefined ? { killGraceMs: options.killGraceMs } : {}),
    ...(options.stdinPipe ? { stdinPipe: true } : {}),
    ...(options.rawStdout ? { rawStdout: true } : {}),
    ...(options.stdinFd !== undefined ? { stdinFd: options.stdinFd } : {}),
    ...(options.stdoutFd !== undefined ? { stdoutFd: options.stdoutFd } : {}),
    ...(options.onSpawn ? { onSpawn: options.onSpawn } : {}),
    onStdout: (chunk) => {
      const percent = tracker.push(chunk);
      if (percent !== null) options.onProgress?.(percent);
    },
  });
  if (outcome.kind === 'exited' && outcome.code === 0) return { stderrTail: outcome.stderrTail };
  if (outcome.kind === 'timeout') {
    throw new AppError(504, 'ffmpeg_timeout', 'Processing this video took too long.', {
      timeoutMs: options.timeoutMs,
      stderrTail: outcome.stderrTail,
    });
  }
  if (outcome.kind === 'aborted') {
    throw new AppError(500, 'ffmpeg_aborted', 'Processing this video was cancelled.', { stderrTail: outcome.stderrTail });
  }
  throw new AppError(500, 'ffmpeg_failed', 'We could not process this video.', {
    stderrTail: outcome.stderrTail,
    ...(outcome.kind === 'exited'
      ? { exitCode: outcome.code, signal: outcome.signal }
      : { spawnError: outcome.error.message }),
  });
}
