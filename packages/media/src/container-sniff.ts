// Recognises the first bytes of the two container families we accept, only to word an error well: a file that
// starts like an MP4 or WebM but cannot be opened is damaged; anything else is simply not a video we take.

const ISO_BMFF_BOXES = new Set(['ftyp', 'moov', 'mdat', 'free', 'skip', 'wide', 'pnot']);

export function looksLikeAcceptedContainer(head: Uint8Array): boolean {
  // EBML magic (Matroska / WebM).
  if (head[0] === 0x1a && head[1] === 0x45 && head[2] === 0xdf && head[3] === 0xa3) return true;
  if (head.length < 8) return false;
  const boxType = String.fromCharCode(head[4] ?? 0, head[5] ?? 0, head[6] ?? 0, head[7] ?? 0);
  return ISO_BMFF_BOXES.has(boxType);
}
