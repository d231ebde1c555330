// Remembers who a session token belongs to for a few seconds, so a busy route (the feed) does not ask Postgres
// the same question on every request. Revocation stays immediate: every change that ends a session or changes
// what a session may do goes through `forgetUser` / `forgetToken`, which drop the entry here at once and tell
// every other API process over Redis pub/sub. The TTL is only the backstop for a lost message; a (re)connected
// subscriber starts from an empty cache because it may have missed some. See docs/adr-005-session-cache.md.
import type { SessionRepository, UserRepository } from '@onward/db';
import type { Redis } from 'ioredis';

type SessionRow = NonNullable<Awaited<ReturnType<SessionRepository['findActiveSession']>>>;

interface Entry {
  /** Date.now() after which the entry is asked again. */
  freshUntil: number;
  userId: string | null;
  row: Promise<SessionRow | undefined>;
}

type Invalidation = { userId: string } | { tokenHash: string };

export interface SessionCache {
  /** The live session for a token hash, from memory when it was looked up less than ttlMs ago. */
  find(tokenHash: Buffer): Promise<SessionRow | undefined>;
  /** Every cached session of this user is asked again (role, flag, password, deletion, sign-out everywhere). */
  forgetUser(userId: string): Promise<void>;
  /** This one session is asked again (logout). */
  forgetToken(tokenHash: Buffer): Promise<void>;
  close(): Promise<void>;
}

export interface SessionCacheOptions {
  sessions: Pick<SessionRepository, 'findActiveSession'>;
  ttlMs: number;
  /** Bounds memory: the oldest entries go first. Unknown tokens are never cached. */
  maxEntries?: number;
  /** Publishes and receives invalidations; without it (or with ttlMs 0) only this process is covered. */
  pubsub?: { publisher: Redis; subscriber: Redis; channel: string };
  onError?: (error: unknown) => void;
}

export function createSessionCache(options: SessionCacheOptions): SessionCache {
  const { sessions, ttlMs, pubsub } = options;
  const maxEntries = options.maxEntries ?? 50_000;
  const entries = new Map<string, Entry>();

  function dropLocally(message: Invalidation) {
    if ('tokenHash' in message) {
      entries.delete(message.tokenHash);
      return;
    }
    // Lookups still in flight (userId null) may have read the row before the change: they go too.
    for (const [key, entry] of entries) if (entry.userId === message.userId || entry.userId === null) entries.delete(key);
  }

  let subscribed: Promise<unknown> = Promise.resolve();
  if (ttlMs > 0 && pubsub) {
    pubsub.subscriber.on('message', (channel: string, raw: string) => {
      if (channel !== pubsub.channel) return;
      try {
        dropLocally(JSON.parse(raw) as Invalidation);
      } catch {
        entries.clear();
      }
    });
    // Messages sent while this process was disconnected are lost: start over whenever the subscription is (re)made.
    pubsub.subscriber.on('ready', () => entries.clear());
    subscribed = pubsub.subscriber.subscribe(pubsub.channel).catch((error: unknown) => options.onError?.(error));
  }

  async function announce(message: Invalidation) {
    dropLocally(message);
    if (ttlMs === 0 || !pubsub) return;
    try {
      await pubsub.publisher.publish(pubsub.channel, JSON.stringify(message));
    } catch (error) {
      // Other processes fall back to the TTL; the change itself is already stored.
      options.onError?.(error);
    }
  }

  return {
    async find(tokenHash) {
      if (ttlMs === 0) return sessions.findActiveSession(tokenHash);
      const key = tokenHash.toString('hex');
      const now = Date.now();
      const cached = entries.get(key);
      if (cached && cached.freshUntil > now) {
        const row = await cached.row.catch(() => undefined);
        if (row) return row.expires_at.getTime() > Date.now() ? row : undefined;
        // A miss or a failure (removed from the cache by its own lookup): ask again below.
      }
      const entry: Entry = { freshUntil: now + ttlMs, userId: null, row: sessions.findActiveSession(tokenHash) };
      entries.delete(key);
      entries.set(key, entry);
      if (entries.size > maxEntries) entries.delete(entries.keys().next().value as string);
      try {
        const row = await entry.row;
        // Only known sessions stay: random tokens must not fill memory, and a miss is cheap to repeat.
        if (!row && entries.get(key) === entry) entries.delete(key);
        else entry.userId = row?.id ?? null;
        return row;
      } catch (error) {
        if (entries.get(key) === entry) entries.delete(key);
        throw error;
      }
    },
    forgetUser: (userId) => announce({ userId }),
    forgetToken: (tokenHash) => announce({ tokenHash: tokenHash.toString('hex') }),
    async close() {
      entries.clear();
      await subscribed;
    },
  };
}

/**
 * The user and session repositories with every change that affects a live session announced to the cache, so no
 * route (or test, or script using the app's deps) can change a role or end a session and forget to tell it.
 */
export function invalidatingRepositories<U extends UserWrites, S extends SessionWrites>(
  users: U,
  sessions: S,
  cache: SessionCache,
): { users: U; sessions: S } {
  const thenForget =
    <A extends [string, ...unknown[]], R>(write: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      const result = await write(...args);
      await cache.forgetUser(args[0]);
      return result;
    };
  return {
    users: {
      ...users,
      setRole: thenForget(users.setRole),
      setVerifiedProfessional: thenForget(users.setVerifiedProfessional),
      updatePasswordHash: thenForget(users.updatePasswordHash),
      deleteUser: thenForget(users.deleteUser),
    },
    sessions: {
      ...sessions,
      findActiveSession: cache.find,
      deleteSessionsOfUser: thenForget(sessions.deleteSessionsOfUser),
      async deleteSessionByTokenHash(tokenHash: Buffer) {
        await sessions.deleteSessionByTokenHash(tokenHash);
        await cache.forgetToken(tokenHash);
      },
    },
  };
}

type UserWrites = Pick<UserRepository, 'setRole' | 'setVerifiedProfessional' | 'updatePasswordHash' | 'deleteUser'>;
type SessionWrites = Pick<SessionRepository, 'findActiveSession' | 'deleteSessionsOfUser' | 'deleteSessionByTokenHash'>;
