// Queries of the review console: the queue, claims, decisions (each with its audit row in one transaction),
// unpublishing, the audit trail and the daily affirmation pick.
import { assertTransition, type Category, type VideoStatus } from '@onward/domain';
import { type Kysely, sql, type Transaction } from 'kysely';
import type { Db } from '../connection.ts';
import type { Database, ReviewDecision, ReviewDecisionKind } from '../schema.ts';

/** Keyset position in the queue: created_at with microsecond precision (as text) and id. */
export interface QueuePosition {
  createdAt: string;
  id: string;
}

/** Why a guarded change did not happen; the caller turns it into an error. */
export type DecisionRefusal = 'not_found' | 'illegal_transition' | 'claimed_by_other';

export type DecisionOutcome =
  | { ok: true; fromStatus: VideoStatus; toStatus: VideoStatus; decision: ReviewDecision }
  | { ok: false; refusal: DecisionRefusal; status?: VideoStatus };

export interface DecideInput {
  videoId: string;
  actorId: string;
  decision: 'approve' | 'request_changes' | 'reject';
  reason: string | null;
  /** approve only: the final category, warnings and featured flag (defaults: what the video has). */
  category?: Category;
  contentWarnings?: string[];
  featured?: boolean;
}

const DECISION_TARGET: Record<DecideInput['decision'], VideoStatus> = {
  approve: 'published',
  request_changes: 'changes_requested',
  reject: 'rejected',
};

/** Microsecond-exact text form of a timestamp, so a keyset cursor never skips or repeats a row. */
const exactTime = (column: string) => sql<string>`to_char(${sql.ref(column)} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/** Appends one audit row; review_decisions refuses UPDATE and DELETE (a trigger), so this is the only write. */
export async function insertDecision(
  trx: Kysely<Database> | Transaction<Database>,
  row: {
    videoId: string;
    actorId: string | null;
    decision: ReviewDecisionKind;
    reason: string | null;
    fromStatus: VideoStatus;
    toStatus: VideoStatus;
    details?: Record<string, unknown>;
  },
) {
  return trx
    .insertInto('review_decisions')
    .values({
      video_id: row.videoId,
      actor_id: row.actorId,
      decision: row.decision,
      reason: row.reason,
      from_status: row.fromStatus,
      to_status: row.toStatus,
      // pg serialises a plain object to JSON for the jsonb column
      details: row.details ?? {},
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function createReviewRepository(db: Db) {
  return {
    /** Videos in review, oldest first, with what a reviewer needs to pick one. */
    async listReviewQueue(options: { limit: number; after?: QueuePosition }) {
      let query = db
        .selectFrom('videos as v')
        .innerJoin('users as o', 'o.id', 'v.owner_id')
        .leftJoin('users as c', (join) =>
          join.onRef('c.id', '=', 'v.claimed_by').on('v.claim_expires_at', '>', sql<Date>`now()`),
        )
        .select([
          'v.id',
          'v.title',
          'v.category',
          'v.blur_faces',
          'v.disguise_voice',
          'v.content_warnings',
          'v.duration_ms',
          'v.created_at',
          'v.owner_id',
          'o.handle as owner_handle',
          'o.verified_professional as owner_verified_professional',
          'c.id as claimer_id',
          'c.handle as claimer_handle',
        ])
        .select([exactTime('v.created_at').as('position_time'), sql<Date | null>`case when c.id is null then null else v.claim_expires_at end`.as('claim_until')])
        .where('v.status', '=', 'in_review');
      if (options.after) {
        const { createdAt, id } = options.after;
        query = query.where(sql<boolean>`(v.created_at, v.id) > (${createdAt}::timestamptz, ${id}::uuid)`);
      }
      return query.orderBy('v.created_at', 'asc').orderBy('v.id', 'asc').limit(options.limit).execute();
    },

    /** One video with its owner and live claim, for the reviewer's detail view. */
    async findVideoForReview(videoId: string) {
      return db
        .selectFrom('videos as v')
        .innerJoin('users as o', 'o.id', 'v.owner_id')
        .leftJoin('users as c', (join) =>
          join.onRef('c.id', '=', 'v.claimed_by').on('v.claim_expires_at', '>', sql<Date>`now()`),
        )
        .selectAll('v')
        .select([
          'o.handle as owner_handle',
          'o.verified_professional as owner_verified_professional',
          'c.id as claimer_id',
          'c.handle as claimer_handle',
        ])
        .where('v.id', '=', videoId)
        .executeTakeFirst();
    },

    /**
     * Claims a clip in review for `reviewerId` for `seconds` (or renews the reviewer's own claim). One guarded
     * UPDATE: of two concurrent claims exactly one matches. Returns the new expiry, or undefined.
     */
    async claimForReview(videoId: string, reviewerId: string, seconds: number): Promise<Date | undefined> {
      const row = await db
        .updateTable('videos')
        .set({ claimed_by: reviewerId, claim_expires_at: sql<Date>`now() + make_interval(secs => ${seconds})` })
        .where('id', '=', videoId)
        .where('status', '=', 'in_review')
        .where((eb) =>
          eb.or([
            eb('claimed_by', 'is', null),
            eb('claim_expires_at', '<', sql<Date>`now()`),
            eb('claimed_by', '=', reviewerId),
          ]),
        )
        .returning('claim_expires_at')
        .executeTakeFirst();
      return row?.claim_expires_at ?? undefined;
    },

    /** Releases a claim held by `reviewerId` (any claim when `anyClaimer`, for admins). True when one was released. */
    async releaseClaim(videoId: string, reviewerId: string, anyClaimer = false): Promise<boolean> {
      let query = db.updateTable('videos').set({ claimed_by: null, claim_expires_at: null }).where('id', '=', videoId).where('claimed_by', 'is not', null);
      if (!anyClaimer) query = query.where('claimed_by', '=', reviewerId);
      const result = await query.executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },

    /**
     * Decides on a video in review: the guarded status change and its audit row in ONE transaction. On approve,
     * the video gets the next feed slot of its category (serialised per category by an advisory lock).
     * A live claim by someone else, or a video no longer in review, changes nothing and writes no audit row.
     */
    async decideVideo(input: DecideInput): Promise<DecisionOutcome> {
      const to = DECISION_TARGET[input.decision];
      assertTransition('in_review', to);
      return db.transaction().execute(async (trx): Promise<DecisionOutcome> => {
        const current = await trx
          .selectFrom('videos')
          .select(['status', 'category', 'content_warnings', 'featured', 'claimed_by'])
          .select(sql<boolean>`claimed_by is not null and claim_expires_at >= now()`.as('claim_live'))
          .where('id', '=', input.videoId)
          .forUpdate()
          .executeTakeFirst();
        if (!current) return { ok: false, refusal: 'not_found' };
        if (current.status !== 'in_review') return { ok: false, refusal: 'illegal_transition', status: current.status };
        if (current.claim_live && current.claimed_by !== input.actorId) return { ok: false, refusal: 'claimed_by_other' };

        let details: Record<string, unknown> = {};
        let changes: Record<string, unknown> = { review_reason: input.reason };
        if (input.decision === 'approve') {
          const category = input.category ?? current.category;
          const contentWarnings = input.contentWarnings ?? current.content_warnings;
          const featured = input.featured ?? false;
          await sql`select pg_advisory_xact_lock(hashtext(${`onward.feed_slot.${category}`}))`.execute(trx);
          const slot = await trx
            .selectFrom('videos')
            .select(sql<string>`coalesce(max(feed_slot), 0) + 1`.as('next'))
            .where('category', '=', category)
            .executeTakeFirstOrThrow();
          changes = {
            review_reason: null,
            category,
            content_warnings: contentWarnings,
            featured,
            feed_slot: slot.next,
            published_at: sql<Date>`now()`,
          };
          details = { category, contentWarnings, featured, feedSlot: Number(slot.next) };
        }
        const updated = await trx
          .updateTable('videos')
          .set({ ...changes, status: to, claimed_by: null, claim_expires_at: null })
          .where('id', '=', input.videoId)
          .where('status', '=', 'in_review')
          .executeTakeFirst();
        if (updated.numUpdatedRows === 0n) return { ok: false, refusal: 'illegal_transition' };
        const decision = await insertDecision(trx, {
          videoId: input.videoId,
          actorId: input.actorId,
          decision: input.decision,
          reason: input.reason,
          fromStatus: 'in_review',
          toStatus: to,
          details,
        });
        return { ok: true, fromStatus: 'in_review', toStatus: to, decision };
      });
    },

    /** published -> in_review, audited as 'unpublish', in one transaction. */
    async unpublishVideo(input: { videoId: string; actorId: string; reason: string }): Promise<DecisionOutcome> {
      assertTransition('published', 'in_review');
      return db.transaction().execute(async (trx): Promise<DecisionOutcome> => {
        const updated = await trx
          .updateTable('videos')
          .set({ status: 'in_review', review_reason: input.reason, published_at: null, feed_slot: null, featured: false, claimed_by: null, claim_expires_at: null })
          .where('id', '=', input.videoId)
          .where('status', '=', 'published')
          .executeTakeFirst();
        if (updated.numUpdatedRows === 0n) return { ok: false, refusal: 'illegal_transition' };
        const decision = await insertDecision(trx, {
          videoId: input.videoId,
          actorId: input.actorId,
          decision: 'unpublish',
          reason: input.reason,
          fromStatus: 'published',
          toStatus: 'in_review',
        });
        return { ok: true, fromStatus: 'published', toStatus: 'in_review', decision };
      });
    },

    /** The audit trail of one video, oldest first, with the actor's handle when the account still exists. */
    async listDecisions(videoId: string) {
      return db
        .selectFrom('review_decisions as d')
        .leftJoin('users as u', 'u.id', 'd.actor_id')
        .selectAll('d')
        .select('u.handle as actor_handle')
        .where('d.video_id', '=', videoId)
        .orderBy('d.id', 'asc')
        .execute();
    },

    /** Sets (or replaces) the affirmation of a day. */
    async setDailyAffirmation(day: string, videoId: string, chosenBy: string) {
      return db
        .insertInto('daily_affirmations')
        .values({ day, video_id: videoId, chosen_by: chosenBy })
        .onConflict((oc) => oc.column('day').doUpdateSet({ video_id: videoId, chosen_by: chosenBy }))
        .returning([sql<string>`to_char(day, 'YYYY-MM-DD')`.as('day'), 'video_id', 'chosen_by'])
        .executeTakeFirstOrThrow();
    },
  };
}

export type ReviewRepository = ReturnType<typeof createReviewRepository>;
