/**
 * Exports a trained policy MLP to a real ONNX model, and runs it with onnxruntime-node.
 *
 * The graph is the network as trained: Gemm (transB = 1, weights [out × in] as in `Mlp`) + Tanh/Relu
 * per hidden layer, a final Gemm for the logits; with `mask`, an extra bool input [batch × actions]
 * and a Where that sets invalid logits to −1e9 (so they never win the argmax and get probability 0);
 * then Softmax → `probs` and ArgMax → `action` (int64). Weights are stored float32.
 *
 * Encoding uses protobufjs with the part of onnx.proto (onnx/onnx, field numbers unchanged) that a
 * model of this shape needs; the schema text lives in this file because the protobufjs-generated
 * `onnx-proto` package is unmaintained and pinned to protobufjs 6.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as protobuf from 'protobufjs';
import type * as Ort from 'onnxruntime-node';
import { loadOrt, openSession, runSession, type SessionOptions } from '../models/onnxSession';
import type { ProviderStatus } from '../models/providers';
import type { Mlp } from './nn';
import { OutputExistsError, writeFileSafely, type OutputOptions } from '../shared/safeOutput';
import { layeredPolicyFiles } from './checkpointKinds';

const ONNX_PROTO_SUBSET = `
syntax = "proto2";
package onnx;
message AttributeProto {
  enum AttributeType { UNDEFINED = 0; FLOAT = 1; INT = 2; STRING = 3; TENSOR = 4; GRAPH = 5; FLOATS = 6; INTS = 7; STRINGS = 8; }
  optional string name = 1;
  optional AttributeType type = 20;
  optional float f = 2;
  optional int64 i = 3;
  optional bytes s = 4;
  optional TensorProto t = 5;
  repeated float floats = 7;
  repeated int64 ints = 8;
}
message ValueInfoProto { optional string name = 1; optional TypeProto type = 2; optional string doc_string = 3; }
message NodeProto {
  repeated string input = 1;
  repeated string output = 2;
  optional string name = 3;
  optional string op_type = 4;
  optional string domain = 7;
  repeated AttributeProto attribute = 5;
}
message StringStringEntryProto { optional string key = 1; optional string value = 2; }
message OperatorSetIdProto { optional string domain = 1; optional int64 version = 2; }
message ModelProto {
  optional int64 ir_version = 1;
  repeated OperatorSetIdProto opset_import = 8;
  optional string producer_name = 2;
  optional string producer_version = 3;
  optional string doc_string = 6;
  optional GraphProto graph = 7;
  repeated StringStringEntryProto metadata_props = 14;
}
message GraphProto {
  repeated NodeProto node = 1;
  optional string name = 2;
  repeated TensorProto initializer = 5;
  repeated ValueInfoProto input = 11;
  repeated ValueInfoProto output = 12;
}
message TensorProto {
  repeated int64 dims = 1;
  optional int32 data_type = 2;
  optional string name = 8;
  optional bytes raw_data = 9;
}
message TensorShapeProto {
  message Dimension { oneof value { int64 dim_value = 1; string dim_param = 2; } }
  repeated Dimension dim = 1;
}
message TypeProto {
  message Tensor { optional int32 elem_type = 1; optional TensorShapeProto shape = 2; }
  oneof value { Tensor tensor_type = 1; }
}
`;

const FLOAT = 1;
const BOOL = 9;
const INT64 = 7;
const ATTR_INT = 2;
/** Added to nothing: what a masked logit becomes (finite, so Softmax stays NaN-free). */
export const MASKED_LOGIT = -1e9;

let modelType: protobuf.Type | undefined;
function onnxModelType(): protobuf.Type {
  modelType ??= protobuf.parse(ONNX_PROTO_SUBSET, { keepCase: true }).root.lookupType('onnx.ModelProto');
  return modelType;
}

export interface PolicyExportOptions {
  /** Add the bool `mask` input (1 = allowed). */
  mask?: boolean;
  /** Stored in the model's metadata_props (e.g. algo, env, steps). */
  metadata?: Record<string, string>;
}

/** The ONNX ModelProto bytes of `net` as a policy (inputs obs [, mask]; outputs logits, probs, action). */
export function policyToOnnx(net: Mlp, options: PolicyExportOptions = {}): Uint8Array {
  const A = net.outputSize;
  const nodes: object[] = [];
  const initializers: object[] = [];
  let current = 'obs';
  for (let l = 0; l < net.layers; l++) {
    const { inSize, outSize, weight, bias } = net.layer(l);
    initializers.push(floatTensor(`W${l}`, [outSize, inSize], weight), floatTensor(`b${l}`, [outSize], bias));
    const last = l === net.layers - 1;
    const gemmOut = last ? (options.mask ? 'raw_logits' : 'logits') : `z${l}`;
    nodes.push({ op_type: 'Gemm', name: `gemm${l}`, input: [current, `W${l}`, `b${l}`], output: [gemmOut], attribute: [intAttr('transB', 1)] });
    current = gemmOut;
    if (!last) {
      nodes.push({ op_type: net.activation === 'tanh' ? 'Tanh' : 'Relu', name: `act${l}`, input: [gemmOut], output: [`h${l}`] });
      current = `h${l}`;
    }
  }
  if (options.mask) {
    initializers.push(floatTensor('masked_logit', [], Float64Array.of(MASKED_LOGIT)));
    nodes.push({ op_type: 'Where', name: 'apply_mask', input: ['mask', 'raw_logits', 'masked_logit'], output: ['logits'] });
  }
  nodes.push({ op_type: 'Softmax', name: 'softmax', input: ['logits'], output: ['probs'], attribute: [intAttr('axis', -1)] });
  nodes.push({ op_type: 'ArgMax', name: 'argmax', input: ['logits'], output: ['action'], attribute: [intAttr('axis', 1), intAttr('keepdims', 0)] });

  const inputs = [valueInfo('obs', FLOAT, ['batch', net.inputSize])];
  if (options.mask) inputs.push(valueInfo('mask', BOOL, ['batch', A]));
  const model = {
    ir_version: 8,
    opset_import: [{ domain: '', version: 17 }],
    producer_name: 'reasoning-lab',
    producer_version: '0.1.0',
    doc_string: `policy MLP [${net.sizes.join(', ')}] ${net.activation}`,
    graph: {
      name: 'policy',
      node: nodes,
      initializer: initializers,
      input: inputs,
      output: [valueInfo('logits', FLOAT, ['batch', A]), valueInfo('probs', FLOAT, ['batch', A]), valueInfo('action', INT64, ['batch'])],
    },
    metadata_props: Object.entries(options.metadata ?? {}).map(([key, value]) => ({ key, value })),
  };
  const type = onnxModelType();
  const problem = type.verify(model);
  if (problem) throw new Error(`ONNX export: ${problem}`);
  return type.encode(type.fromObject(model)).finish();
}

/** Writes the policy model to `file` through the safe output (replacing a file there unless `output` says not to). */
export function exportPolicy(net: Mlp, file: string, options: PolicyExportOptions = {}, output: OutputOptions = { replace: true }): void {
  writeFileSafely(file, policyToOnnx(net, options), output);
}

export { MACRO_ONNX, MICRO_ONNX } from './checkpointKinds';

/** What a two-layer agent's exported models say about themselves (ONNX metadata). */
export interface LayeredPolicyInfo {
  env: string;
  macro: { obs: number; actions: string };
  micro: { obs: number; actions: string };
}

/**
 * A hierarchical agent's two policies: `dir`/macro-policy.onnx (the PPO actor) and `dir`/micro-q.onnx
 * (the DQN Q-network), each with the action mask input, so an exported agent picks exactly the greedy
 * decisions the training code would (argmax of the masked logits / Q-values). Replaces earlier exports
 * there unless `output` says not to; then neither file is written when either exists.
 */
export function exportLayeredPolicies(
  agent: { macro: { actor: Mlp }; micro: { qNetwork: Mlp } },
  dir: string,
  info: LayeredPolicyInfo,
  metadata: Record<string, string> = {},
  output: OutputOptions = { replace: true },
): { macro: string; micro: string } {
  const { macro, micro } = layeredPolicyFiles(dir);
  // a pair is one export: never write one half beside the other half of an earlier one
  const existing = output.replace ? undefined : [macro, micro].find((f) => fs.existsSync(f));
  if (existing) throw new OutputExistsError(existing);
  fs.mkdirSync(dir, { recursive: true });
  const common = { ...metadata, env: info.env };
  exportPolicy(agent.macro.actor, macro, { mask: true, metadata: { ...common, layer: 'macro', algo: 'ppo', obs: String(info.macro.obs), actions: info.macro.actions } }, output);
  exportPolicy(agent.micro.qNetwork, micro, { mask: true, metadata: { ...common, layer: 'micro', algo: 'dqn', obs: String(info.micro.obs), actions: info.micro.actions, outputs: 'logits are Q-values' } }, output);
  return { macro, micro };
}


function floatTensor(name: string, dims: number[], values: ArrayLike<number>): object {
  const f32 = Float32Array.from(values);
  return { name, dims, data_type: FLOAT, raw_data: new Uint8Array(f32.buffer) };
}

function intAttr(name: string, i: number): object {
  return { name, type: ATTR_INT, i };
}

function valueInfo(name: string, elemType: number, dims: (number | string)[]): object {
  return {
    name,
    type: { tensor_type: { elem_type: elemType, shape: { dim: dims.map((d) => (typeof d === 'number' ? { dim_value: d } : { dim_param: d })) } } },
  };
}

export interface PolicyOutputs {
  logits: Float32Array;
  probs: Float32Array;
  actions: number[];
}

/** An exported policy opened in onnxruntime-node (best provider available, falling back to CPU). */
export class OnnxPolicy {
  private constructor(
    readonly file: string,
    private readonly session: Ort.InferenceSession,
    readonly status: ProviderStatus,
    readonly obsSize: number,
    readonly numActions: number,
    readonly hasMask: boolean,
  ) {}

  static async open(file: string, options: SessionOptions = {}): Promise<OnnxPolicy> {
    const opened = await openSession(file, options);
    const obs = opened.inputs.find((i) => i.name === 'obs');
    const logits = opened.outputs.find((o) => o.name === 'logits');
    if (!obs || !logits || typeof obs.shape[1] !== 'number' || typeof logits.shape[1] !== 'number') {
      await opened.session.release();
      throw new Error(`${file} is not an exported policy (needs input obs [batch, n] and output logits [batch, actions])`);
    }
    return new OnnxPolicy(file, opened.session, opened.status, obs.shape[1], logits.shape[1], opened.inputs.some((i) => i.name === 'mask'));
  }

  /** Runs `batch` observations (row-major) with an optional mask [batch × actions] (1 = allowed). */
  async run(obs: ArrayLike<number>, batch: number, mask?: ArrayLike<number> | null): Promise<PolicyOutputs> {
    const ort = loadOrt();
    if (obs.length !== batch * this.obsSize) throw new RangeError(`policy: expected ${batch} × ${this.obsSize} observation values, got ${obs.length}`);
    const feeds: Record<string, Ort.Tensor> = { obs: new ort.Tensor('float32', Float32Array.from(obs), [batch, this.obsSize]) };
    if (this.hasMask) {
      const m = new Uint8Array(batch * this.numActions);
      for (let i = 0; i < m.length; i++) m[i] = mask ? (mask[i] ? 1 : 0) : 1;
      feeds.mask = new ort.Tensor('bool', m, [batch, this.numActions]);
    } else if (mask) {
      throw new Error(`${this.file} was exported without a mask input`);
    }
    const out = await runSession(this.session, feeds, this.file);
    const actions = Array.from(out.action.data as BigInt64Array, Number);
    return { logits: out.logits.data as Float32Array, probs: out.probs.data as Float32Array, actions };
  }

  async close(): Promise<void> {
    await this.session.release();
  }
}
