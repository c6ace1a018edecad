// How to feed a CLIP tower's ONNX graph and read its embeddings, from the names and shapes it
// declares (exports differ: attention_mask, position_ids, output names). Pure: no ORT here.
import { ClipError } from '../../shared/errors';
import type { Tower } from './model-files';

export interface GraphValue {
  name: string;
  /** Rank-and-dims as the graph declares them (numbers or symbolic names); absent when unknown. */
  shape?: readonly (number | string)[];
}

export interface GraphSignature {
  inputs: readonly GraphValue[];
  outputs: readonly GraphValue[];
}

/** Text-tower inputs webclip can build from input_ids. */
export type DerivedInput = 'attention_mask' | 'position_ids';

export interface FeedPlan {
  tower: Tower;
  /** The graph's name for pixel_values / input_ids. */
  input: string;
  /** Further inputs, built from the ids. */
  derived: readonly { name: string; kind: DerivedInput }[];
  /** The output holding the [n, D] embeddings, or the [n, L, H] hidden states (below). */
  output: string;
  /**
   * The text graph stops at last_hidden_state [n, L, H] (sentence-transformers' exports): the
   * pooling and projection after it are the caller's (core/model/mean-pool.ts).
   */
  hiddenStates: boolean;
}

const mainInput: Record<Tower, string> = { vision: 'pixel_values', text: 'input_ids' };
const mainOutput: Record<Tower, string> = { vision: 'image_embeds', text: 'text_embeds' };
const derivable: Record<string, DerivedInput> = { attention_mask: 'attention_mask', position_ids: 'position_ids' };

const list = (values: readonly GraphValue[]): string =>
  values.length === 0 ? '(none)' : values.map((v) => v.name).join(', ');

function incompatible(tower: Tower, what: string, graph: GraphSignature): ClipError {
  return new ClipError(
    'MODEL_INCOMPATIBLE',
    `the ${tower} model ${what}; the graph has inputs [${list(graph.inputs)}] and outputs [${list(graph.outputs)}]`,
  );
}

/**
 * Plans the feeds of one tower, or throws MODEL_INCOMPATIBLE naming what is missing and what the
 * graph has. The embedding output is the conventionally named one, else `pooler_output`, else the
 * only output, else the only output declared with rank 2 ([n, D]).
 */
export function planFeeds(tower: Tower, graph: GraphSignature): FeedPlan {
  const input = mainInput[tower];
  if (!graph.inputs.some((v) => v.name === input)) throw incompatible(tower, `has no input '${input}'`, graph);
  const derived: { name: string; kind: DerivedInput }[] = [];
  const unknown: string[] = [];
  for (const { name } of graph.inputs) {
    if (name === input) continue;
    const kind = tower === 'text' ? derivable[name] : undefined;
    if (kind) derived.push({ name, kind });
    else unknown.push(name);
  }
  if (unknown.length > 0) {
    throw incompatible(tower, `needs input${unknown.length > 1 ? 's' : ''} webclip cannot provide: ${unknown.join(', ')}`, graph);
  }
  const output = pickOutput(tower, graph);
  return { tower, input, derived, output, hiddenStates: output === HIDDEN_STATES };
}

const HIDDEN_STATES = 'last_hidden_state';

function pickOutput(tower: Tower, graph: GraphSignature): string {
  const wanted = mainOutput[tower];
  if (graph.outputs.some((v) => v.name === wanted)) return wanted;
  // SigLIP's towers (SiglipVisionModel / SiglipTextModel) give their embedding as pooler_output
  if (graph.outputs.some((v) => v.name === 'pooler_output')) return 'pooler_output';
  const [only, ...rest] = graph.outputs;
  // a text graph that gives only its hidden states, pooled after the graph
  if (tower === 'text' && only?.name === HIDDEN_STATES && rest.length === 0) return HIDDEN_STATES;
  if (only && rest.length === 0) {
    if (only.shape && only.shape.length > 0 && only.shape.length !== 2) {
      const what = `has no '${wanted}' output and its only output '${only.name}' has rank ${only.shape.length}, not [n, D]`;
      throw incompatible(tower, what, graph);
    }
    return only.name;
  }
  const rank2 = graph.outputs.filter((v) => v.shape?.length === 2);
  if (rank2.length === 1 && rank2[0]) return rank2[0].name;
  throw incompatible(tower, `has no '${wanted}' output, nor a single [n, D] output to use instead`, graph);
}

/**
 * CLIP's attention mask for ids padded with eos: 1 up to and including each row's first eos
 * (the pooled token), 0 after it. A row without eos is all ones.
 */
export function attentionMask(ids: BigInt64Array, rows: number, eos: bigint): BigInt64Array {
  const width = rows === 0 ? 0 : ids.length / rows;
  const mask = new BigInt64Array(ids.length);
  for (let r = 0; r < rows; r++) {
    const start = r * width;
    let end = start + width;
    for (let i = start; i < start + width; i++) {
      if (ids[i] === eos) {
        end = i + 1;
        break;
      }
    }
    mask.fill(1n, start, end);
  }
  return mask;
}

/** 0..L-1 for every row, as HF's CLIP text model uses by default. */
export function positionIds(rows: number, width: number): BigInt64Array {
  const out = new BigInt64Array(rows * width);
  for (let r = 0; r < rows; r++) for (let i = 0; i < width; i++) out[r * width + i] = BigInt(i);
  return out;
}

/**
 * Checks an output's dims are [n, D] for the n rows fed in, and returns D; MODEL_INCOMPATIBLE
 * otherwise (a graph that pools nothing, e.g. last_hidden_state, cannot give embeddings).
 */
export function embeddingWidth(tower: Tower, output: string, dims: readonly number[], rows: number): number {
  const [n, d] = dims;
  if (dims.length !== 2 || n !== rows || d === undefined || d <= 0) {
    throw new ClipError(
      'MODEL_INCOMPATIBLE',
      `the ${tower} model's output '${output}' has shape [${dims.join(', ')}]; expected [${rows}, D]`,
    );
  }
  return d;
}
