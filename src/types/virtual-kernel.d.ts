/**
 * The product kernel compiled to WebAssembly (see vite.config.ts, plugin "mm3d-kernel"), base64:
 * with relaxed SIMD, then with plain SIMD only (a thread takes the first its engine accepts).
 */
declare module 'virtual:mm3d-kernel' {
  const base64: string[];
  export default base64;
}

/** The bench's bare SIMD multiply-add loops (wasm/ceiling.ts), built the same two ways, base64. */
declare module 'virtual:mm3d-ceiling' {
  const base64: string[];
  export default base64;
}
