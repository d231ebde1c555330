// A tus Locker shared by every API replica through Redis. tus must never let two requests write the same
// upload at once: after a dropped connection the phone's retry can reach another replica while the first
// one is still flushing the bytes it received, and two writers would corrupt the S3 parts. (@tus/server's
// MemoryLocker only protects within one process.)
//
// The lock is a Redis key (SET NX PX, renewed while held, deleted only by its holder). A request that finds
// it taken publishes a release request; the holder's replica asks its request to finish early (tus then
// stops reading, stores what it has and unlocks within lockDrainTimeout), and the waiter polls until it gets
// the lock or gives up (tus answers 423 upload_busy).
import { randomBytes } from 'node:crypto';
import { ERRORS, type Lock, type Locker, type RequestRelease } from '@tus/server';
import type { Redis } from 'ioredis';

const LOCK_TTL_MS = 30_000;
const RENEW_EVERY_MS = 10_000;
const POLL_MS = 100;
const RELEASE_IF_OURS = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;
const RENEW_IF_OURS = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;

export interface RedisLocker extends Locker {
  close(): Promise<void>;
}

/**
 * @param redis   the app's client (its keyPrefix applies to the lock keys)
 * @param channelPrefix  prefix of the pub/sub channels (keyPrefix does not apply to channels)
 */
export function createRedisLocker(redis: Redis, channelPrefix: string, acquireTimeoutMs = 30_000): RedisLocker {
  const pattern = `${channelPrefix}:tus-release:*`;
  const channelOf = (id: string) => `${channelPrefix}:tus-release:${id}`;
  /** Requests of this process holding a lock, by upload id: how to ask each to let go. */
  const holders = new Map<string, RequestRelease>();
  let subscriber: Redis | undefined;
  let subscribed: Promise<unknown> | undefined;

  function listen(): Promise<unknown> {
    subscribed ??= (async () => {
      subscriber = redis.duplicate();
      subscriber.on('error', () => {});
      subscriber.on('pmessage', (_pattern: string, channel: string) => {
        const release = holders.get(channel.slice(channelOf('').length));
        if (release) void Promise.resolve(release()).catch(() => {});
      });
      await subscriber.psubscribe(pattern);
    })();
    return subscribed;
  }

  class RedisLock implements Lock {
    private readonly token = randomBytes(16).toString('hex');
    private renewTimer: NodeJS.Timeout | undefined;

    constructor(private readonly id: string) {}

    private get key() {
      return `tus-lock:${this.id}`;
    }

    async lock(signal: AbortSignal, requestRelease: RequestRelease): Promise<void> {
      await listen();
      const deadline = Date.now() + acquireTimeoutMs;
      for (;;) {
        if (signal.aborted) throw ERRORS.ERR_LOCK_TIMEOUT;
        if ((await redis.set(this.key, this.token, 'PX', LOCK_TTL_MS, 'NX')) === 'OK') break;
        await redis.publish(channelOf(this.id), 'release');
        if (Date.now() > deadline) throw ERRORS.ERR_LOCK_TIMEOUT;
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      }
      holders.set(this.id, requestRelease);
      this.renewTimer = setInterval(() => {
        redis.eval(RENEW_IF_OURS, 1, this.key, this.token, LOCK_TTL_MS).catch(() => {});
      }, RENEW_EVERY_MS);
      this.renewTimer.unref();
    }

    async unlock(): Promise<void> {
      clearInterval(this.renewTimer);
      holders.delete(this.id);
      await redis.eval(RELEASE_IF_OURS, 1, this.key, this.token);
    }
  }

  return {
    newLock: (id: string) => new RedisLock(id),
    async close() {
      await subscribed?.catch(() => {});
      subscriber?.disconnect();
    },
  };
}
