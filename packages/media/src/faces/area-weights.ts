// Area averaging's weights along one axis, shared by the JS resize (rgb-resize.ts) and the WebAssembly one
// (frame-kernels.ts), which must agree bit for bit.

/** Per output index along one axis: the first source index, how many follow, and their weights (packed). */
export interface AxisWeights {
  start: Int32Array;
  count: Int32Array;
  offset: Int32Array;
  weights: Float32Array;
}

export function axisWeights(srcLength: number, dstLength: number): AxisWeights {
  const ratio = srcLength / dstLength;
  const start = new Int32Array(dstLength);
  const count = new Int32Array(dstLength);
  const offset = new Int32Array(dstLength);
  const packed: number[] = [];
  for (let i = 0; i < dstLength; i++) {
    const from = i * ratio;
    const to = Math.min(srcLength, (i + 1) * ratio);
    const first = Math.floor(from);
    const last = Math.min(srcLength - 1, Math.ceil(to) - 1);
    start[i] = first;
    offset[i] = packed.length;
    for (let s = first; s <= last; s++) packed.push((Math.min(to, s + 1) - Math.max(from, s)) / (to - from));
    count[i] = last - first + 1;
  }
  return { start, count, offset, weights: Float32Array.from(packed) };
}
