export { createDb, type Db, type DbOptions } from './connection.ts';
export { migrateToLatest } from './migrate.ts';
export { createSessionRepository, type SessionRepository } from './repositories/sessions.ts';
export { createUserRepository, type UserRepository } from './repositories/users.ts';
export { createVideoRepository, EDITABLE_STATUSES, type VideoRepository } from './repositories/videos.ts';
export type * from './schema.ts';
