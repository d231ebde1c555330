// HTTP Range requests for media files: pure. One range per request (what players send); anything the server
// may ignore under RFC 9110 (several ranges, other units, bad syntax) is ignored and the whole file is sent.

export type RequestedRange =
  | { kind: 'from'; start: number; end?: number }
  /** The last `length` bytes. */
  | { kind: 'suffix'; length: number };

const SINGLE = /^bytes=(\d{0,15})-(\d{0,15})$/;

/** The requested range, or undefined when the header is absent or to be ignored. */
export function parseRangeHeader(header: string | undefined): RequestedRange | undefined {
  if (header === undefined) return undefined;
  const m = SINGLE.exec(header.trim().replace(/\s+/g, ''));
  if (!m) return undefined;
  const [, first = '', last = ''] = m;
  if (first === '' && last === '') return undefined;
  if (first === '') {
    const length = Number(last);
    return length > 0 ? { kind: 'suffix', length } : undefined;
  }
  const start = Number(first);
  if (last === '') return { kind: 'from', start };
  const end = Number(last);
  return end >= start ? { kind: 'from', start, end } : undefined;
}

/** A suffix range turned into first..last bytes of a file of `size` bytes. */
export function suffixToOffsets(length: number, size: number): { start: number; end: number } {
  return { start: Math.max(0, size - length), end: size - 1 };
}
