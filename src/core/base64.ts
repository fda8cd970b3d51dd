/** The bytes a base64 string encodes (for data built into the bundle: the product kernel, the font). */
export function bytesFromBase64(b64: string): Uint8Array<ArrayBuffer> {
  return Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
}
