// Crisis help per region: built-in data (US) and the shape check for an operator's override file. No I/O.
export interface CrisisResource {
  name: string;
  description: string;
  /** A number to call, as people dial it ("988", "1-800-662-4357"). */
  phone?: string;
  /** A number that takes text messages. */
  text?: string;
  url?: string;
}

export interface CrisisRegion {
  name: string;
  resources: CrisisResource[];
}

export type CrisisResourceData = Record<string, CrisisRegion>;

export const DEFAULT_CRISIS_REGION = 'US';

export const BUILT_IN_CRISIS_RESOURCES: CrisisResourceData = {
  US: {
    name: 'United States',
    resources: [
      {
        name: '988 Suicide & Crisis Lifeline',
        description: 'Call or text 988, any time, for support in a suicidal, mental health or substance use crisis.',
        phone: '988',
        text: '988',
        url: 'https://988lifeline.org',
      },
      {
        name: 'SAMHSA National Helpline',
        description: 'Free, confidential, 24/7 treatment referral and information, in English and Spanish.',
        phone: '1-800-662-4357',
        url: 'https://www.samhsa.gov/find-help/national-helpline',
      },
      {
        name: 'Emergency services',
        description: 'If you or someone else is in immediate danger, call 911.',
        phone: '911',
      },
    ],
  },
};

const REGION_CODE = /^[A-Z]{2}$/;
const RESOURCE_FIELDS = new Set(['name', 'description', 'phone', 'text', 'url']);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkText(value: unknown, where: string, problems: string[], optional: boolean): void {
  if (value === undefined && optional) return;
  if (typeof value !== 'string' || value.trim() === '' || value.length > 500) {
    problems.push(`${where} must be a non-empty string of at most 500 characters`);
  }
}

/**
 * Checks an override file's parsed JSON, `{ "regions": { "US": { "name", "resources": [...] } } }`, and merges it
 * over the built-in data (a region in the file replaces the built-in one). Throws an Error listing every problem.
 */
export function parseCrisisResourceOverride(input: unknown): CrisisResourceData {
  const problems: string[] = [];
  if (!isRecord(input) || !isRecord(input.regions)) {
    throw new Error('crisis resources: expected an object { "regions": { "<ISO country code>": { name, resources } } }');
  }
  const merged: CrisisResourceData = { ...BUILT_IN_CRISIS_RESOURCES };
  for (const [code, region] of Object.entries(input.regions)) {
    const where = `regions.${code}`;
    if (!REGION_CODE.test(code)) problems.push(`${where}: a region is a two-letter upper-case country code`);
    if (!isRecord(region)) {
      problems.push(`${where} must be an object with name and resources`);
      continue;
    }
    checkText(region.name, `${where}.name`, problems, false);
    if (!Array.isArray(region.resources) || region.resources.length === 0) {
      problems.push(`${where}.resources must be a non-empty array`);
      continue;
    }
    region.resources.forEach((resource: unknown, i: number) => {
      const at = `${where}.resources[${i}]`;
      if (!isRecord(resource)) {
        problems.push(`${at} must be an object`);
        return;
      }
      for (const key of Object.keys(resource)) if (!RESOURCE_FIELDS.has(key)) problems.push(`${at}: unknown field "${key}"`);
      checkText(resource.name, `${at}.name`, problems, false);
      checkText(resource.description, `${at}.description`, problems, false);
      checkText(resource.phone, `${at}.phone`, problems, true);
      checkText(resource.text, `${at}.text`, problems, true);
      checkText(resource.url, `${at}.url`, problems, true);
      if (typeof resource.url === 'string' && !/^https:\/\/\S+$/.test(resource.url)) problems.push(`${at}.url must be an https URL`);
      if (resource.phone === undefined && resource.text === undefined && resource.url === undefined) {
        problems.push(`${at} needs at least one of phone, text or url`);
      }
    });
    if (problems.length === 0) merged[code] = region as unknown as CrisisRegion;
  }
  if (problems.length > 0) throw new Error(`crisis resources:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  return merged;
}

/** The resources for a region; an unknown region gets the default region's, with a note saying so. */
export function crisisResourcesFor(data: CrisisResourceData, region: string | undefined) {
  const code = (region ?? DEFAULT_CRISIS_REGION).trim().toUpperCase();
  const found = data[code];
  if (found) return { region: code, name: found.name, resources: found.resources };
  const fallback = data[DEFAULT_CRISIS_REGION] ?? (BUILT_IN_CRISIS_RESOURCES[DEFAULT_CRISIS_REGION] as CrisisRegion);
  return {
    region: DEFAULT_CRISIS_REGION,
    name: fallback.name,
    resources: fallback.resources,
    note: `We do not have resources for "${code.slice(0, 10)}" yet, so these are for the ${fallback.name}. In an emergency, call your local emergency number.`,
  };
}
