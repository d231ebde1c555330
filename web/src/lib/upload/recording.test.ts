import { describe, expect, it } from 'vitest';
import { cameraErrorMessage, clock, extensionFor, pickRecordingType } from './recording.ts';

describe('recording', () => {
  it('prefers MP4, then WebM, and nothing when the browser records neither', () => {
    expect(pickRecordingType(() => true)).toBe('video/mp4');
    expect(pickRecordingType((t) => t.startsWith('video/webm'))).toBe('video/webm;codecs=vp9,opus');
    expect(pickRecordingType(() => false)).toBeUndefined();
    expect(extensionFor('video/webm;codecs=vp8,opus')).toBe('webm');
    expect(extensionFor('video/mp4')).toBe('mp4');
  });

  it('explains camera failures in plain words', () => {
    const named = (name: string) => Object.assign(new Error('x'), { name });
    expect(cameraErrorMessage(named('NotAllowedError'))).toMatch(/not allowed/);
    expect(cameraErrorMessage(named('NotFoundError'))).toMatch(/No camera/);
    expect(cameraErrorMessage(named('NotReadableError'))).toMatch(/in use/);
    expect(cameraErrorMessage('weird')).toMatch(/could not start/);
  });

  it('shows minutes and seconds', () => {
    expect(clock(0)).toBe('0:00');
    expect(clock(7.9)).toBe('0:07');
    expect(clock(60)).toBe('1:00');
    expect(clock(-3)).toBe('0:00');
  });
});
