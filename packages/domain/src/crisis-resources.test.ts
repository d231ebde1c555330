import { describe, expect, it } from 'vitest';
import { BUILT_IN_CRISIS_RESOURCES, crisisResourcesFor, parseCrisisResourceOverride } from './crisis-resources.ts';

describe('crisis resources', () => {
  it('has the US lines built in: 988, SAMHSA, 911', () => {
    const us = crisisResourcesFor(BUILT_IN_CRISIS_RESOURCES, 'us');
    expect(us.region).toBe('US');
    expect(us.resources.map((r) => r.phone)).toEqual(['988', '1-800-662-4357', '911']);
    expect(us).not.toHaveProperty('note');
  });

  it('answers an unknown region with the default and a note', () => {
    const other = crisisResourcesFor(BUILT_IN_CRISIS_RESOURCES, 'ZZ');
    expect(other.region).toBe('US');
    expect(other.note).toMatch(/ZZ/);
  });

  it('merges a valid override over the built-in data', () => {
    const data = parseCrisisResourceOverride({
      regions: { GB: { name: 'United Kingdom', resources: [{ name: 'Samaritans', description: 'Call 116 123', phone: '116 123' }] } },
    });
    expect(crisisResourcesFor(data, 'GB').resources[0]?.name).toBe('Samaritans');
    expect(crisisResourcesFor(data, 'US').resources).toHaveLength(3);
  });

  it('refuses a malformed override, naming every problem', () => {
    expect(() => parseCrisisResourceOverride([])).toThrow(/regions/);
    expect(() =>
      parseCrisisResourceOverride({ regions: { gb: { name: '', resources: [{ name: 'x', description: 'y', url: 'http://a', fax: 1 }] } } }),
    ).toThrow(/two-letter[\s\S]*name[\s\S]*unknown field "fax"[\s\S]*https/);
    expect(() => parseCrisisResourceOverride({ regions: { GB: { name: 'UK', resources: [] } } })).toThrow(/non-empty array/);
  });
});
