import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { closeFd, openOsPipe, writeFully } from '../os-pipe.ts';
import { parseY4mHeader, readY4mFrames, readY4mFramesFromFd, type Y4mHeader, yuv420FrameBytes } from './y4m.ts';

function stream(chunks: Buffer[]): Readable {
  return Readable.from(chunks, { objectMode: false });
}

function y4m(width: number, height: number, frames: number, extra = ''): Buffer {
  const size = yuv420FrameBytes(width, height);
  const parts = [Buffer.from(`YUV4MPEG2 W${width} H${height} F30:1 Ip A1:1 C420jpeg${extra}\n`)];
  for (let i = 0; i < frames; i++) parts.push(Buffer.from('FRAME\n'), Buffer.alloc(size, i + 1));
  return Buffer.concat(parts);
}

async function collect(source: Readable) {
  let header: Y4mHeader | null = null;
  const frames = [];
  for await (const frame of readY4mFrames(source, (h) => (header = h))) frames.push(frame);
  return { header: header as Y4mHeader | null, frames };
}

describe('y4m', () => {
  it('parses the header ffmpeg writes, keeping the line for the encoder', () => {
    const h = parseY4mHeader('YUV4MPEG2 W1080 H1920 F30000:1001 Ip A1:1 C420jpeg XYSCSS=420JPEG');
    expect(h).toMatchObject({ width: 1080, height: 1920, rateNum: 30000, rateDen: 1001 });
    expect(h.line).toContain('XYSCSS');
    expect(() => parseY4mHeader('YUV4MPEG2 W2 H2 F30:1 C444')).toThrow(/4:2:0/);
    expect(() => parseY4mHeader('RIFF')).toThrow(/YUV4MPEG2/);
    expect(() => parseY4mHeader('YUV4MPEG2 W0 H2 F30:1')).toThrow(/incomplete/);
  });

  it('sizes odd frames with rounded-up chroma', () => {
    expect(yuv420FrameBytes(4, 2)).toBe(8 + 2 * 2);
    expect(yuv420FrameBytes(5, 3)).toBe(15 + 2 * 3 * 2);
  });

  it('splits frames whatever the chunking, in order, each its own buffer', async () => {
    const bytes = y4m(6, 4, 5);
    for (const chunkSize of [1, 7, 36, 1000, bytes.length]) {
      const chunks: Buffer[] = [];
      for (let at = 0; at < bytes.length; at += chunkSize) chunks.push(bytes.subarray(at, at + chunkSize));
      const { header, frames } = await collect(stream(chunks));
      expect(header?.width).toBe(6);
      expect(frames.map((f) => f.index)).toEqual([0, 1, 2, 3, 4]);
      expect(frames.map((f) => f.data[0])).toEqual([1, 2, 3, 4, 5]);
      expect(new Set(frames.map((f) => f.data)).size).toBe(5);
    }
  });

  it('refuses a stream cut inside a frame, a missing FRAME tag, and an empty stream', async () => {
    const bytes = y4m(6, 4, 2);
    await expect(collect(stream([bytes.subarray(0, bytes.length - 3)]))).rejects.toThrow(/inside frame 1/);
    const broken = Buffer.from(bytes);
    broken.write('FRAMX', bytes.indexOf('FRAME'));
    await expect(collect(stream([broken]))).rejects.toThrow(/expected FRAME/);
    await expect(collect(stream([]))).rejects.toThrow(/no header/);
  });

  describe('from a pipe', () => {
    /** Writes `bytes` into a fresh kernel pipe (in the background) and reads frames from it, copying each. */
    async function fromPipe(bytes: Buffer) {
      const pipe = openOsPipe();
      if (!pipe) throw new Error('kernel pipes are expected on Linux');
      const writer = writeFully(pipe.writeFd, bytes).finally(() => closeFd(pipe.writeFd));
      let header: Y4mHeader | null = null;
      const frames: Array<{ index: number; data: Buffer; buffer: ArrayBufferLike }> = [];
      try {
        for await (const frame of readY4mFramesFromFd(pipe.readFd, (h) => (header = h))) {
          frames.push({ index: frame.index, data: Buffer.from(frame.data), buffer: frame.data.buffer });
        }
        return { header: header as Y4mHeader | null, frames };
      } finally {
        await writer.catch(() => {});
        await closeFd(pipe.readFd);
      }
    }

    it('reads the header and whole frames (larger than the pipe), in order, into one reused buffer', async () => {
      const width = 1280;
      const height = 720; // 1.4 MB a frame: more than the pipe holds
      const { header, frames } = await fromPipe(y4m(width, height, 3));
      expect(header).toMatchObject({ width, height, rateNum: 30, rateDen: 1 });
      expect(frames.map((f) => f.index)).toEqual([0, 1, 2]);
      for (const [i, f] of frames.entries()) {
        expect(f.data.length).toBe(yuv420FrameBytes(width, height));
        expect(f.data.every((v) => v === i + 1)).toBe(true);
      }
      expect(new Set(frames.map((f) => f.buffer)).size).toBe(1);
    });

    it('reads nothing past the header line before it knows the frame size, and odd sizes', async () => {
      const { header, frames } = await fromPipe(y4m(5, 3, 2));
      expect(header).toMatchObject({ width: 5, height: 3 });
      expect(frames.map((f) => f.data.length)).toEqual([yuv420FrameBytes(5, 3), yuv420FrameBytes(5, 3)]);
      expect(frames[1]?.data.every((v) => v === 2)).toBe(true);
    });

    it('refuses a stream cut inside a frame, a frame line with parameters, an empty stream and an endless header', async () => {
      const whole = y4m(4, 4, 2);
      await expect(fromPipe(whole.subarray(0, whole.length - 5))).rejects.toThrow(/ended inside frame 1/);
      const withParameters = Buffer.from(whole.toString('latin1').replace('FRAME\n', 'FRAME Ib\n'), 'latin1');
      await expect(fromPipe(withParameters)).rejects.toThrow(/plain FRAME line before frame 0/);
      await expect(fromPipe(Buffer.alloc(0))).rejects.toThrow(/no header/);
      await expect(fromPipe(Buffer.alloc(4096, 0x41))).rejects.toThrow(/header too long/);
    });
  });
});
