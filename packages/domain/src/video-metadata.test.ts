import { describe, expect, it } from 'vitest';
import { AppError } from './errors.ts';
import { parseVideoMetadata } from './video-metadata.ts';

const codeOf = (fields: Record<string, string>) => {
  try {
    parseVideoMetadata(fields);
    return undefined;
  } catch (error) {
    return error instanceof AppError ? error.code : 'unexpected';
  }
};

describe('parseVideoMetadata', () => {
  it('parses a complete milestone clip', () => {
    expect(
      parseVideoMetadata({
        title: ' 90 days today ',
        category: 'milestone',
        milestoneDays: '90',
        blurFaces: 'true',
        disguiseVoice: 'yes',
        contentWarnings: 'substance_use, relapse,relapse',
      }),
    ).toEqual({
      title: '90 days today',
      description: '',
      category: 'milestone',
      milestoneDays: 90,
      blurFaces: true,
      disguiseVoice: true,
      contentWarnings: ['substance_use', 'relapse'],
    });
  });

  it('refuses each bad field with its own code', () => {
    expect(codeOf({ category: 'milestone' })).toBe('invalid_title');
    expect(codeOf({ title: 'x'.repeat(121), category: 'milestone' })).toBe('invalid_title');
    expect(codeOf({ title: 'x', category: 'gossip' })).toBe('invalid_category');
    expect(codeOf({ title: 'x', category: 'milestone', milestoneDays: '-1' })).toBe('invalid_milestone');
    expect(codeOf({ title: 'x', category: 'milestone', milestoneDays: '99999' })).toBe('invalid_milestone');
    expect(codeOf({ title: 'x', category: 'milestone', blurFaces: 'perhaps' })).toBe('invalid_field');
    expect(codeOf({ title: 'x', category: 'milestone', disguiseVoice: 'a little' })).toBe('invalid_field');
    expect(codeOf({ title: 'x', category: 'milestone', contentWarnings: 'gore' })).toBe('invalid_content_warning');
    expect(codeOf({ title: 'x', category: 'milestone', description: 'y'.repeat(2001) })).toBe('invalid_description');
    expect(codeOf({ title: 'x', category: 'milestone', location: 'home' })).toBe('unknown_field');
  });
});
