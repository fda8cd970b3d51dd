/**
 * Text in the 3D view: signed-distance-field glyphs in one shared atlas texture.
 *
 * The browser draws each glyph with the bundled font (Roboto, loaded as a FontFace from the
 * bundle: nothing is fetched from another host) and TinySDF turns it into a distance field; a
 * label is one mesh of glyph quads whose shader cuts the field at its edge, so text stays sharp at
 * any zoom. Characters the bundled font lacks come from the system's fonts, never from the network.
 * Glyphs are made once, when a text first needs them.
 */
import * as THREE from 'three';
import TinySDF from '@mapbox/tiny-sdf';
import fontData from '@fontsource/roboto/files/roboto-latin-400-normal.woff?inline';
import {
  halve,
  layoutText,
  ShelfPacker,
  type FontMetrics,
  type GlyphBox,
  type TextGeometry,
} from './text-layout';
import { srgb } from './flat-material';
import { bytesFromBase64 } from '../core/base64';

/** The glyphs' size in the atlas (pixels per em), the room around them and the field's reach. */
const EM = 64;
const BUFFER = 8;
const RADIUS = 12;
/**
 * Fields are made at twice the size and averaged down: the distance a field reads from the
 * browser's anti-aliased drawing wobbles by about a pixel along edges, which shows on large text.
 */
const SUPER = 2;
const CUTOFF = 0.25;
const FAMILY = 'mm3d-text';
/** The bundled font, and the system's where it lacks a character. */
const FAMILIES = `"${FAMILY}", sans-serif`;
const ATLAS_WIDTH = 1024;
const MAX_ATLAS_HEIGHT = 4096;

let fontLoad: Promise<void> | null = null;

/** Shared by every text material: the atlas texture and its size in pixels (set once the atlas exists). */
const atlasUniforms = {
  uMap: { value: new THREE.Texture() },
  uAtlas: { value: new THREE.Vector2(1, 1) },
};

/**
 * Starts loading the bundled font (once); resolves when it can be drawn with. If it cannot be
 * loaded, text falls back to the system's sans-serif font (it still resolves).
 */
export function loadTextFont(): Promise<void> {
  if (!fontLoad) {
    fontLoad = (async () => {
      try {
        // The font is in the bundle (21 KB): no fetch, and the page's load is not held up by one.
        const bytes = bytesFromBase64(fontData.slice(fontData.indexOf(',') + 1));
        const face = new FontFace(FAMILY, bytes);
        document.fonts.add(face);
        await face.load();
        performance.mark('mm3d:font');
      } catch (e) {
        console.warn(
          `mm3d: the text font could not be loaded (${e instanceof Error ? e.message : String(e)}); using the system's sans-serif`,
        );
      }
    })();
  }
  return fontLoad;
}

/** The shared glyph atlas: made on first use, after the font has loaded (a canvas resolves its font when it is set). */
class GlyphAtlas {
  private height = 256;
  private data = new Uint8Array(ATLAS_WIDTH * this.height);
  private readonly packer = new ShelfPacker(ATLAS_WIDTH);
  private readonly glyphs = new Map<string, GlyphBox | null>();
  private readonly sdf = new TinySDF({
    fontSize: EM * SUPER,
    buffer: BUFFER * SUPER,
    radius: RADIUS * SUPER,
    cutoff: CUTOFF,
    fontFamily: FAMILIES,
  });
  private readonly ctx: CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D;
  readonly metrics: FontMetrics;
  private dirty = false;

  constructor() {
    atlasUniforms.uMap.value = this.makeTexture();
    atlasUniforms.uAtlas.value.set(ATLAS_WIDTH, this.height);
    const canvas =
      typeof OffscreenCanvas !== 'undefined'
        ? new OffscreenCanvas(8, 8)
        : document.createElement('canvas');
    this.ctx = canvas.getContext('2d') as
      CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D;
    this.ctx.font = `${EM}px ${FAMILIES}`;
    const m = this.ctx.measureText('Hg');
    this.metrics = {
      ascent: m.fontBoundingBoxAscent || EM * 0.93,
      descent: m.fontBoundingBoxDescent || EM * 0.24,
      measure: (s: string) => this.ctx.measureText(s).width,
    };
  }

  private makeTexture(): THREE.DataTexture {
    const t = new THREE.DataTexture(
      this.data,
      ATLAS_WIDTH,
      this.height,
      THREE.RedFormat,
      THREE.UnsignedByteType,
    );
    t.minFilter = THREE.LinearFilter;
    t.magFilter = THREE.LinearFilter;
    t.generateMipmaps = false;
    t.unpackAlignment = 1;
    t.needsUpdate = true;
    return t;
  }

  /** The glyph for one character (made now if new); null when it has nothing to draw or no room is left. */
  glyph(ch: string): GlyphBox | null {
    const known = this.glyphs.get(ch);
    if (known !== undefined) return known;
    const big = this.sdf.draw(ch);
    let box: GlyphBox | null = null;
    if (big.glyphWidth > 0 && big.glyphHeight > 0) {
      const g = halve(big.data, big.width, big.height);
      const at = this.packer.place(g.width, g.height);
      if (at && this.room(this.packer.bottom)) {
        for (let r = 0; r < g.height; r++)
          this.data.set(
            g.data.subarray(r * g.width, (r + 1) * g.width),
            (at.y + r) * ATLAS_WIDTH + at.x,
          );
        box = {
          x: at.x,
          y: at.y,
          w: g.width,
          h: g.height,
          left: (big.glyphLeft - BUFFER * SUPER) / SUPER,
          top: (big.glyphTop + BUFFER * SUPER) / SUPER,
        };
        this.dirty = true;
      }
    }
    this.glyphs.set(ch, box);
    return box;
  }

  /** Makes the atlas at least `rows` tall (doubling); false when it would pass the largest size. */
  private room(rows: number): boolean {
    if (rows <= this.height) return true;
    let h = this.height;
    while (h < rows) h *= 2;
    if (h > MAX_ATLAS_HEIGHT) return false;
    const data = new Uint8Array(ATLAS_WIDTH * h);
    data.set(this.data);
    this.data = data;
    this.height = h;
    atlasUniforms.uMap.value.dispose();
    atlasUniforms.uMap.value = this.makeTexture();
    atlasUniforms.uAtlas.value.set(ATLAS_WIDTH, h);
    return true;
  }

  /** Sends new glyphs to the GPU (before the next draw). */
  flush(): void {
    if (!this.dirty) return;
    this.dirty = false;
    atlasUniforms.uMap.value.needsUpdate = true;
  }

  layout(text: string): TextGeometry {
    const g = layoutText(text, this.metrics, (ch) => this.glyph(ch));
    this.flush();
    return g;
  }
}

let atlas: GlyphAtlas | null = null;
/** The atlas; only once the font has loaded. */
function theAtlas(): GlyphAtlas {
  atlas ??= new GlyphAtlas();
  return atlas;
}

/**
 * Loads the font and sets up the atlas, so that the first texts only make their own glyphs (each
 * glyph costs a few milliseconds: only those a text needs are made). Resolves when done.
 */
export async function prepareText(): Promise<void> {
  await loadTextFont();
  theAtlas();
}

const vertexShader = /* glsl */ `
out vec2 vUv;
void main() {
  vUv = uv;
  gl_Position = projectionMatrix * modelViewMatrix * vec4(position, 1.0);
}
`;

const fragmentShader = /* glsl */ `
precision highp float;
uniform sampler2D uMap;
uniform vec2 uAtlas;
uniform vec3 uColor;
uniform float uOpacity;
in vec2 vUv;
out vec4 fragColor;
void main() {
  float field = texture(uMap, vUv / uAtlas).r;
  // Distance outside the glyph's edge, in atlas pixels, then in screen pixels.
  float d = (${(1 - CUTOFF).toFixed(4)} - field) * ${RADIUS.toFixed(1)};
  float perPixel = max(length(fwidth(vUv)) * 0.7071, 1e-3);
  float a = clamp(0.5 - d / perPixel, 0.0, 1.0) * uOpacity;
  if (a <= 0.0) discard;
  fragColor = vec4(uColor, a);
}
`;

const materials = new Map<number, THREE.ShaderMaterial>();
/** One material per colour (sRGB hex), all sharing the atlas. */
function textMaterial(color: number): THREE.ShaderMaterial {
  let m = materials.get(color);
  if (!m) {
    m = new THREE.ShaderMaterial({
      glslVersion: THREE.GLSL3,
      vertexShader,
      fragmentShader,
      uniforms: {
        uMap: atlasUniforms.uMap,
        uAtlas: atlasUniforms.uAtlas,
        uColor: { value: srgb(color) },
        uOpacity: { value: 1 },
      },
      side: THREE.DoubleSide,
      transparent: true,
    });
    materials.set(color, m);
  }
  return m;
}

/**
 * One label: a line (or a few) of text, centred on its origin, in the local xy plane (x to the
 * right, y up), `size` world units per em. It is laid out when the font is there (`ready`).
 */
export class TextLabel extends THREE.Mesh<THREE.BufferGeometry, THREE.ShaderMaterial> {
  /** Resolves when the glyphs are laid out. */
  readonly ready: Promise<void>;
  /** How many glyphs are drawn (0 until laid out). */
  glyphs = 0;
  private disposed = false;

  /**
   * `maxWidth`: a wider text shrinks to fit it (world units).
   */
  constructor(
    readonly text: string,
    size: number,
    color: number,
    maxWidth = Infinity,
  ) {
    // Empty positions until the glyphs are laid out: three keys programs on whether a geometry
    // has positions, and the program compiled ahead of the first frame must be the one it uses.
    const empty = new THREE.BufferGeometry();
    empty.setAttribute('position', new THREE.BufferAttribute(new Float32Array(0), 3));
    super(empty, textMaterial(color));
    this.frustumCulled = false;
    this.ready = loadTextFont().then(() => {
      if (this.disposed) return;
      const g = theAtlas().layout(text);
      let scale = size / EM;
      if (g.width * scale > maxWidth) scale = maxWidth / g.width;
      const pos = g.positions;
      for (let i = 0; i < pos.length; i++) pos[i]! *= scale;
      this.geometry.setAttribute('position', new THREE.BufferAttribute(pos, 3));
      this.geometry.setAttribute('uv', new THREE.BufferAttribute(g.uvs, 2));
      this.geometry.setIndex(new THREE.BufferAttribute(g.indices, 1));
      this.glyphs = g.glyphs;
    });
  }

  override dispose(): void {
    this.disposed = true;
    this.geometry.dispose();
    super.dispose();
  }
}
