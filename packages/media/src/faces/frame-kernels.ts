// The detector's per-frame loops over every pixel of a decoded frame, in WebAssembly (frame-kernels.wat): the
// yuv420p -> RGB conversion and the area-averaging shrink to the finest pyramid level took ~60 ms of a frame's
// ~165 ms in JS; here ~15 ms. The results are bit for bit those of the JS reference (obscure.ts' yuv420ToRgb, then
// rgb-resize.ts' resizeArea), so what the detector sees does not change; the crops' shrinks run here too. One instance per thread, its
// memory reused frame after frame (~13 MB for a 1080x1920 frame); every call is synchronous, so frames
// detected concurrently in a thread never share it.
import { readFileSync } from 'node:fs';
import { axisWeights } from './area-weights.ts';
import { yuv420FrameBytes } from './y4m.ts';

// The few WebAssembly APIs used here (this project's TypeScript libs carry no WebAssembly types; Node has them all).
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: unknown };
}
const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

interface KernelExports {
  memory: WasmMemory;
  yuv420_to_rgb(src: number, width: number, height: number, dst: number, k: number, gain: number): void;
  resize_bytes(
    src: number,
    width: number,
    dstWidth: number,
    dstHeight: number,
    gain: number,
    bias: number,
    xStart: number,
    xCount: number,
    xOffset: number,
    xWeights: number,
    yStart: number,
    yCount: number,
    yOffset: number,
    yWeights: number,
    acc: number,
    dst: number,
  ): void;
}

export const FRAME_KERNELS_WASM = new URL('./frame-kernels.wasm', import.meta.url);

let compiled: object | undefined;

const PAGE = 65_536;
/** Offsets 16-byte aligned (the SIMD loads and stores). */
const aligned = (bytes: number): number => Math.ceil(bytes / 16) * 16;

export interface FrameKernels {
  /**
   * A yuv420p frame converted to RGB (brightened by `gain`) and shrunk by area averaging to dstWidth x dstHeight,
   * as BlazeFace input: equal to resizeToModelInput(yuv420ToRgb(yuv, width, height, undefined, gain), ...).
   */
  shrinkYuv(yuv: Uint8Array, width: number, height: number, gain: number, dstWidth: number, dstHeight: number): Float32Array;
  /** RGB24 bytes shrunk by area averaging, each value mapped by value * gain + bias: rgb-resize.ts' resizeArea. */
  shrinkRgb(rgb: Uint8Array, width: number, height: number, dstWidth: number, dstHeight: number, gain: number, bias: number): Float32Array;
}

export function checkShrink(width: number, height: number, dstWidth: number, dstHeight: number): void {
  if (!(Number.isInteger(dstWidth) && Number.isInteger(dstHeight) && dstWidth >= 1 && dstHeight >= 1 && dstWidth <= width && dstHeight <= height)) {
    throw new RangeError(`cannot resize ${width}x${height} to ${dstWidth}x${dstHeight}`);
  }
}

let own: FrameKernels | undefined;

/** This thread's kernels, made on first use (module state is per thread; calls are synchronous, so one is enough). */
export function threadKernels(): FrameKernels {
  own ??= createFrameKernels();
  return own;
}

export function createFrameKernels(): FrameKernels {
  compiled ??= new wasm.Module(readFileSync(FRAME_KERNELS_WASM));
  const kernels = new wasm.Instance(compiled).exports as KernelExports;
  const { memory } = kernels;

  /**
   * Lays out regions of these byte lengths one after the other (16-byte aligned) from offset 0, grows the memory to
   * hold them all, and returns their offsets. Views of the memory made before are stale after growing: none outlive
   * a call.
   */
  const place = (...lengths: number[]): number[] => {
    let next = 0;
    const offsets = lengths.map((length) => {
      const offset = next;
      next = aligned(offset + length);
      return offset;
    });
    const missing = next - memory.buffer.byteLength;
    if (missing > 0) memory.grow(Math.ceil(missing / PAGE));
    return offsets;
  };

  /** RGB24 bytes already at `src` shrunk into a new Float32Array (the weights, one row and the output placed after). */
  const shrinkPlaced = (src: number, end: number, width: number, height: number, dstWidth: number, dstHeight: number, gain: number, bias: number) => {
    const xw = axisWeights(width, dstWidth);
    const yw = axisWeights(height, dstHeight);
    const tables = [xw.start, xw.count, xw.offset, xw.weights, yw.start, yw.count, yw.offset, yw.weights];
    const outBytes = dstWidth * dstHeight * 3 * 4;
    const [, acc, dst, ...at] = place(end, width * 3 * 4, outBytes, ...tables.map((table) => table.byteLength)) as number[];
    const heap = new Uint8Array(memory.buffer);
    for (const [i, table] of tables.entries()) heap.set(new Uint8Array(table.buffer, table.byteOffset, table.byteLength), at[i] as number);
    const [xs, xc, xo, xwt, ys, yc, yo, ywt] = at as [number, number, number, number, number, number, number, number];
    kernels.resize_bytes(src, width, dstWidth, dstHeight, gain, bias, xs, xc, xo, xwt, ys, yc, yo, ywt, acc as number, dst as number);
    return new Float32Array(memory.buffer.slice(dst as number, (dst as number) + outBytes));
  };

  return {
    shrinkYuv(yuv, width, height, gain, dstWidth, dstHeight) {
      const size = yuv420FrameBytes(width, height);
      if (yuv.length !== size) throw new RangeError(`expected ${size} bytes of yuv420p ${width}x${height}, got ${yuv.length}`);
      checkShrink(width, height, dstWidth, dstHeight);
      // the planes, then their RGB (+ 4 bytes: the conversion writes 16 bytes for every 4 pixels)
      const [src, rgb] = place(size, width * height * 3 + 4) as [number, number];
      new Uint8Array(memory.buffer).set(yuv, src);
      // k as JS computes it in yuv420ToRgb: 1.164 * gain, then times (Y - 16)
      kernels.yuv420_to_rgb(src, width, height, rgb, 1.164 * gain, gain);
      return shrinkPlaced(rgb, rgb + width * height * 3 + 4, width, height, dstWidth, dstHeight, 1 / 127.5, -1);
    },
    shrinkRgb(rgb, width, height, dstWidth, dstHeight, gain, bias) {
      if (rgb.length !== width * height * 3) throw new RangeError(`expected ${width}x${height}x3 values, got ${rgb.length}`);
      checkShrink(width, height, dstWidth, dstHeight);
      const [src] = place(rgb.length) as [number];
      new Uint8Array(memory.buffer).set(rgb, src);
      return shrinkPlaced(src, src + rgb.length, width, height, dstWidth, dstHeight, gain, bias);
    },
  };
}
