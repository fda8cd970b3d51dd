/**
 * Lays out lines of text as glyph quads (pure arithmetic; the glyph images and the font's
 * measurements come from the caller). Units are the glyph atlas's pixels; y points up.
 *
 * Each glyph's pen position is the measured width of the line before it, so the font's kerning is
 * kept. Lines are centred on each other; the block is centred on the origin (both ways).
 */

/** One glyph image in the atlas: where it is, its size, and where it sits against its pen position. */
export interface GlyphBox {
  /** Top-left corner of the image in the atlas (pixels, rows counted from the atlas's top). */
  x: number;
  y: number;
  /** Size of the image (pixels). */
  w: number;
  h: number;
  /** Left edge of the image right of the pen position, and its top above the baseline. */
  left: number;
  top: number;
}

export interface FontMetrics {
  /** Width of a run of text (pixels), with the font's kerning. */
  measure(s: string): number;
  /** The font's ascent above and descent below the baseline (pixels, both positive). */
  ascent: number;
  descent: number;
}

export interface TextGeometry {
  /** Per glyph 4 corners (x, y, 0): top-left, top-right, bottom-left, bottom-right. */
  positions: Float32Array;
  /** Per corner the atlas pixel it shows. */
  uvs: Float32Array;
  /** Two triangles per glyph. */
  indices: Uint32Array;
  /** The glyphs laid out (spaces and other empty glyphs are left out). */
  glyphs: number;
  /** Size of the block: the widest line, and the lines' heights. */
  width: number;
  height: number;
}

/**
 * Lays out `text` (lines split at '\n') with `glyph` giving each character's image (or null for one
 * with nothing to draw) and `font` its measurements.
 */
export function layoutText(
  text: string,
  font: FontMetrics,
  glyph: (ch: string) => GlyphBox | null,
): TextGeometry {
  const lines = text.split('\n');
  const lineHeight = font.ascent + font.descent;
  const widths = lines.map((l) => font.measure(l));
  const width = Math.max(0, ...widths);
  const height = lines.length * lineHeight;
  const boxes: { box: GlyphBox; x: number; y: number }[] = [];
  lines.forEach((line, k) => {
    const x0 = -widths[k]! / 2;
    const baseline = height / 2 - k * lineHeight - font.ascent;
    let before = '';
    for (const ch of line) {
      const box = glyph(ch);
      if (box && box.w > 0 && box.h > 0)
        boxes.push({ box, x: x0 + font.measure(before) + box.left, y: baseline + box.top });
      before += ch;
    }
  });
  const positions = new Float32Array(boxes.length * 12);
  const uvs = new Float32Array(boxes.length * 8);
  const indices = new Uint32Array(boxes.length * 6);
  boxes.forEach(({ box, x, y }, i) => {
    const p = i * 12;
    const corners = [x, y, x + box.w, y, x, y - box.h, x + box.w, y - box.h];
    const atlas = [
      box.x,
      box.y,
      box.x + box.w,
      box.y,
      box.x,
      box.y + box.h,
      box.x + box.w,
      box.y + box.h,
    ];
    for (let c = 0; c < 4; c++) {
      positions[p + c * 3] = corners[c * 2]!;
      positions[p + c * 3 + 1] = corners[c * 2 + 1]!;
      uvs[i * 8 + c * 2] = atlas[c * 2]!;
      uvs[i * 8 + c * 2 + 1] = atlas[c * 2 + 1]!;
    }
    const v = i * 4;
    indices.set([v, v + 2, v + 1, v + 1, v + 2, v + 3], i * 6);
  });
  return { positions, uvs, indices, glyphs: boxes.length, width, height };
}

/**
 * Shelf packing for the glyph atlas: images are placed left to right on shelves as tall as their
 * tallest image; a new shelf starts below when a row is full. Returns null when `width` is too
 * narrow for the image; the caller grows the atlas when `bottom` passes its height.
 */
export class ShelfPacker {
  private x = 0;
  private y = 0;
  private shelf = 0;
  constructor(
    readonly width: number,
    private readonly pad = 1,
  ) {}

  /** Where an image of w x h goes (top-left corner). */
  place(w: number, h: number): { x: number; y: number } | null {
    if (w + this.pad > this.width) return null;
    if (this.x + w + this.pad > this.width) {
      this.y += this.shelf;
      this.x = 0;
      this.shelf = 0;
    }
    const at = { x: this.x, y: this.y };
    this.x += w + this.pad;
    this.shelf = Math.max(this.shelf, h + this.pad);
    return at;
  }

  /** The lowest row used so far (exclusive). */
  get bottom(): number {
    return this.y + this.shelf;
  }
}

/**
 * Halves an image (w x h, one byte per pixel): each pixel of the result is the mean of a 2 x 2
 * block; blocks past the right or bottom edge count the missing pixels as 0.
 */
export function halve(
  data: ArrayLike<number>,
  w: number,
  h: number,
): { data: Uint8Array; width: number; height: number } {
  const width = Math.ceil(w / 2);
  const height = Math.ceil(h / 2);
  const out = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let sum = 0;
      for (let dy = 0; dy < 2; dy++) {
        const yy = 2 * y + dy;
        if (yy >= h) continue;
        for (let dx = 0; dx < 2; dx++) {
          const xx = 2 * x + dx;
          if (xx < w) sum += data[yy * w + xx]!;
        }
      }
      out[y * width + x] = Math.round(sum / 4);
    }
  }
  return { data: out, width, height };
}
