// The tokenizer.json pipeline of the families beside CLIP, run by @huggingface/tokenizers: the
// one package the core's family tokenizer needs, handed to it from here (the core imports none).
import { Tokenizer } from '@huggingface/tokenizers';
import type { PieceTokenizerFactory } from '../../core/text/family-tokenizer';

export const huggingFaceTokenizer: PieceTokenizerFactory = (json, config) => {
  const tokenizer = new Tokenizer(json, config);
  return {
    encode: (text) => tokenizer.encode(text, { add_special_tokens: false }).ids,
    tokenToId: (token) => tokenizer.token_to_id(token),
  };
};
