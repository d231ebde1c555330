import { describe, expect, it } from 'vitest';
import { createProgressTracker } from './ffmpeg-progress.ts';

describe('createProgressTracker', () => {
  it('turns -progress blocks into percent of the known duration, split chunks included', () => {
    const tracker = createProgressTracker(10_000);
    expect(tracker.push('frame=10\nout_time_us=2500000\nprog')).toBeNull();
    expect(tracker.push('ress=continue\n')).toBe(25);
    expect(tracker.push('out_time_us=20000000\nprogress=continue\n')).toBe(99.9);
    expect(tracker.push('out_time_us=N/A\nprogress=end\n')).toBe(100);
  });
});
