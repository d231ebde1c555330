// Runs ffprobe with a deadline and returns its stdout; failures carry ffprobe's own error text for classification.
import { AppError } from '@onward/domain';
import { runProcess } from './run-process.ts';

export interface FfprobeOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
  ffprobePath?: string;
}

export async function runFfprobe(args: readonly string[], options: FfprobeOptions = {}): Promise<string> {
  const outcome = await runProcess(options.ffprobePath ?? 'ffprobe', args, {
    timeoutMs: options.timeoutMs ?? 20_000,
    collectStdout: true,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  if (outcome.kind === 'exited' && outcome.code === 0) return outcome.stdout;
  if (outcome.kind === 'timeout') {
    throw new AppError(504, 'ffprobe_timeout', 'Reading this video took too long.', { stderrTail: outcome.stderrTail });
  }
  if (outcome.kind === 'aborted') throw new AppError(500, 'ffprobe_aborted', 'Reading this video was cancelled.');
  throw new AppError(500, 'ffprobe_failed', 'We could not read this video.', {
    stderrTail: outcome.stderrTail,
    ...(outcome.kind === 'exited' ? { exitCode: outcome.code } : { spawnError: outcome.error.message }),
  });
}
