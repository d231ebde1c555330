// What an uploader may say about a clip, validated once for every way a clip arrives (multipart, resumable, edit).
import { CATEGORIES, type Category } from './categories.ts';
import { badRequest } from './errors.ts';

export const CONTENT_WARNINGS = [
  'substance_use',
  'relapse',
  'grief',
  'self_harm',
  'violence',
  'strong_language',
  'medical',
] as const;
export type ContentWarning = (typeof CONTENT_WARNINGS)[number];

export const TITLE_MAX = 120;
export const DESCRIPTION_MAX = 2000;
export const MILESTONE_DAYS_MAX = 36_500;

export interface VideoMetadata {
  title: string;
  description: string;
  category: Category;
  milestoneDays: number | null;
  blurFaces: boolean;
  /** Pitch and formants shifted so the speaker is not recognisable (docs/voice-disguise.md). */
  disguiseVoice: boolean;
  contentWarnings: ContentWarning[];
}

/** Raw text fields as they come from a form or tus metadata; every value is a string. */
export type RawVideoFields = Partial<Record<string, string>>;

const KNOWN_FIELDS = new Set(['title', 'description', 'category', 'milestoneDays', 'blurFaces', 'disguiseVoice', 'contentWarnings']);

function parseBoolean(value: string | undefined, field: string): boolean {
  if (value === undefined || value === '') return false;
  if (['true', '1', 'on', 'yes'].includes(value)) return true;
  if (['false', '0', 'off', 'no'].includes(value)) return false;
  throw badRequest('invalid_field', `${field} must be true or false.`);
}

export function parseVideoMetadata(fields: RawVideoFields, ignore: ReadonlySet<string> = new Set()): VideoMetadata {
  for (const name of Object.keys(fields)) {
    if (!KNOWN_FIELDS.has(name) && !ignore.has(name)) throw badRequest('unknown_field', `Unknown field "${name}".`);
  }
  const title = (fields.title ?? '').trim();
  if (title.length === 0 || title.length > TITLE_MAX) {
    throw badRequest('invalid_title', `A title is 1 to ${TITLE_MAX} characters.`);
  }
  const description = (fields.description ?? '').trim();
  if (description.length > DESCRIPTION_MAX) {
    throw badRequest('invalid_description', `A description is at most ${DESCRIPTION_MAX} characters.`);
  }
  const category = fields.category as Category;
  if (!CATEGORIES.includes(category)) {
    throw badRequest('invalid_category', `The category must be one of ${CATEGORIES.join(', ')}.`);
  }
  let milestoneDays: number | null = null;
  if (fields.milestoneDays !== undefined && fields.milestoneDays !== '') {
    if (!/^\d{1,5}$/.test(fields.milestoneDays) || Number(fields.milestoneDays) > MILESTONE_DAYS_MAX) {
      throw badRequest('invalid_milestone', 'The milestone is a number of days sober, from 0 to 36500.');
    }
    milestoneDays = Number(fields.milestoneDays);
  }
  const warnings = (fields.contentWarnings ?? '')
    .split(',')
    .map((w) => w.trim())
    .filter(Boolean);
  for (const warning of warnings) {
    if (!(CONTENT_WARNINGS as readonly string[]).includes(warning)) {
      throw badRequest('invalid_content_warning', `Unknown content warning "${warning.slice(0, 40)}".`);
    }
  }
  return {
    title,
    description,
    category,
    milestoneDays,
    blurFaces: parseBoolean(fields.blurFaces, 'blurFaces'),
    disguiseVoice: parseBoolean(fields.disguiseVoice, 'disguiseVoice'),
    contentWarnings: [...new Set(warnings)] as ContentWarning[],
  };
}
