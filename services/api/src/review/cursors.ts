// Opaque keyset cursors: base64url JSON of the last row's position. A cursor that does not decode is a 400.
import { badRequest } from '@onward/domain';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const EXACT_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

export interface Position {
  /** created_at with microseconds, as Postgres printed it */
  t: string;
  id: string;
  /** ordering priority (reports: 0 = crisis) */
  p?: number;
}

export function encodeCursor(position: Position): string {
  return Buffer.from(JSON.stringify(position)).toString('base64url');
}

export function decodeCursor(cursor: string | undefined): Position | undefined {
  if (cursor === undefined) return undefined;
  const invalid = () => badRequest('invalid_cursor', 'That page cursor is not valid; start from the first page.');
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  const { t, id, p } = (value ?? {}) as Partial<Position>;
  if (typeof t !== 'string' || !EXACT_TIME.test(t) || typeof id !== 'string' || !UUID.test(id)) throw invalid();
  if (p !== undefined && (typeof p !== 'number' || !Number.isInteger(p) || p < 0 || p > 9)) throw invalid();
  return { t, id, ...(p !== undefined ? { p } : {}) };
}
