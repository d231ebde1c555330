// The owner's choice of faces as the form posts it: one `visible` checkbox value (a track id) per face that is theirs.

/** As many as the API takes in one choice (ChooseFacesBody: maxItems 100, ids 1-100000). */
export const MAX_VISIBLE_FACES = 100;
const MAX_TRACK_ID = 100_000;

/** The checked track ids in the order given, each once; null when a value is not a track id (a tampered form). */
export function parseVisibleFaces(values: readonly FormDataEntryValue[]): number[] | null {
  const ids = new Set<number>();
  for (const value of values) {
    if (typeof value !== 'string' || !/^[1-9][0-9]{0,5}$/.test(value)) return null;
    const id = Number(value);
    if (id > MAX_TRACK_ID) return null;
    ids.add(id);
  }
  return ids.size > MAX_VISIBLE_FACES ? null : [...ids];
}
