import { describe, expect, it } from 'vitest';
import { completedWhileRunning } from './watch-outputs.ts';

describe('completedWhileRunning', () => {
  it('holds back the newest segment of each rung, playlists, and init files until a segment exists', () => {
    const files = [
      'v720/init_v720.mp4',
      'v720/index.m3u8',
      'v720/seg_00000.m4s',
      'v720/seg_00002.m4s',
      'v720/seg_00001.m4s',
      'v360/init_v360.mp4',
      'master.m3u8',
    ];
    expect(completedWhileRunning(files).sort()).toEqual(['v720/init_v720.mp4', 'v720/seg_00000.m4s', 'v720/seg_00001.m4s']);
  });

  it('orders segment numbers numerically, not as text', () => {
    expect(completedWhileRunning(['a/seg_99999.m4s', 'a/seg_100000.m4s'])).toEqual(['a/seg_99999.m4s']);
  });
});
