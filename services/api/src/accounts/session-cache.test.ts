import { describe, expect, it } from 'vitest';
import { createSessionCache } from './session-cache.ts';

function fakeSessions() {
  const calls: string[] = [];
  let role = 'member';
  return {
    calls,
    setRole: (next: string) => {
      role = next;
    },
    repo: {
      async findActiveSession(tokenHash: Buffer) {
        calls.push(tokenHash.toString('hex'));
        await new Promise((resolve) => setTimeout(resolve, 5));
        if (tokenHash[0] === 0) return undefined;
        // biome-ignore lint/suspicious/noExplicitAny: a row shaped like the repository's, only what the cache reads
        return { id: `user-${tokenHash[0]}`, role, expires_at: new Date(Date.now() + 60_000) } as any;
      },
    },
  };
}

const hash = (n: number) => Buffer.from([n, 1, 2, 3]);

describe('createSessionCache', () => {
  it('asks the database once for concurrent and repeated lookups of one token', async () => {
    const fake = fakeSessions();
    const cache = createSessionCache({ sessions: fake.repo, ttlMs: 60_000 });
    await Promise.all(Array.from({ length: 10 }, () => cache.find(hash(1))));
    await cache.find(hash(1));
    expect(fake.calls).toHaveLength(1);
  });

  it('asks again after forgetUser, also for a lookup that was in flight when the change happened', async () => {
    const fake = fakeSessions();
    const cache = createSessionCache({ sessions: fake.repo, ttlMs: 60_000 });
    const inFlight = cache.find(hash(2));
    await cache.forgetUser('someone-else');
    await inFlight;
    fake.setRole('reviewer');
    expect((await cache.find(hash(2)))?.role).toBe('reviewer');
    await cache.forgetUser('user-2');
    fake.setRole('member');
    expect((await cache.find(hash(2)))?.role).toBe('member');
    expect(fake.calls).toHaveLength(3);
  });

  it('keeps at most maxEntries, dropping the oldest, and never keeps misses', async () => {
    const fake = fakeSessions();
    const cache = createSessionCache({ sessions: fake.repo, ttlMs: 60_000, maxEntries: 2 });
    await cache.find(hash(1));
    await cache.find(hash(2));
    await cache.find(hash(3));
    await cache.find(hash(3));
    await cache.find(hash(1));
    expect(fake.calls.map((c) => c.slice(0, 2))).toEqual(['01', '02', '03', '01']);
    await cache.find(hash(0));
    await cache.find(hash(0));
    expect(fake.calls.filter((c) => c.startsWith('00'))).toHaveLength(2);
  });

  it('with ttlMs 0 always asks the database', async () => {
    const fake = fakeSessions();
    const cache = createSessionCache({ sessions: fake.repo, ttlMs: 0 });
    await cache.find(hash(1));
    await cache.find(hash(1));
    expect(fake.calls).toHaveLength(2);
  });
});
