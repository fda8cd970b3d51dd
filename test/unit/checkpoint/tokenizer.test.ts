/** GPT-2's tokenizer as the explorer loads it: known ids (from GPT-2's published vocabulary) and a unicode round trip. */
import { describe, expect, it } from 'vitest';
import { gpt2Tokenizer } from '../../../src/data/tokenizer';

describe('GPT-2 tokenizer', () => {
  it('encodes "Hello world" as GPT-2 does', async () => {
    const tok = await gpt2Tokenizer();
    expect(tok.encode('Hello world')).toEqual([15496, 995]);
    expect(tok.piece(15496)).toBe('Hello');
    expect(tok.piece(995)).toBe(' world');
  });

  it('round-trips unicode text and reads special tokens as plain text', async () => {
    const tok = await gpt2Tokenizer();
    for (const text of [
      'héllo wörld ✓ 日本語 🙂',
      'Ω≈ç√∫˜µ≤≥÷ – “quotes” \n\ttabs',
      '<|endoftext|> is text here',
    ]) {
      const ids = tok.encode(text);
      expect(ids.every((i) => Number.isInteger(i) && i >= 0 && i < 50257)).toBe(true);
      expect(tok.decode(ids)).toBe(text);
    }
    expect(tok.encode('<|endoftext|>')).not.toContain(50256);
  });
});
