/**
 * A minimal writer of ONNX models (the protobuf wire format of onnx.proto's ModelProto): enough to
 * describe a graph of standard operators with float32 weights, so that a network whose weights ship
 * in an npm package can be handed to ONNX Runtime without a converter or a committed model file.
 *
 * Field numbers are onnx.proto's (IR version 8, default opset 13). Repeated integers are written
 * unpacked, which every protobuf parser accepts.
 */

/** A float32 weight of the graph. */
export interface OnnxInitializer {
  name: string;
  dims: readonly number[];
  data: Float32Array;
}

/** An attribute of a node: one integer or a list of integers (all the graphs here need). */
export type OnnxAttribute = { name: string; int: number } | { name: string; ints: readonly number[] };

export interface OnnxNode {
  op: string;
  inputs: readonly string[];
  outputs: readonly string[];
  attributes?: readonly OnnxAttribute[];
}

/** A float32 graph input or output; a string dimension is symbolic (any size). */
export interface OnnxValue {
  name: string;
  dims: readonly (number | string)[];
}

export interface OnnxGraph {
  name: string;
  nodes: readonly OnnxNode[];
  initializers: readonly OnnxInitializer[];
  inputs: readonly OnnxValue[];
  outputs: readonly OnnxValue[];
}

const IR_VERSION = 8;
const OPSET = 13;
const FLOAT = 1; // TensorProto.DataType.FLOAT and TypeProto.Tensor.elem_type
const ATTRIBUTE_INT = 2;
const ATTRIBUTE_INTS = 7;

const VARINT = 0;
const LENGTH_DELIMITED = 2;

/** Appends protobuf fields to a growing byte list. */
class ProtoWriter {
  readonly #chunks: Uint8Array[] = [];
  #pending: number[] = [];
  #length = 0;

  #flush(): void {
    if (this.#pending.length === 0) return;
    this.#chunks.push(Uint8Array.from(this.#pending));
    this.#pending = [];
  }

  #varint(value: number): void {
    if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`Expected a non-negative safe integer, but got ${value}`);
    let v = value;
    while (v >= 0x80) {
      this.#pending.push((v % 0x80) | 0x80);
      v = Math.floor(v / 0x80);
    }
    this.#pending.push(v);
    this.#length += varintLength(value);
  }

  #tag(field: number, wireType: number): void {
    this.#varint(field * 8 + wireType);
  }

  int(field: number, value: number): this {
    this.#tag(field, VARINT);
    this.#varint(value);
    return this;
  }

  bytes(field: number, data: Uint8Array): this {
    this.#tag(field, LENGTH_DELIMITED);
    this.#varint(data.byteLength);
    this.#flush();
    this.#chunks.push(data);
    this.#length += data.byteLength;
    return this;
  }

  string(field: number, value: string): this {
    return this.bytes(field, new TextEncoder().encode(value));
  }

  message(field: number, message: ProtoWriter): this {
    return this.bytes(field, message.finish());
  }

  finish(): Uint8Array {
    this.#flush();
    const out = new Uint8Array(this.#length);
    let offset = 0;
    for (const chunk of this.#chunks) {
      out.set(chunk, offset);
      offset += chunk.byteLength;
    }
    return out;
  }
}

function varintLength(value: number): number {
  let n = 1;
  for (let v = value; v >= 0x80; v = Math.floor(v / 0x80)) n++;
  return n;
}

function tensorProto({ name, dims, data }: OnnxInitializer): ProtoWriter {
  const count = dims.reduce((a, b) => a * b, 1);
  if (count !== data.length) {
    throw new RangeError(`Expected ${count} floats for initializer '${name}' of shape [${dims.join(', ')}], but got ${data.length}`);
  }
  const t = new ProtoWriter();
  for (const d of dims) t.int(1, d);
  t.int(2, FLOAT);
  t.string(8, name);
  // raw_data is little-endian float32, as a Float32Array is on every platform Node and browsers run on.
  return t.bytes(9, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
}

function attributeProto(attribute: OnnxAttribute): ProtoWriter {
  const a = new ProtoWriter().string(1, attribute.name);
  if ('int' in attribute) return a.int(3, attribute.int).int(20, ATTRIBUTE_INT);
  for (const v of attribute.ints) a.int(8, v);
  return a.int(20, ATTRIBUTE_INTS);
}

function nodeProto(node: OnnxNode): ProtoWriter {
  const n = new ProtoWriter();
  for (const input of node.inputs) n.string(1, input);
  for (const output of node.outputs) n.string(2, output);
  n.string(4, node.op);
  for (const attribute of node.attributes ?? []) n.message(5, attributeProto(attribute));
  return n;
}

function valueInfoProto({ name, dims }: OnnxValue): ProtoWriter {
  const shape = new ProtoWriter();
  for (const d of dims) shape.message(1, typeof d === 'number' ? new ProtoWriter().int(1, d) : new ProtoWriter().string(2, d));
  const tensorType = new ProtoWriter().int(1, FLOAT).message(2, shape);
  return new ProtoWriter().string(1, name).message(2, new ProtoWriter().message(1, tensorType));
}

/** The bytes of an ONNX model of one graph, ready for `InferenceSession.create`. */
export function writeOnnxModel(graph: OnnxGraph, producer = 'meme-mirror'): Uint8Array {
  const g = new ProtoWriter();
  for (const node of graph.nodes) g.message(1, nodeProto(node));
  g.string(2, graph.name);
  for (const initializer of graph.initializers) g.message(5, tensorProto(initializer));
  for (const input of graph.inputs) g.message(11, valueInfoProto(input));
  for (const output of graph.outputs) g.message(12, valueInfoProto(output));
  return new ProtoWriter()
    .int(1, IR_VERSION)
    .string(2, producer)
    .message(7, g)
    .message(8, new ProtoWriter().string(1, '').int(2, OPSET))
    .finish();
}
