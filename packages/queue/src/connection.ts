// Redis connections for BullMQ: blocking workers need maxRetriesPerRequest null; producers fail fast.
import { Redis } from 'ioredis';

export interface QueueConnectionOptions {
  redisUrl: string;
  /** Key prefix for every queue (one per deployment, one per test file). */
  prefix: string;
}

export function createQueueConnection(redisUrl: string, role: 'producer' | 'worker'): Redis {
  return new Redis(redisUrl, {
    maxRetriesPerRequest: role === 'worker' ? null : 2,
    enableOfflineQueue: role === 'worker',
    lazyConnect: false,
  });
}
