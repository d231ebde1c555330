// A feed row as clients see it: public media URLs, milestone labels, the creator's public profile. No counts of
// views, likes or followers exist here by design.
import type { Config } from '@onward/config';
import type { FeedItem } from '@onward/contract';
import type { FeedRow } from '@onward/db';
import { daysSober, milestoneLabel } from '@onward/domain';
import { publicMediaUrl } from '../videos/media-urls.ts';
import type { FeedKey } from './ordering.ts';

export function toFeedItem(config: Config, row: FeedRow, today: string, withViewer: boolean): FeedItem {
  const sober = row.shared_sobriety_date === null ? null : daysSober(row.shared_sobriety_date, today);
  return {
    id: row.id,
    title: row.title,
    description: row.description,
    category: row.category,
    milestone: row.milestone_days === null ? null : { days: row.milestone_days, label: milestoneLabel(row.milestone_days) },
    contentWarnings: row.content_warnings as FeedItem['contentWarnings'],
    creator: {
      handle: row.handle,
      verifiedProfessional: row.verified_professional,
      ...(sober === null ? {} : { sober: { days: sober, label: milestoneLabel(sober) } }),
    },
    durationMs: row.duration_ms,
    width: row.width,
    height: row.height,
    posterUrl: publicMediaUrl(config, row.id, 'poster.jpg'),
    masterUrl: publicMediaUrl(config, row.id, 'hls/master.m3u8'),
    publishedAt: row.published_at.toISOString(),
    ...(withViewer ? { myReactions: (row.my_reactions ?? []) as NonNullable<FeedItem['myReactions']> } : {}),
  };
}

export function feedKeyOf(row: FeedRow): FeedKey {
  return { featured: row.featured, slot: row.feed_slot, category: row.category, id: row.id };
}
