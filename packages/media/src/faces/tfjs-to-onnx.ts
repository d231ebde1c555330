// Converts the two small tfjs graph models the face pipeline uses (human's BlazeFace and FaceMesh: convolutions,
// depthwise convolutions, adds, ReLU/PReLU, max-pooling, channel padding, sigmoid, reshapes) into an ONNX model in
// memory, so that onnxruntime-node's native CPU kernels can run the very weights shipped in @vladmandic/human's
// package: no other model file, nothing downloaded (docs/adr-006-native-face-runtime.md).
//
// The tfjs graph is NHWC; the ONNX graph is NCHW inside, but keeps an NHWC float input (a Transpose first) and the
// graph's own output names and row order (a Transpose back to NHWC before every Reshape), so callers see the same
// tensors as from tfjs. Reshapes to [1, N, k] become [-1, k] (any input size, any batch), like the tfjs loader's patch.
// Anything outside this op set throws: a model update that needs more must be looked at, not half converted.

export interface TfjsNode {
  name: string;
  op: string;
  input?: string[];
  attr?: Record<string, { s?: string; i?: string; f?: number; b?: boolean; list?: { i?: string[]; s?: string[] }; type?: string; shape?: unknown }>;
}
export interface TfjsWeightSpec {
  name: string;
  shape: number[];
  dtype: 'float32' | 'int32' | string;
  quantization?: { dtype: string; original_dtype?: string };
}
export interface TfjsGraphJson {
  modelTopology: { node: TfjsNode[] };
  weightsManifest: { paths: string[]; weights: TfjsWeightSpec[] }[];
}

// ---- a minimal protobuf writer (only what ONNX's ModelProto needs) ----

class Proto {
  private parts: Uint8Array[] = [];
  private length = 0;
  private push(bytes: Uint8Array): void {
    this.parts.push(bytes);
    this.length += bytes.length;
  }
  private varint(value: number | bigint): void {
    let v = BigInt.asUintN(64, BigInt(value));
    const out: number[] = [];
    while (v >= 0x80n) {
      out.push(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    out.push(Number(v));
    this.push(Uint8Array.from(out));
  }
  private key(field: number, wire: number): void {
    this.varint((field << 3) | wire);
  }
  int(field: number, value: number): this {
    this.key(field, 0);
    this.varint(value);
    return this;
  }
  float(field: number, value: number): this {
    this.key(field, 5);
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, value, true);
    this.push(b);
    return this;
  }
  bytes(field: number, value: Uint8Array): this {
    this.key(field, 2);
    this.varint(value.length);
    this.push(value);
    return this;
  }
  string(field: number, value: string): this {
    return this.bytes(field, new TextEncoder().encode(value));
  }
  message(field: number, value: Proto): this {
    return this.bytes(field, value.finish());
  }
  finish(): Uint8Array {
    const out = new Uint8Array(this.length);
    let offset = 0;
    for (const p of this.parts) {
      out.set(p, offset);
      offset += p.length;
    }
    return out;
  }
}

// ONNX enum values (onnx.proto)
const FLOAT = 1;
const INT64 = 7;
const ATTR_FLOAT = 1;
const ATTR_INT = 2;
const ATTR_STRING = 3;
const ATTR_INTS = 7;

type AttrValue = number | string | number[];
type Attrs = Record<string, AttrValue | { float: number }>;

function attribute(name: string, value: AttrValue | { float: number }): Proto {
  const a = new Proto().string(1, name);
  if (typeof value === 'string') return a.bytes(4, new TextEncoder().encode(value)).int(20, ATTR_STRING);
  if (Array.isArray(value)) {
    for (const v of value) a.int(8, v);
    return a.int(20, ATTR_INTS);
  }
  if (typeof value === 'object') return a.float(2, value.float).int(20, ATTR_FLOAT);
  return a.int(3, value).int(20, ATTR_INT);
}

function tensorProto(name: string, dims: number[], data: Float32Array | BigInt64Array): Proto {
  const t = new Proto();
  for (const d of dims) t.int(1, d);
  t.int(2, data instanceof Float32Array ? FLOAT : INT64);
  t.string(8, name);
  return t.bytes(9, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
}

function valueInfo(name: string, dims: (number | string)[] | null): Proto {
  const tensorType = new Proto().int(1, FLOAT);
  if (dims) {
    const shape = new Proto();
    for (const d of dims) shape.message(1, typeof d === 'number' ? new Proto().int(1, d) : new Proto().string(2, d));
    tensorType.message(2, shape);
  }
  return new Proto().string(1, name).message(2, new Proto().message(1, tensorType));
}

// ---- weights ----

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 31) return fraction ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

interface Weight {
  shape: number[];
  values: Float32Array | Int32Array;
}

/** The weight file's tensors by name: float32, int32, or float16-quantised float32 (FaceMesh). */
export function readWeights(specs: readonly TfjsWeightSpec[], data: Uint8Array): Map<string, Weight> {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const out = new Map<string, Weight>();
  let offset = 0;
  for (const spec of specs) {
    const size = spec.shape.reduce((a, b) => a * b, 1);
    let values: Float32Array | Int32Array;
    if (spec.quantization) {
      if (spec.quantization.dtype !== 'float16' || spec.dtype !== 'float32') throw new Error(`tfjs-to-onnx: unsupported quantisation of ${spec.name}`);
      values = new Float32Array(size);
      for (let i = 0; i < size; i++) values[i] = halfToFloat(view.getUint16(offset + 2 * i, true));
      offset += 2 * size;
    } else if (spec.dtype === 'float32' || spec.dtype === 'int32') {
      values = spec.dtype === 'float32' ? new Float32Array(size) : new Int32Array(size);
      for (let i = 0; i < size; i++) values[i] = spec.dtype === 'float32' ? view.getFloat32(offset + 4 * i, true) : view.getInt32(offset + 4 * i, true);
      offset += 4 * size;
    } else throw new Error(`tfjs-to-onnx: unsupported weight type ${spec.dtype} (${spec.name})`);
    out.set(spec.name, { shape: spec.shape, values });
  }
  if (offset !== data.length) throw new Error(`tfjs-to-onnx: weights take ${offset} bytes, the file has ${data.length}`);
  return out;
}

/** tfjs conv filter [kh, kw, in, out] -> ONNX [out, in, kh, kw]. */
function convFilter(w: Weight): { dims: number[]; data: Float32Array } {
  const [kh, kw, cin, cout] = w.shape as [number, number, number, number];
  const data = new Float32Array(w.values.length);
  for (let y = 0; y < kh; y++)
    for (let x = 0; x < kw; x++)
      for (let i = 0; i < cin; i++)
        for (let o = 0; o < cout; o++) data[((o * cin + i) * kh + y) * kw + x] = w.values[((y * kw + x) * cin + i) * cout + o] as number;
  return { dims: [cout, cin, kh, kw], data };
}

/** tfjs depthwise filter [kh, kw, in, multiplier] -> ONNX [in * multiplier, 1, kh, kw] (group = in). */
function depthwiseFilter(w: Weight): { dims: number[]; data: Float32Array; groups: number } {
  const [kh, kw, cin, mult] = w.shape as [number, number, number, number];
  const data = new Float32Array(w.values.length);
  for (let y = 0; y < kh; y++)
    for (let x = 0; x < kw; x++)
      for (let c = 0; c < cin; c++)
        for (let m = 0; m < mult; m++) data[((c * mult + m) * kh + y) * kw + x] = w.values[((y * kw + x) * cin + c) * mult + m] as number;
  return { dims: [cin * mult, 1, kh, kw], data, groups: cin };
}

const text = (s: string | undefined): string => (s ? Buffer.from(s, 'base64').toString('utf8') : '');
const ints = (node: TfjsNode, name: string): number[] => (node.attr?.[name]?.list?.i ?? []).map(Number);

/** "SAME" pads like TF (the extra pixel at the end) = ONNX SAME_UPPER. */
function autoPad(node: TfjsNode): string {
  const padding = text(node.attr?.padding?.s);
  if (padding === 'SAME') return 'SAME_UPPER';
  if (padding === 'VALID') return 'VALID';
  throw new Error(`tfjs-to-onnx: ${node.name}: padding "${padding}" is not supported`);
}

function nhwcPair(node: TfjsNode, name: string): number[] {
  const v = ints(node, name);
  if (v.length !== 4 || v[0] !== 1 || v[3] !== 1) throw new Error(`tfjs-to-onnx: ${node.name}: ${name} ${v.join(',')} is not NHWC spatial`);
  return [v[1] as number, v[2] as number];
}

export interface ConvertOptions {
  /** The graph's input (Placeholder) name. */
  input: string;
  /** Output (Identity) names to keep, in this order. */
  outputs: readonly string[];
}

/**
 * The ONNX model (serialised ModelProto, opset 13) equivalent to the graph for an NHWC float input of any batch and
 * size. Only the nodes the requested outputs depend on are converted.
 */
export function tfjsGraphToOnnx(json: TfjsGraphJson, weightData: Uint8Array, options: ConvertOptions): Uint8Array {
  const weights = readWeights(json.weightsManifest.flatMap((g) => g.weights), weightData);
  const byName = new Map(json.modelTopology.node.map((n) => [n.name, n]));
  const nodes: Proto[] = [];
  const initializers: Proto[] = [];
  const converted = new Set<string>();
  let counter = 0;
  const fresh = (base: string): string => `${base}__${counter++}`;

  const node = (op: string, inputs: string[], outputs: string[], attrs: Attrs = {}): void => {
    const n = new Proto();
    for (const i of inputs) n.string(1, i);
    for (const o of outputs) n.string(2, o);
    n.string(3, fresh(op)).string(4, op);
    for (const [k, v] of Object.entries(attrs)) n.message(5, attribute(k, v));
    nodes.push(n);
  };
  const constant = (base: string, dims: number[], data: Float32Array | BigInt64Array): string => {
    const name = fresh(base);
    initializers.push(tensorProto(name, dims, data));
    return name;
  };
  const weight = (name: string | undefined): Weight => {
    const w = name ? weights.get(name) : undefined;
    if (!w) throw new Error(`tfjs-to-onnx: no weight "${name}"`);
    return w;
  };
  const floats = (w: Weight): Float32Array => (w.values instanceof Float32Array ? w.values : Float32Array.from(w.values));
  /** A PReLU slope of shape [.., C] as [C, 1, 1] (broadcast over NCHW). */
  const slope = (name: string | undefined): string => {
    const w = weight(name);
    const c = w.shape[w.shape.length - 1] as number;
    if (w.values.length !== c) throw new Error(`tfjs-to-onnx: PReLU slope ${name} is not per channel`);
    return constant('slope', [c, 1, 1], floats(w));
  };

  const visit = (name: string): string => {
    const clean = name.replace(/^\^/, '').replace(/:0$/, '');
    const tf = byName.get(clean);
    if (!tf) throw new Error(`tfjs-to-onnx: unknown node ${name}`);
    if (converted.has(clean)) return clean;
    converted.add(clean);
    const inputs = tf.input ?? [];
    const first = (): string => visit(inputs[0] as string);
    switch (tf.op) {
      case 'Placeholder': {
        if (clean !== options.input) throw new Error(`tfjs-to-onnx: unexpected input ${clean}`);
        node('Transpose', [`${clean}__nhwc`], [clean], { perm: [0, 3, 1, 2] });
        break;
      }
      case '_FusedConv2D': {
        const fused = (tf.attr?.fused_ops?.list?.s ?? []).map(text);
        if (fused[0] !== 'BiasAdd' || fused.length > 2 || (fused[1] && fused[1] !== 'Relu' && fused[1] !== 'Prelu')) {
          throw new Error(`tfjs-to-onnx: ${clean}: fused ops ${fused.join('+')} are not supported`);
        }
        if (ints(tf, 'dilations').some((d) => d !== 1)) throw new Error(`tfjs-to-onnx: ${clean}: dilation is not supported`);
        const filter = convFilter(weight(inputs[1]));
        const conv = fused[1] ? fresh(clean) : clean;
        node('Conv', [first(), constant('filter', filter.dims, filter.data), constant('bias', [filter.dims[0] as number], floats(weight(inputs[2])))], [conv], {
          strides: nhwcPair(tf, 'strides'),
          auto_pad: autoPad(tf),
          kernel_shape: filter.dims.slice(2),
        });
        if (fused[1] === 'Relu') node('Relu', [conv], [clean]);
        if (fused[1] === 'Prelu') node('PRelu', [conv, slope(inputs[3])], [clean]);
        break;
      }
      case 'DepthwiseConv2dNative': {
        if (ints(tf, 'dilations').some((d) => d !== 1)) throw new Error(`tfjs-to-onnx: ${clean}: dilation is not supported`);
        const filter = depthwiseFilter(weight(inputs[1]));
        node('Conv', [first(), constant('depthwise', filter.dims, filter.data)], [clean], {
          strides: nhwcPair(tf, 'strides'),
          auto_pad: autoPad(tf),
          kernel_shape: filter.dims.slice(2),
          group: filter.groups,
        });
        break;
      }
      case 'AddV2':
        node('Add', [first(), visit(inputs[1] as string)], [clean]);
        break;
      case 'Relu':
        node('Relu', [first()], [clean]);
        break;
      case 'Sigmoid':
        node('Sigmoid', [first()], [clean]);
        break;
      case 'Prelu':
        node('PRelu', [first(), slope(inputs[1])], [clean]);
        break;
      case 'MaxPool':
        node('MaxPool', [first()], [clean], { kernel_shape: nhwcPair(tf, 'ksize'), strides: nhwcPair(tf, 'strides'), auto_pad: autoPad(tf) });
        break;
      case 'Pad': {
        // paddings [[n0,n1],[h0,h1],[w0,w1],[c0,c1]] (NHWC) -> ONNX [n0,c0,h0,w0, n1,c1,h1,w1]
        const p = Array.from(weight(inputs[1]).values);
        if (p.length !== 8) throw new Error(`tfjs-to-onnx: ${clean}: paddings must be 4x2`);
        const pads = BigInt64Array.from([p[0], p[6], p[2], p[4], p[1], p[7], p[3], p[5]].map((v) => BigInt(v as number)));
        node('Pad', [first(), constant('pads', [8], pads)], [clean], { mode: 'constant' });
        break;
      }
      case 'Reshape': {
        // [1, N, k] or [N, k] of an NHWC tensor: rows in NHWC order, any batch and size
        const target = Array.from(weight(inputs[1]).values);
        const k = target[target.length - 1] as number;
        if (!(k > 0)) throw new Error(`tfjs-to-onnx: ${clean}: reshape to ${target.join('x')} is not supported`);
        const nhwc = fresh(clean);
        node('Transpose', [first()], [nhwc], { perm: [0, 2, 3, 1] });
        node('Reshape', [nhwc, constant('shape', [2], BigInt64Array.from([-1n, BigInt(k)]))], [clean]);
        break;
      }
      case 'Identity':
        node('Identity', [first()], [clean]);
        break;
      default:
        throw new Error(`tfjs-to-onnx: op ${tf.op} (${clean}) is not supported`);
    }
    return clean;
  };
  for (const output of options.outputs) visit(output);
  if (!converted.has(options.input)) throw new Error(`tfjs-to-onnx: the outputs do not depend on ${options.input}`);

  const graph = new Proto();
  for (const n of nodes) graph.message(1, n);
  graph.string(2, 'converted');
  for (const i of initializers) graph.message(5, i);
  graph.message(11, valueInfo(`${options.input}__nhwc`, ['batch', 'height', 'width', 3]));
  for (const o of options.outputs) graph.message(12, valueInfo(o, null));
  return new Proto()
    .int(1, 8) // ir_version
    .string(2, 'onward tfjs-to-onnx')
    .message(7, graph)
    .message(8, new Proto().string(1, '').int(2, 13))
    .finish();
}
