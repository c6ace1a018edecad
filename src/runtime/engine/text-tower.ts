// The text side of a model as its family runs it: the tokenizer (CLIP's BPE, or a family's
// tokenizer.json), how rows are padded, and what follows the graph for a paired
// sentence-transformers tower (mean pooling + Dense). Texts in, raw embeddings out.
import type { SpecialIds } from '../../core/model/webgpu-probe-input';
import type { FamilyRules } from '../../core/model/model-family';
import { meanPoolProject } from '../../core/model/mean-pool';
import type { Tensor32 } from '../../core/model/safetensors';
import { FamilyTokenizer } from '../../core/text/family-tokenizer';
import { trimToLongest } from '../../core/text/text-rows';
import { ClipTokenizer } from '../../core/text/tokenizer';
import { huggingFaceTokenizer } from './huggingface-tokenizer';
import type { ModelFolders } from './model-folders';
import { loadSentenceTransformerTower } from './sentence-transformer-tower';

/** Runs the text graph: ids [n, L] (and the tokenizer's mask) → its output, flat. */
export type RunText = (ids: BigInt64Array, dims: readonly [number, number], mask?: BigInt64Array) => Promise<Float32Array>;

type Side =
  /** The graph gives the embedding; rows padded to the batch's longest (CLIP) or the trained length. */
  | { readonly kind: 'graph'; readonly tokenizer: ClipTokenizer | FamilyTokenizer; readonly padding: FamilyRules['textPadding'] }
  /** The graph gives hidden states: mean-pooled over the mask and projected by Dense here. */
  | { readonly kind: 'pooled'; readonly tokenizer: FamilyTokenizer; readonly dense: Tensor32 };

export class TextTower {
  private constructor(private readonly side: Side) {}

  /** The text side of `rules`' family, or a pair's text tower from its own folder. */
  static async load(folders: ModelFolders, rules: FamilyRules, tokenizerJson: unknown, tokenizerConfig: unknown): Promise<TextTower> {
    if (folders.paired) {
      const tower = await loadSentenceTransformerTower(
        (path) => folders.readTextJson(path),
        (path) => folders.readTextOptionalJson(path),
        (path) => folders.readText(path),
        tokenizerJson,
        tokenizerConfig,
      );
      return new TextTower({ kind: 'pooled', tokenizer: tower.tokenizer, dense: tower.dense });
    }
    const tokenizer = rules.family === 'clip' || rules.family === 'mobileclip'
      ? ClipTokenizer.fromJSON(tokenizerJson, tokenizerConfig)
      : FamilyTokenizer.fromJSON(tokenizerJson, tokenizerConfig, huggingFaceTokenizer);
    return new TextTower({ kind: 'graph', tokenizer, padding: rules.textPadding });
  }

  /** The width a pair's Dense projects to; undefined where the graph gives the embedding. */
  get projectedDim(): number | undefined {
    return this.side.kind === 'pooled' ? this.side.dense.shape[0] : undefined;
  }

  /** CLIP's tokenizer's special ids, for the WebGPU probe's input; undefined for other tokenizers. */
  get clipSpecialIds(): SpecialIds | undefined {
    const t = this.side.tokenizer;
    return t instanceof ClipTokenizer ? { bos: t.bosId, eos: t.eosId, vocabSize: t.vocabSize } : undefined;
  }

  /** One batch: raw (not normalized) [n, D] embeddings, and which texts were cut to fit. */
  async embed(texts: readonly string[], run: RunText): Promise<{ block: Float32Array; truncated: boolean[] }> {
    const side = this.side;
    if (side.kind === 'pooled') {
      const { ids, attentionMask, width, truncated } = side.tokenizer.encodeBatchWithInfo(texts);
      const rows = texts.length;
      const mask = attentionMask ?? new BigInt64Array(ids.length).fill(1n);
      const hidden = await run(ids, [rows, width], mask);
      const pooled = meanPoolProject(hidden, mask, rows, width, side.dense);
      const block = new Float32Array(rows * (side.dense.shape[0] as number));
      pooled.forEach((v, r) => block.set(v, r * v.length));
      return { block, truncated };
    }
    const { ids, lengths, truncated } = side.tokenizer.encodeBatchWithInfo(texts);
    // Towers that see the padding (SigLIP, MobileCLIP: no causal mask) get every row at the
    // trained length with their own pad id; CLIP's rows are cut to the batch's longest.
    const width = side.tokenizer.contextLength;
    const rows = side.padding === 'fixed' ? { ids, dims: [texts.length, width] as const } : trimToLongest(ids, lengths, width);
    return { block: await run(rows.ids, rows.dims), truncated };
  }
}
