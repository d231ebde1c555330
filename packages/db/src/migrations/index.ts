// Numbered, forward-only migrations, listed explicitly so bundlers and tsx both see them.
import type { Migration } from 'kysely/migration';
import * as m0001 from './0001-foundation.ts';

export const migrations: Record<string, Migration> = {
  '0001-foundation': m0001,
};
