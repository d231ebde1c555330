// Loads the crisis resources once at start-up: the built-in data, or the operator's CRISIS_RESOURCES_FILE merged
// over it. A missing or malformed file stops start-up with a message naming the variable.
import { readFile } from 'node:fs/promises';
import { BUILT_IN_CRISIS_RESOURCES, type CrisisResourceData, parseCrisisResourceOverride } from '@onward/domain';

const loaded = new Map<string, Promise<CrisisResourceData>>();

async function load(file: string): Promise<CrisisResourceData> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new Error(`CRISIS_RESOURCES_FILE: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(`CRISIS_RESOURCES_FILE: ${file} is not valid JSON`);
  }
  try {
    return parseCrisisResourceOverride(json);
  } catch (error) {
    throw new Error(`CRISIS_RESOURCES_FILE: ${file}: ${(error as Error).message}`);
  }
}

export function loadCrisisResourceData(file: string | undefined): Promise<CrisisResourceData> {
  if (!file) return Promise.resolve(BUILT_IN_CRISIS_RESOURCES);
  let pending = loaded.get(file);
  if (!pending) {
    pending = load(file);
    pending.catch(() => loaded.delete(file));
    loaded.set(file, pending);
  }
  return pending;
}
