// YUV4MPEG2 (y4m) streams between ffmpeg processes: the decoder writes decoded, autorotated yuv420p frames with a
// header that states their real size and rate, we change pixels, and the ladder encoder reads the same format.
// Only 4:2:0 8-bit is accepted (what we ask ffmpeg for); anything else is a programming error, not user input.
import type { Readable } from 'node:stream';
import { readFully } from '../os-pipe.ts';

export interface Y4mHeader {
  width: number;
  height: number;
  /** Frame rate as "num:den" in the header, e.g. 30:1 or 30000:1001. */
  rateNum: number;
  rateDen: number;
  /** The header line exactly as received (without the newline), written unchanged to the encoder. */
  line: string;
}

export interface YuvFrame {
  index: number;
  width: number;
  height: number;
  /** Y plane (width*height), then U and V (ceil(w/2)*ceil(h/2) each). */
  data: Buffer;
}

const MAX_HEADER_BYTES = 1024;
const FRAME_TAG = Buffer.from('FRAME');

export function yuv420FrameBytes(width: number, height: number): number {
  return width * height + 2 * Math.ceil(width / 2) * Math.ceil(height / 2);
}

export function parseY4mHeader(line: string): Y4mHeader {
  const parts = line.split(' ');
  if (parts[0] !== 'YUV4MPEG2') throw new Error(`y4m: not a YUV4MPEG2 stream (${line.slice(0, 40)})`);
  let width = 0;
  let height = 0;
  let rateNum = 0;
  let rateDen = 0;
  let colour = '420jpeg';
  for (const part of parts.slice(1)) {
    const tag = part[0];
    const value = part.slice(1);
    if (tag === 'W') width = Number(value);
    else if (tag === 'H') height = Number(value);
    else if (tag === 'F') [rateNum, rateDen] = value.split(':').map(Number) as [number, number];
    else if (tag === 'C') colour = value;
  }
  if (!(width > 0 && height > 0 && rateNum > 0 && rateDen > 0)) throw new Error(`y4m: incomplete header (${line})`);
  if (!colour.startsWith('420')) throw new Error(`y4m: only 4:2:0 8-bit is supported, got C${colour}`);
  return { width, height, rateNum, rateDen, line };
}

/**
 * Frames of a y4m byte stream, in order, one Buffer each (copied out of the stream's chunks). Backpressure is the
 * caller's: the stream is only read as fast as frames are taken.
 */
export async function* readY4mFrames(stream: Readable, onHeader: (header: Y4mHeader) => void): AsyncGenerator<YuvFrame> {
  let header: Y4mHeader | null = null;
  let pending: Buffer = Buffer.alloc(0);
  let frame: Buffer | null = null;
  let filled = 0;
  let index = 0;
  let frameBytes = 0;

  for await (const chunk of stream as AsyncIterable<Buffer>) {
    let data: Buffer = pending.length > 0 ? Buffer.concat([pending, chunk]) : chunk;
    pending = Buffer.alloc(0);
    let at = 0;
    while (at < data.length) {
      if (!header) {
        const end = data.indexOf(0x0a, at);
        if (end < 0) {
          if (data.length - at > MAX_HEADER_BYTES) throw new Error('y4m: header too long');
          pending = data.subarray(at);
          break;
        }
        header = parseY4mHeader(data.toString('latin1', at, end));
        frameBytes = yuv420FrameBytes(header.width, header.height);
        onHeader(header);
        at = end + 1;
        continue;
      }
      if (!frame) {
        // "FRAME" plus optional parameters up to a newline
        const end = data.indexOf(0x0a, at);
        if (end < 0) {
          if (data.length - at > MAX_HEADER_BYTES) throw new Error('y4m: frame header too long');
          pending = data.subarray(at);
          break;
        }
        if (!data.subarray(at, at + FRAME_TAG.length).equals(FRAME_TAG)) throw new Error('y4m: expected FRAME');
        at = end + 1;
        frame = Buffer.allocUnsafe(frameBytes);
        filled = 0;
        continue;
      }
      const take = Math.min(frameBytes - filled, data.length - at);
      data.copy(frame, filled, at, at + take);
      filled += take;
      at += take;
      if (filled === frameBytes) {
        yield { index: index++, width: header.width, height: header.height, data: frame };
        frame = null;
      }
    }
    data = Buffer.alloc(0);
  }
  if (!header) throw new Error('y4m: the decoder produced no header (no video frames)');
  if (frame) throw new Error(`y4m: stream ended inside frame ${index}`);
}

/**
 * Frames of a y4m stream read from a pipe (os-pipe.ts), a whole frame per read into one buffer that is reused: a
 * frame's data is valid only until the next frame is asked for. Frame headers must be a plain "FRAME" line, as
 * ffmpeg writes them.
 */
export async function* readY4mFramesFromFd(fd: number, onHeader: (header: Y4mHeader) => void): AsyncGenerator<YuvFrame> {
  const line = Buffer.alloc(MAX_HEADER_BYTES);
  let length = 0;
  // one byte at a time: nothing past the header line may be taken from the pipe before the frame size is known
  while (length === 0 || line[length - 1] !== 0x0a) {
    if (length === MAX_HEADER_BYTES) throw new Error('y4m: header too long');
    if ((await readFully(fd, line, length, 1)) === 0) throw new Error('y4m: the decoder produced no header (no video frames)');
    length++;
  }
  const header = parseY4mHeader(line.toString('latin1', 0, length - 1));
  onHeader(header);
  const marker = Y4M_FRAME_MARKER.length;
  const buffer = Buffer.allocUnsafe(marker + yuv420FrameBytes(header.width, header.height));
  for (let index = 0; ; index++) {
    const got = await readFully(fd, buffer, 0, buffer.length);
    if (got === 0) return;
    if (!buffer.subarray(0, marker).equals(Y4M_FRAME_MARKER)) throw new Error(`y4m: expected a plain FRAME line before frame ${index}`);
    if (got < buffer.length) throw new Error(`y4m: stream ended inside frame ${index}`);
    yield { index, width: header.width, height: header.height, data: buffer.subarray(marker) };
  }
}

export function y4mHeaderBytes(header: Y4mHeader): Buffer {
  return Buffer.from(`${header.line}\n`, 'latin1');
}

export const Y4M_FRAME_MARKER = Buffer.from('FRAME\n', 'latin1');
