/**
 * GPT-2's tokenizer (byte-level BPE, the r50k_base vocabulary of 50257 tokens), from the
 * `gpt-tokenizer` package, which bundles the vocabulary. It is imported on first use only, so the
 * explorer's worker loads its ~1 MB chunk when a GPT-2 checkpoint is opened, never for the
 * built-in model. Special tokens such as `<|endoftext|>` in a user's text are read as plain text.
 */

export interface Tokenizer {
  encode(text: string): number[];
  decode(ids: readonly number[]): string;
  /** One token as text for readouts; a token that is part of a multi-byte character shows as `⟨…⟩`. */
  piece(id: number): string;
}

let loading: Promise<Tokenizer> | null = null;

export function gpt2Tokenizer(): Promise<Tokenizer> {
  loading ??= import('gpt-tokenizer/encoding/r50k_base').then((m) => {
    const plain = { disallowedSpecial: new Set<string>() };
    return {
      encode: (text) => m.encode(text, plain),
      decode: (ids) => m.decode([...ids]),
      piece: (id) => {
        const s = m.decode([id]);
        return s === '' || s.includes('\uFFFD') ? '⟨…⟩' : s;
      },
    };
  });
  loading.catch(() => (loading = null));
  return loading;
}
