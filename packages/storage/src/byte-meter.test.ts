import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ByteMeter } from './byte-meter.ts';

const sink = () => new Writable({ write: (_chunk, _enc, cb) => cb() });
const chunks = (n: number, size: number) => Readable.from(Array.from({ length: n }, () => Buffer.alloc(size)));

describe('ByteMeter', () => {
  it('counts bytes', async () => {
    const meter = new ByteMeter();
    await pipeline(chunks(3, 100), meter, sink());
    expect(meter.bytes).toBe(300);
  });

  it('fails once maxBytes is crossed', async () => {
    const meter = new ByteMeter({ maxBytes: 250, onLimit: (kind) => new Error(kind) });
    await expect(pipeline(chunks(3, 100), meter, sink())).rejects.toThrow('too_large');
  });

  it('allows exactly maxBytes', async () => {
    await expect(pipeline(chunks(3, 100), new ByteMeter({ maxBytes: 300 }), sink())).resolves.toBeUndefined();
  });

  it('enforces an expected length both ways', async () => {
    const short = new ByteMeter({ expectedBytes: 301, onLimit: (kind) => new Error(kind) });
    await expect(pipeline(chunks(3, 100), short, sink())).rejects.toThrow('too_small');
    const long = new ByteMeter({ expectedBytes: 299, onLimit: (kind) => new Error(kind) });
    await expect(pipeline(chunks(3, 100), long, sink())).rejects.toThrow('too_large');
    await expect(pipeline(chunks(3, 100), new ByteMeter({ expectedBytes: 300 }), sink())).resolves.toBeUndefined();
  });
});
