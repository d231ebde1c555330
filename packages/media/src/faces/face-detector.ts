// Offline face detection: @vladmandic/human's BlazeFace on the tfjs WebAssembly backend. The model weights
// (human's models/ folder) and the .wasm binaries (tfjs-backend-wasm's dist/) are read from the installed npm
// packages through the file system; nothing is fetched at run time. Model files are served to tfjs by a local
// `file://` load router (Node's fetch has no file: support, and human's loader would otherwise use fetch).
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { type FaceBox, type RgbFrame, type Tile, cropTile, mapToFrame, mergeBoxes, planTiles, wholeFrameTile } from './tiles.ts';

export type { FaceBox, RgbFrame } from './tiles.ts';

export interface FaceDetector {
  /** Faces in an RGB24 picture (width * height * 3 bytes), in its pixel coordinates. */
  detect(rgb: Uint8Array, width: number, height: number): Promise<FaceBox[]>;
  dispose(): void;
}

export interface FaceDetectorOptions {
  /** Minimum score (0..1) of the BlazeFace candidate and, when verifying, of FaceMesh's face score. Default 0.6. */
  minConfidence?: number;
  /** Most faces reported per detect() call (per tile when tiling). */
  maxDetected?: number;
  /** Factor human applies to BlazeFace's tight face box (1 = the detector's box; human's own default is 1.4). */
  boxScale?: number;
  /**
   * Confirm each BlazeFace candidate with human's FaceMesh model (its face score must also reach minConfidence) and
   * report the mesh's box. Rejects animal faces (chelsea.png's cat scores 0.83 on BlazeFace alone) at the price of
   * one small model run per candidate, and possibly of hard faces (profile, occluded) that the mesh rejects.
   */
  verifyWithMesh?: boolean;
}

// --- a narrow typed view of the parts of human (and its tfjs namespace) used here ---
interface TensorLike {
  dispose(): void;
}
interface WeightsGroup {
  paths: string[];
  weights: unknown[];
}
interface ModelJson {
  weightsManifest: WeightsGroup[];
}
interface LoadHandler {
  load(): Promise<unknown>;
}
interface HumanTf {
  tensor3d(values: Uint8Array, shape: [number, number, number], dtype: 'int32'): TensorLike;
  getBackend(): string;
  io: {
    registerLoadRouter(router: (url: string | string[]) => LoadHandler | null): void;
    getModelArtifactsForJSON(
      json: ModelJson,
      loadWeights: (manifest: WeightsGroup[]) => Promise<[unknown[], ArrayBuffer]>,
    ): Promise<unknown>;
  };
}
interface HumanFace {
  box: [number, number, number, number];
  score: number;
}
interface HumanInstance {
  tf: HumanTf;
  load(): Promise<void>;
  detect(input: TensorLike, config: Record<string, unknown>): Promise<{ face: HumanFace[]; error: string | null }>;
  models: { loaded(): string[] };
}
type HumanConstructor = new (config: Record<string, unknown>) => HumanInstance;

const require = createRequire(import.meta.url);

/** Folders of the installed packages (resolved through Node's module resolution, never a URL). */
export function modelPaths(): { humanRoot: string; modelDir: string; wasmDir: string } {
  // human's package.json "exports" only maps the package root (to dist/human.node.js); go up to the package folder
  const humanRoot = dirname(dirname(require.resolve('@vladmandic/human')));
  const wasmDir = dirname(require.resolve('@tensorflow/tfjs-backend-wasm'));
  return { humanRoot, modelDir: join(humanRoot, 'models'), wasmDir };
}

let routerInstalled = false;

// Serves file://<models folder>/*.json (and the weight files it names) from disk; any other URL is not handled here.
function installFileLoadRouter(tf: HumanTf, modelDir: string): void {
  if (routerInstalled) return;
  routerInstalled = true;
  tf.io.registerLoadRouter((url) => {
    if (typeof url !== 'string' || !url.startsWith(`file://${modelDir}/`)) return null;
    const path = url.slice('file://'.length);
    return {
      load: async () => {
        const json = JSON.parse(await readFile(path, 'utf8')) as ModelJson;
        return tf.io.getModelArtifactsForJSON(json, async (manifest) => {
          const specs: unknown[] = [];
          const parts: Buffer[] = [];
          for (const group of manifest) {
            specs.push(...group.weights);
            for (const file of group.paths) parts.push(await readFile(join(dirname(path), file)));
          }
          const all = Buffer.concat(parts);
          return [specs, all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength) as ArrayBuffer];
        });
      },
    };
  });
}

let loading: Promise<HumanInstance> | null = null;

/** Per-call configuration: human merges it into its own config for good, so every call passes all of it. */
function faceConfig(options: Required<FaceDetectorOptions>): Record<string, unknown> {
  return {
    face: {
      enabled: true,
      detector: {
        modelPath: 'blazeface.json',
        rotation: false,
        maxDetected: options.maxDetected,
        minConfidence: options.minConfidence,
        skipFrames: 0,
        skipTime: 0,
        scale: options.boxScale,
        return: false,
      },
      mesh: { enabled: options.verifyWithMesh, modelPath: 'facemesh.json' },
      attention: { enabled: false },
      iris: { enabled: false },
      emotion: { enabled: false },
      description: { enabled: false },
      antispoof: { enabled: false },
      liveness: { enabled: false },
      gear: { enabled: false },
    },
  };
}

// One human instance per process, shared by all detectors: tfjs keeps global state (backend, kernels, routers) and
// human keeps its models in module-level variables. Both BlazeFace and FaceMesh are loaded (~2 MB of weights).
async function loadHuman(): Promise<HumanInstance> {
  const { humanRoot, modelDir, wasmDir } = modelPaths();
  const module = require(join(humanRoot, 'dist', 'human.node-wasm.js')) as { Human: HumanConstructor };
  const human = new module.Human({
    backend: 'wasm',
    wasmPath: `${wasmDir}/`,
    wasmPlatformFetch: false,
    modelBasePath: `file://${modelDir}/`,
    cacheModels: false,
    debug: false,
    warmup: 'none',
    async: true,
    // no frame-to-frame caching: every call (each tile) is a fresh detection
    cacheSensitivity: 0,
    filter: { enabled: false },
    gesture: { enabled: false },
    body: { enabled: false },
    hand: { enabled: false },
    object: { enabled: false },
    segmentation: { enabled: false },
    ...faceConfig({ minConfidence: 0.6, maxDetected: 20, boxScale: 1, verifyWithMesh: true }),
  });
  installFileLoadRouter(human.tf, modelDir);
  await human.load();
  if (human.tf.getBackend() !== 'wasm') throw new Error(`face detector: expected the wasm backend, got ${human.tf.getBackend()}`);
  const loaded = human.models.loaded();
  for (const name of ['blazeface', 'facemesh']) {
    if (!loaded.includes(name)) throw new Error(`face detector: model ${name} did not load (loaded: ${loaded.join(', ')})`);
  }
  return human;
}

// human keeps per-call state (and its merged config), so calls from all detectors are serialised
let queue: Promise<unknown> = Promise.resolve();

export async function createFaceDetector(options: FaceDetectorOptions = {}): Promise<FaceDetector> {
  const config = faceConfig({ minConfidence: 0.6, maxDetected: 20, boxScale: 1, verifyWithMesh: true, ...options });
  loading ??= loadHuman().catch((error: unknown) => {
    loading = null;
    throw error;
  });
  const human = await loading;
  let disposed = false;

  async function run(rgb: Uint8Array, width: number, height: number): Promise<FaceBox[]> {
    if (rgb.length !== width * height * 3) throw new RangeError(`expected ${width}x${height}x3 bytes, got ${rgb.length}`);
    const input = human.tf.tensor3d(rgb, [height, width, 3], 'int32');
    try {
      const result = await human.detect(input, config);
      if (result.error) throw new Error(`face detector: ${result.error}`);
      return result.face.map((f) => ({ x: f.box[0], y: f.box[1], width: f.box[2], height: f.box[3], score: f.score }));
    } finally {
      input.dispose();
    }
  }

  return {
    detect(rgb, width, height) {
      if (disposed) return Promise.reject(new Error('face detector: disposed'));
      const next = queue.then(() => run(rgb, width, height));
      queue = next.catch(() => undefined);
      return next;
    },
    // the shared models stay loaded for the life of the process
    dispose() {
      disposed = true;
    },
  };
}

export interface TiledDetectionOptions {
  tileSize?: number;
  overlap?: number;
  iouThreshold?: number;
  /** Skip the tiles (whole frame only), e.g. to measure what tiling adds. */
  wholeFrameOnly?: boolean;
}

/** Detects on the whole frame (padded square) plus overlapping tiles, maps boxes back and merges duplicates. */
export async function detectWithTiles(
  detector: FaceDetector,
  frame: RgbFrame,
  options: TiledDetectionOptions = {},
): Promise<FaceBox[]> {
  const tileSize = options.tileSize ?? 480;
  const overlap = options.overlap ?? 160;
  const regions: Tile[] = [wholeFrameTile(frame.width, frame.height)];
  if (!options.wholeFrameOnly && Math.max(frame.width, frame.height) > tileSize) {
    regions.push(...planTiles(frame.width, frame.height, tileSize, overlap));
  }
  const found: FaceBox[] = [];
  for (const tile of regions) {
    const boxes = await detector.detect(cropTile(frame, tile), tile.size, tile.size);
    for (const box of boxes) {
      const mapped = mapToFrame(box, tile, frame.width, frame.height);
      if (mapped) found.push(mapped);
    }
  }
  return mergeBoxes(found, options.iouThreshold ?? 0.3);
}
