// The one mapping from review rows to what reviewers see.
import type { ReviewAuditEntry as Audit, ReviewClaim as Claim } from '@onward/contract';
import type { ReviewDecision } from '@onward/db';

export function toClaim(row: { claimer_id: string | null; claimer_handle: string | null; claim_expires_at: Date | null }): Claim | null {
  if (!row.claimer_id || !row.claimer_handle || !row.claim_expires_at) return null;
  return { reviewerId: row.claimer_id, reviewerHandle: row.claimer_handle, until: row.claim_expires_at.toISOString() };
}

export function toAuditEntry(row: ReviewDecision & { actor_handle?: string | null }): Audit {
  return {
    id: String(row.id),
    decision: row.decision,
    actorId: row.actor_id,
    actorHandle: row.actor_handle ?? null,
    reason: row.reason,
    fromStatus: row.from_status,
    toStatus: row.to_status,
    details: row.details,
    createdAt: row.created_at.toISOString(),
  };
}
