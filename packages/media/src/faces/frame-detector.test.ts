import { describe, expect, it } from 'vitest';
import { checkFrame, workerExecArgv } from './frame-detector.ts';

describe('workerExecArgv', () => {
  it('keeps loaders and other options', () => {
    expect(workerExecArgv(['--import', 'tsx', '--import=./block.ts', '--max-old-space-size=512', '--conditions', 'dev'])).toEqual([
      '--import',
      'tsx',
      '--import=./block.ts',
      '--max-old-space-size=512',
      '--conditions',
      'dev',
    ]);
  });

  it('drops what only a main script may use, with its value', () => {
    expect(workerExecArgv(['--import', 'tsx', '--input-type=module', '--eval', 'code()', '--enable-source-maps'])).toEqual([
      '--import',
      'tsx',
      '--enable-source-maps',
    ]);
    expect(workerExecArgv(['--input-type', 'module', '-e', 'x', '--print', '-p', '--eval=y', '--print=z'])).toEqual([]);
  });
});

describe('checkFrame', () => {
  it('accepts a matching RGB24 or yuv420p frame', () => {
    expect(() => checkFrame({ rgb: new Uint8Array(2 * 3 * 3), width: 2, height: 3 })).not.toThrow();
    // 3x3: 9 luma bytes, two 2x2 chroma planes
    expect(() => checkFrame({ yuv: new Uint8Array(9 + 2 * 4), width: 3, height: 3 })).not.toThrow();
  });

  it.each([
    [{ rgb: new Uint8Array(17), width: 2, height: 3 }, RangeError],
    [{ rgb: new Uint8Array(0), width: 0, height: 3 }, RangeError],
    [{ rgb: new Uint8Array(6), width: 2, height: Number.POSITIVE_INFINITY }, RangeError],
    [{ rgb: new Uint16Array(18) as unknown as Uint8Array, width: 2, height: 3 }, TypeError],
    [{ yuv: new Uint8Array(9 + 2 * 3), width: 3, height: 3 }, RangeError],
    [{ yuv: [1, 2, 3] as unknown as Uint8Array, width: 1, height: 1 }, TypeError],
  ])('refuses %o', (frame, error) => {
    expect(() => checkFrame(frame)).toThrow(error);
  });
});
