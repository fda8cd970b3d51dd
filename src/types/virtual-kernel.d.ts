/** The product kernel compiled to WebAssembly (see vite.config.ts, plugin "mm3d-kernel"), base64. */
declare module 'virtual:mm3d-kernel' {
  const base64: string;
  export default base64;
}

/** The bench's bare SIMD multiply-add loop (wasm/ceiling.ts) compiled to WebAssembly, base64. */
declare module 'virtual:mm3d-ceiling' {
  const base64: string;
  export default base64;
}
