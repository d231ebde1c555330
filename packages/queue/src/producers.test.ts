import { describe, expect, it } from 'vitest';
import { processVideoRunOf } from './producers.ts';

describe('processVideoRunOf', () => {
  const video = '0b5c2a8e-5d7e-4c55-9d55-8f1d3c8f2a11';

  it("reads the run a process-video job id was made for: the upload's (0) or a choice's time", () => {
    expect(processVideoRunOf(`process-video-${video}-0`, video)).toBe(0);
    expect(processVideoRunOf(`process-video-${video}-1795484730123`, video)).toBe(1795484730123);
  });

  it('is null for ids it did not make: absent, another job, another video, or no number', () => {
    expect(processVideoRunOf(undefined, video)).toBeNull();
    expect(processVideoRunOf(`delete-original-${video}`, video)).toBeNull();
    expect(processVideoRunOf('process-video-another-video-0', video)).toBeNull();
    expect(processVideoRunOf(`process-video-${video}-`, video)).toBeNull();
    expect(processVideoRunOf(`process-video-${video}-x1`, video)).toBeNull();
    expect(processVideoRunOf(`process-video-${video}--5`, video)).toBeNull();
    expect(processVideoRunOf(`process-video-${video}-1.5`, video)).toBeNull();
  });
});
