// Numbered, forward-only migrations, listed explicitly so bundlers and tsx both see them.
import type { Migration } from 'kysely/migration';
import * as m0001 from './0001-foundation.ts';
import * as m0002 from './0002-video-failure-code.ts';
import * as m0003 from './0003-review-feed.ts';
import * as m0004 from './0004-face-choice.ts';
import * as m0005 from './0005-voice-disguise.ts';

export const migrations: Record<string, Migration> = {
  '0001-foundation': m0001,
  '0002-video-failure-code': m0002,
  '0003-review-feed': m0003,
  '0004-face-choice': m0004,
  '0005-voice-disguise': m0005,
};
