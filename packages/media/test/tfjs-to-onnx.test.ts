// The converted models compute what the original tfjs graphs compute: human's BlazeFace and FaceMesh run through
// tfjs (WebAssembly backend, the graph as shipped) and through onnxruntime (converted in memory by tfjs-to-onnx.ts)
// on the same real pictures must give the same outputs, to float rounding. Plus the converter's refusals.
import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadPackagedModel, packagedModelsDir } from '../src/faces/blazeface-model.ts';
import { readWeights, type TfjsGraphJson, tfjsGraphToOnnx } from '../src/faces/tfjs-to-onnx.ts';

const require = createRequire(import.meta.url);
const fixtures = join(fileURLToPath(new URL('../../..', import.meta.url)), '..', 'shared', 'fixtures', 'faces');

interface Tensor {
  dataSync(): Float32Array;
  dispose(): void;
}
interface TfjsGraph {
  execute(input: Tensor, outputs: string[]): Tensor[] | Tensor;
}

/** The graph as shipped, on tfjs' wasm backend, with the batch/size made free (as the old loader did). */
async function tfjsGraph(name: string): Promise<{ run(input: Float32Array, shape: number[], outputs: string[]): Float32Array[] }> {
  const tf = require('@tensorflow/tfjs-core');
  const wasm = require('@tensorflow/tfjs-backend-wasm');
  const converter = require('@tensorflow/tfjs-converter');
  wasm.setWasmPaths(`${dirname(require.resolve('@tensorflow/tfjs-backend-wasm'))}/`);
  if (tf.getBackend() !== 'wasm') await tf.setBackend('wasm');
  await tf.ready();
  const file = join(packagedModelsDir(), `${name}.json`);
  const json = JSON.parse(await readFile(file, 'utf8'));
  for (const node of json.modelTopology.node) {
    if (node.op === 'Placeholder') node.attr.shape.shape.dim = [{ size: '-1' }, { size: '-1' }, { size: '-1' }, { size: '3' }];
  }
  const weights = Buffer.concat(await Promise.all(json.weightsManifest.flatMap((g: { paths: string[] }) => g.paths.map((p) => readFile(join(dirname(file), p))))));
  const model = await converter.loadGraphModel(
    tf.io.fromMemory({
      modelTopology: json.modelTopology,
      weightSpecs: json.weightsManifest.flatMap((g: { weights: unknown[] }) => g.weights),
      weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength),
    }),
  );
  // output reshapes [1, N, k] -> [-1, k], so that any input size works
  for (const [key, [shape]] of Object.entries(model.weights as Record<string, Tensor[]>)) {
    if (!key.endsWith('/shape') || !shape) continue;
    const dims = Array.from(shape.dataSync());
    model.weights[key] = [tf.tensor1d([-1, dims[dims.length - 1]], 'int32')];
  }
  return {
    run(input, shape, outputs) {
      const x = tf.tensor(input, shape, 'float32');
      const out = (model as TfjsGraph).execute(x, outputs);
      const list = Array.isArray(out) ? out : [out];
      const data = list.map((t) => Float32Array.from(t.dataSync()));
      x.dispose();
      for (const t of list) t.dispose();
      return data;
    },
  };
}

/** A fixture picture (optionally cropped first) scaled to width x height, as floats value * gain + bias (NHWC). */
function picture(name: string, width: number, height: number, gain: number, bias: number, crop?: string): Float32Array {
  const filter = `${crop ? `crop=${crop},` : ''}scale=${width}:${height}`;
  const raw = execFileSync('ffmpeg', ['-v', 'error', '-nostdin', '-i', join(fixtures, name), '-vf', filter, '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'], {
    maxBuffer: 1 << 26,
  });
  return Float32Array.from(raw, (v) => v * gain + bias);
}

const maxDifference = (a: Float32Array, b: Float32Array): number => {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs((a[i] as number) - (b[i] as number)));
  return max;
};

describe('tfjs-to-onnx on the shipped models', () => {
  it('BlazeFace: the same logits and box regressors as tfjs, on a non-square input and a batch', async () => {
    const outputs = ['Identity', 'Identity_2', 'Identity_1', 'Identity_3'];
    const reference = await tfjsGraph('blazeface');
    const converted = await loadPackagedModel('blazeface', 'input', outputs);
    // 320x192 (multiples of 32, portrait and landscape pictures) and a batch of two different pictures
    const single = picture('astronaut.png', 320, 192, 1 / 127.5, -1);
    const batch = new Float32Array(2 * 128 * 128 * 3);
    batch.set(picture('grace_hopper.jpg', 128, 128, 1 / 127.5, -1));
    batch.set(picture('chelsea.png', 128, 128, 1 / 127.5, -1), 128 * 128 * 3);
    for (const [input, shape] of [
      [single, [1, 192, 320, 3]],
      [batch, [2, 128, 128, 3]],
    ] as const) {
      const want = reference.run(input, [...shape], outputs);
      const got = await converted.run(input, shape[0], shape[2], shape[1]);
      for (const [i, name] of outputs.entries()) {
        const w = want[i] as Float32Array;
        // logits reach |20|, regressors |300|: float rounding only
        const scale = Math.max(1, ...Array.from(w, Math.abs));
        expect(maxDifference(got[i] as Float32Array, w) / scale, `${name} ${shape.join('x')}`).toBeLessThan(1e-4);
      }
    }
    // the astronaut's face is there (a logit well above 0), so the comparison is not between two empty answers
    expect(Math.max(...Array.from(reference.run(picture('astronaut.png', 128, 128, 1 / 127.5, -1), [1, 128, 128, 3], ['Identity'])[0] as Float32Array))).toBeGreaterThan(2);
    await converted.dispose();
  });

  it('FaceMesh (float16 weights): the same "face in view" score as tfjs for a face crop and for a cat', async () => {
    const reference = await tfjsGraph('facemesh');
    const converted = await loadPackagedModel('facemesh', 'input_1', ['Identity_1']);
    const input = new Float32Array(2 * 192 * 192 * 3);
    // the astronaut's face (about x 153..298, y 55..200 of 512x512) in a crop 1.4x its size, as face-check.ts feeds it
    input.set(picture('astronaut.png', 192, 192, 1 / 255, 0, '203:203:124:26'));
    input.set(picture('chelsea.png', 192, 192, 1 / 255, 0), 192 * 192 * 3);
    const want = reference.run(input, [2, 192, 192, 3], ['Identity_1'])[0] as Float32Array;
    const got = (await converted.run(input, 2, 192, 192))[0] as Float32Array;
    expect(got).toHaveLength(2);
    expect(maxDifference(got, want)).toBeLessThan(1e-3);
    expect(got[0]).toBeGreaterThan(0.5); // the astronaut's face
    expect(got[1]).toBeLessThan(0.5); // the cat
    await converted.dispose();
  });
});

describe('tfjs-to-onnx refusals', () => {
  const graph = (nodes: TfjsGraphJson['modelTopology']['node']): TfjsGraphJson => ({ modelTopology: { node: nodes }, weightsManifest: [{ paths: [], weights: [] }] });
  const placeholder = { name: 'x', op: 'Placeholder' };

  it('refuses an op outside the supported set rather than converting half a graph', () => {
    const json = graph([placeholder, { name: 'y', op: 'Softmax', input: ['x'] }, { name: 'out', op: 'Identity', input: ['y'] }]);
    expect(() => tfjsGraphToOnnx(json, new Uint8Array(0), { input: 'x', outputs: ['out'] })).toThrow(/op Softmax/);
  });

  it('refuses outputs that do not come from the input, and unknown nodes', () => {
    expect(() => tfjsGraphToOnnx(graph([placeholder]), new Uint8Array(0), { input: 'x', outputs: ['missing'] })).toThrow(/unknown node missing/);
  });

  it('decodes float16-quantised weights and refuses a weight file of the wrong length', () => {
    // 1.0, -2.0, 0.5 in IEEE half precision, little-endian
    const half = Uint8Array.from([0x00, 0x3c, 0x00, 0xc0, 0x00, 0x38]);
    const spec = { name: 'w', shape: [3], dtype: 'float32', quantization: { dtype: 'float16', original_dtype: 'float32' } };
    expect(Array.from(readWeights([spec], half).get('w')?.values ?? [])).toEqual([1, -2, 0.5]);
    expect(() => readWeights([spec], new Uint8Array(8))).toThrow(/6 bytes, the file has 8/);
    expect(() => readWeights([{ name: 'q', shape: [1], dtype: 'float32', quantization: { dtype: 'uint8' } }], new Uint8Array(1))).toThrow(/quantisation/);
  });
});
