// A reviewer's reason is shown to the owner: required where the rules say so, 1-2000 characters after trimming.
import { REVIEW_REASON_MAX } from '@onward/contract';
import { badRequest } from '@onward/domain';

export function requireReason(raw: string | undefined): string {
  const reason = (raw ?? '').trim();
  if (reason.length === 0) throw badRequest('reason_required', 'Give a reason: the owner will read it.');
  if (reason.length > REVIEW_REASON_MAX) {
    throw badRequest('reason_too_long', `A reason is at most ${REVIEW_REASON_MAX} characters.`);
  }
  return reason;
}

/** An optional reason (e.g. with an approval): empty means none, but a long one is still refused. */
export function optionalReason(raw: string | undefined): string | null {
  if (raw === undefined || raw.trim() === '') return null;
  return requireReason(raw);
}
