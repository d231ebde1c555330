// Parses ffmpeg's `-progress` key=value stream into percent of a known duration.

export interface ProgressTracker {
  /** Feed raw stdout chunks; returns the new percent when a progress block completed, else null. */
  push(chunk: string): number | null;
}

export function createProgressTracker(durationMs: number): ProgressTracker {
  let buffered = '';
  let outTimeUs = 0;
  return {
    push(chunk) {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      let percent: number | null = null;
      for (const line of lines) {
        const [key, value] = line.trim().split('=');
        // ffmpeg 5.1 writes microseconds in both out_time_us and (misnamed) out_time_ms.
        if (key === 'out_time_us' && value) {
          const us = Number.parseInt(value, 10);
          if (Number.isFinite(us)) outTimeUs = us;
        } else if (key === 'progress') {
          percent =
            value === 'end' ? 100 : durationMs > 0 ? Math.max(0, Math.min(99.9, outTimeUs / 10 / durationMs)) : 0;
        }
      }
      return percent;
    },
  };
}
