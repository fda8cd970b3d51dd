// Shared by the bench scripts (bench/run.mjs, startup-trace.mjs, draw-trace.mjs): the floor pages
// and the command line's numeric options.

// The machine's floor: a bare WebGL page (one quad over 60 % of a 1200x800 canvas, redrawn every
// frame). Its frame times, measured in the same run, say what any page gets from this browser and
// machine at that moment; the scenes' frame times read against it. Its open time (the mark
// `floor:ready`, at the frame after the first quad was drawn, as the tool marks `mm3d:ready` at
// the frame after its first picture) is the floor for the scenes' open times.
export const FLOOR_HTML = `<!doctype html><meta charset="utf-8"><title>floor</title><link rel="icon" href="data:,"><body style="margin:0;background:#000">
<canvas id="c" width="1200" height="800" style="width:1200px;height:800px"></canvas><script>
const gl = document.getElementById('c').getContext('webgl2', { antialias: false });
const sh = (t, src) => { const s = gl.createShader(t); gl.shaderSource(s, src); gl.compileShader(s); return s; };
const p = gl.createProgram();
gl.attachShader(p, sh(gl.VERTEX_SHADER, '#version 300 es\\nin vec2 q; void main() { gl_Position = vec4(q * 0.775, 0.5, 1.0); }'));
gl.attachShader(p, sh(gl.FRAGMENT_SHADER, '#version 300 es\\nprecision highp float; uniform float t; out vec4 o; void main() { o = vec4(t, 0.4, 0.7, 1.0); }'));
gl.linkProgram(p); gl.useProgram(p);
gl.bindBuffer(gl.ARRAY_BUFFER, gl.createBuffer());
gl.bufferData(gl.ARRAY_BUFFER, new Float32Array([-1, -1, 1, -1, -1, 1, 1, 1]), gl.STATIC_DRAW);
gl.enableVertexAttribArray(0); gl.vertexAttribPointer(0, 2, gl.FLOAT, false, 0, 0);
const u = gl.getUniformLocation(p, 't');
window.stamps = [];
const frame = (now) => { if (window.stamps.length === 1) performance.mark('floor:ready'); window.stamps.push(now); gl.clear(gl.COLOR_BUFFER_BIT); gl.uniform1f(u, (now % 1000) / 1000); gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4); requestAnimationFrame(frame); };
requestAnimationFrame(frame);
</script>`;

/**
 * The floor page plus a page's first-frame programs: before its first quad the page links the
 * programs given (pairs of vertex and fragment sources, as the tool's page linked them) and draws
 * each once, with nothing to rasterize (no vertex data: every vertex at one point), into a canvas
 * made with the tool's context attributes. With software rendering a program's first draw is
 * where its code is generated, so this page's open time is what the programs alone add to the
 * floor: a lower bound for any page that draws them, whatever its own code costs.
 */
export function programsFloorHtml(programs) {
  const list = JSON.stringify(programs).replace(/</g, '\\u003c');
  // Each edit must find its text in the floor page (a changed floor page must change them too).
  const edit = (html, from, to) => {
    if (!html.includes(from)) throw new Error(`the floor page has no "${from}"`);
    return html.replace(from, () => to);
  };
  let html = edit(FLOOR_HTML, '<title>floor</title>', '<title>floor + programs</title>');
  html = edit(
    html,
    "getContext('webgl2', { antialias: false })",
    "getContext('webgl2', { alpha: true, depth: true, stencil: false, antialias: false, premultipliedAlpha: true, preserveDrawingBuffer: false, powerPreference: 'high-performance' })",
  );
  html = edit(
    html,
    'window.stamps = [];',
    `const extra = ${list}.map(([vs, fs]) => { const x = gl.createProgram(); gl.attachShader(x, sh(gl.VERTEX_SHADER, vs)); gl.attachShader(x, sh(gl.FRAGMENT_SHADER, fs)); gl.linkProgram(x); return x; });
let drawn = false;
window.stamps = [];`,
  );
  return edit(
    html,
    'gl.clear(gl.COLOR_BUFFER_BIT);',
    'gl.clear(gl.COLOR_BUFFER_BIT); if (!drawn) { drawn = true; gl.disableVertexAttribArray(0); gl.enable(gl.DEPTH_TEST); for (const x of extra) { gl.useProgram(x); gl.drawArrays(gl.TRIANGLES, 0, 3); } gl.disable(gl.DEPTH_TEST); gl.useProgram(p); gl.enableVertexAttribArray(0); }',
  );
}

/** Takes `name N` out of `args` (in place) and returns N, or `def` when absent or not a number. */
export function numberOption(args, name, def) {
  const i = args.indexOf(name);
  if (i < 0) return def;
  const v = Number(args[i + 1]);
  args.splice(i, 2);
  return Number.isFinite(v) ? v : def;
}
