// BlazeFace's graph run directly through tfjs on the WebAssembly backend (no human in between), fully
// convolutionally on inputs of any size. The graph and the .wasm binaries are read from the installed npm packages
// (human's models/ folder, tfjs-backend-wasm's dist/); nothing is fetched. The graph's fixed input shape
// [1,256,256,3] and its four output reshapes ([1,N,k]) are relaxed to [-1,-1,-1,3] and [-1,k] at load time.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { BLAZEFACE_HEADS, type BlazeFaceBox, type BlazeFaceHead, decodeBlazeFace } from './blazeface-decode.ts';

export interface Tensor {
  shape: number[];
  dataSync(): Float32Array | Int32Array;
  dispose(): void;
}
export interface TfCore {
  setBackend(name: string): Promise<boolean>;
  ready(): Promise<void>;
  getBackend(): string;
  tensor(values: Float32Array, shape: number[], dtype: 'float32'): Tensor;
  tensor1d(values: number[], dtype: 'int32'): Tensor;
  io: { fromMemory(artifacts: Record<string, unknown>): unknown };
  env(): { getAsync(flag: string): Promise<unknown>; set(flag: string, value: unknown): void };
}
export interface GraphModel {
  weights: Record<string, Tensor[]>;
  execute(input: Tensor, outputs: string[]): Tensor[];
  dispose(): void;
}
interface TfConverter {
  loadGraphModel(handler: unknown): Promise<GraphModel>;
}
interface TfWasm {
  setWasmPaths(prefix: string): void;
  setThreadsCount(n: number): void;
}
export interface ModelJson {
  format?: string;
  modelTopology: { node: { op: string; name: string; attr?: { shape?: { shape?: { dim: { size: string }[] } } } }[] };
  weightsManifest: { paths: string[]; weights: unknown[] }[];
}

const require = createRequire(import.meta.url);

/** Folders of the installed packages (resolved through Node's module resolution, never a URL). */
export function packagedModelPaths(): { modelsDir: string; wasmDir: string } {
  // human's package.json "exports" only maps the package root (to dist/human.node.js); go up to the package folder
  const humanRoot = dirname(dirname(require.resolve('@vladmandic/human')));
  return { modelsDir: join(humanRoot, 'models'), wasmDir: `${dirname(require.resolve('@tensorflow/tfjs-backend-wasm'))}/` };
}

// output names of the graph: classifier and regressor of the stride-16 head, then of the stride-32 head
const OUTPUTS = ['Identity', 'Identity_2', 'Identity_1', 'Identity_3'];

export interface BlazeFaceModel {
  /**
   * Runs the graph on a [height, width, 3] input normalised to [-1, 1] and returns the boxes (input pixels) of every
   * anchor scoring at least minScore, before non-max suppression. Synchronous: run it off the main thread.
   */
  run(input: Float32Array, width: number, height: number, minScore: number): BlazeFaceBox[];
  /** The same for `count` inputs of one size stacked in `inputs` (one graph call): one box list per input. */
  runBatch(inputs: Float32Array, count: number, width: number, height: number, minScore: number): BlazeFaceBox[][];
  dispose(): void;
}

let backendReady: Promise<TfCore> | null = null;

async function wasmBackend(): Promise<TfCore> {
  const tf = require('@tensorflow/tfjs-core') as TfCore;
  const wasm = require('@tensorflow/tfjs-backend-wasm') as TfWasm;
  wasm.setWasmPaths(packagedModelPaths().wasmDir);
  // one thread: the wasm backend's own threads need cross-origin isolation (browsers) and are not used by Node;
  // parallelism comes from running detectors in separate worker threads instead
  wasm.setThreadsCount(1);
  if (!(await tf.setBackend('wasm'))) throw new Error('face detector: the tfjs wasm backend failed to start');
  await tf.ready();
  return tf;
}

/** The tfjs core on the wasm backend (started once per thread) and a graph read from an installed package's files. */
export async function loadPackagedGraph(modelFile: string, patch?: (json: ModelJson) => void): Promise<{ tf: TfCore; model: GraphModel }> {
  backendReady ??= wasmBackend().catch((error: unknown) => {
    backendReady = null;
    throw error;
  });
  const tf = await backendReady;
  const converter = require('@tensorflow/tfjs-converter') as TfConverter;
  const json = JSON.parse(await readFile(modelFile, 'utf8')) as ModelJson;
  patch?.(json);
  const parts: Buffer[] = [];
  for (const group of json.weightsManifest) for (const file of group.paths) parts.push(await readFile(join(dirname(modelFile), file)));
  const weights = Buffer.concat(parts);
  const model = await converter.loadGraphModel(
    tf.io.fromMemory({
      modelTopology: json.modelTopology,
      weightSpecs: json.weightsManifest.flatMap((g) => g.weights),
      weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength),
      format: json.format,
    }),
  );
  return { tf, model };
}

export async function loadBlazeFace(): Promise<BlazeFaceModel> {
  const { tf, model } = await loadPackagedGraph(join(packagedModelPaths().modelsDir, 'blazeface.json'), (json) => {
    for (const node of json.modelTopology.node) {
      if (node.op === 'Placeholder' && node.attr?.shape?.shape) node.attr.shape.shape.dim = [{ size: '-1' }, { size: '-1' }, { size: '-1' }, { size: '3' }];
    }
  });
  let reshapes = 0;
  for (const [name, [shape]] of Object.entries(model.weights)) {
    if (!name.endsWith('/shape') || !shape) continue;
    const dims = Array.from(shape.dataSync());
    if (dims.length !== 3 || dims[0] !== 1) throw new Error(`face detector: unexpected reshape ${name} ${dims.join('x')}`);
    model.weights[name] = [tf.tensor1d([-1, dims[2] as number], 'int32')];
    shape.dispose();
    reshapes++;
  }
  if (reshapes !== 4) throw new Error(`face detector: expected 4 output reshapes in blazeface.json, found ${reshapes}`);

  function runBatch(inputs: Float32Array, count: number, width: number, height: number, minScore: number): BlazeFaceBox[][] {
    if (!(Number.isInteger(count) && count >= 1)) throw new RangeError(`batch size must be a positive integer, got ${count}`);
    if (inputs.length !== count * width * height * 3) throw new RangeError(`expected ${count}x${width}x${height}x3 values, got ${inputs.length}`);
    const x = tf.tensor(inputs, [count, height, width, 3], 'float32');
    let outputs: Tensor[] = [];
    try {
      outputs = model.execute(x, OUTPUTS);
      const data = outputs.map((t) => t.dataSync() as Float32Array);
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
    } finally {
      x.dispose();
      for (const t of outputs) t.dispose();
    }
  }

  return {
    run: (input, width, height, minScore) => runBatch(input, 1, width, height, minScore)[0] as BlazeFaceBox[],
    runBatch,
    dispose() {
      model.dispose();
    },
  };
}
