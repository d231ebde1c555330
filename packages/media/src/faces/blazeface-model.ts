// BlazeFace (MediaPipe's face detector, from human's models/ folder) run natively by onnxruntime-node's CPU
// provider, fully convolutionally on inputs of any size. The tfjs graph and weights are read from the installed npm
// package and converted to ONNX in memory (tfjs-to-onnx.ts); nothing is fetched, and no other model file exists.
// Why a native runtime: ~4x faster than tfjs' WebAssembly backend on the same weights (docs/adr-006-native-face-runtime.md).
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { BLAZEFACE_HEADS, type BlazeFaceBox, type BlazeFaceHead, decodeBlazeFace } from './blazeface-decode.ts';
import { type TfjsGraphJson, tfjsGraphToOnnx } from './tfjs-to-onnx.ts';

const require = createRequire(import.meta.url);

/** human's models/ folder, resolved through Node's module resolution (never a URL). */
export function packagedModelsDir(): string {
  // human's package.json "exports" only maps the package root (to dist/human.node.js); go up to the package folder
  return join(dirname(dirname(require.resolve('@vladmandic/human'))), 'models');
}

export interface PackagedModel {
  /** Runs the graph on an NHWC float input [count, height, width, 3]; the requested outputs' data, in order. */
  run(input: Float32Array, count: number, width: number, height: number): Promise<Float32Array[]>;
  dispose(): Promise<void>;
}

/**
 * One of human's tfjs graph models (`<name>.json` + its weight files) as an onnxruntime session on one CPU thread:
 * parallelism comes from running one session per worker thread (frame-detector.ts).
 */
export async function loadPackagedModel(name: string, input: string, outputs: readonly string[]): Promise<PackagedModel> {
  const file = join(packagedModelsDir(), `${name}.json`);
  const json = JSON.parse(await readFile(file, 'utf8')) as TfjsGraphJson;
  const parts: Buffer[] = [];
  for (const group of json.weightsManifest) for (const path of group.paths) parts.push(await readFile(join(dirname(file), path)));
  const session = await ort.InferenceSession.create(tfjsGraphToOnnx(json, Buffer.concat(parts), { input, outputs }), {
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
  });
  const [inputName] = session.inputNames;
  if (!inputName) throw new Error(`face detector: ${name} has no input`);
  return {
    async run(data, count, width, height) {
      if (!(Number.isInteger(count) && count >= 1)) throw new RangeError(`batch size must be a positive integer, got ${count}`);
      if (data.length !== count * width * height * 3) throw new RangeError(`expected ${count}x${width}x${height}x3 values, got ${data.length}`);
      const result = await session.run({ [inputName]: new ort.Tensor('float32', data, [count, height, width, 3]) });
      return outputs.map((o) => {
        const tensor = result[o];
        if (!tensor || !(tensor.data instanceof Float32Array)) throw new Error(`face detector: ${name} gave no ${o}`);
        return tensor.data;
      });
    },
    dispose: () => session.release(),
  };
}

// output names of the graph: classifier and regressor of the stride-16 head, then of the stride-32 head
const OUTPUTS = ['Identity', 'Identity_2', 'Identity_1', 'Identity_3'];

export interface BlazeFaceModel {
  /**
   * Runs the graph on a [height, width, 3] input normalised to [-1, 1] and returns the boxes (input pixels) of every
   * anchor scoring at least minScore, before non-max suppression.
   */
  run(input: Float32Array, width: number, height: number, minScore: number): Promise<BlazeFaceBox[]>;
  /** The same for `count` inputs of one size stacked in `inputs` (one graph call): one box list per input. */
  runBatch(inputs: Float32Array, count: number, width: number, height: number, minScore: number): Promise<BlazeFaceBox[][]>;
  dispose(): Promise<void>;
}

export async function loadBlazeFace(): Promise<BlazeFaceModel> {
  const model = await loadPackagedModel('blazeface', 'input', OUTPUTS);

  async function runBatch(inputs: Float32Array, count: number, width: number, height: number, minScore: number): Promise<BlazeFaceBox[][]> {
    const data = await model.run(inputs, count, width, height);
    return Array.from({ length: count }, (_, b) => {
      const heads: BlazeFaceHead[] = BLAZEFACE_HEADS.map((head, i) => {
        // outputs are [count * anchors, k]: this input's rows
        const logits = data[2 * i] as Float32Array;
        const regressors = data[2 * i + 1] as Float32Array;
        const anchors = logits.length / count;
        return {
          ...head,
          logits: logits.subarray(b * anchors, (b + 1) * anchors),
          regressors: regressors.subarray(b * anchors * 16, (b + 1) * anchors * 16),
        };
      });
      return decodeBlazeFace(heads, width, height, minScore);
    });
  }

  return {
    run: async (input, width, height, minScore) => (await runBatch(input, 1, width, height, minScore))[0] as BlazeFaceBox[],
    runBatch,
    dispose: () => model.dispose(),
  };
}
