// The package ships types that its package.json does not point to; this declares what we use.
declare module 'troika-three-text' {
  import type { Mesh } from 'three';
  export class Text extends Mesh {
    text: string;
    font: string | null;
    fontSize: number;
    anchorX: number | string;
    anchorY: number | string;
    color: number | string;
    outlineWidth: number | string;
    outlineColor: number | string;
    sync(callback?: () => void): void;
    dispose(): void;
  }
  export function configureTextBuilder(config: Record<string, unknown>): void;
}
