// Animation input types and tree helpers.
//
// This module owns the minimal description of an expression tree that the animation code needs
// (`AnimNode`: matrices and matmuls with shapes, algorithm and block counts), the small shared
// value types (block counts, half-open ranges), and the tree walks every other anim module uses:
// post-order listing, parent links, and resolution of `inherit` algorithms (docs/animation.md,
// "Compound expressions"). The app's parameter tree is adapted to these types by the caller;
// nothing here knows about it.

export type Alg =
  'none' | 'dotprod (row major)' | 'dotprod (col major)' | 'axpy' | 'vmprod' | 'mvprod' | 'vvprod';

export const ALGS: readonly Alg[] = [
  'none',
  'dotprod (row major)',
  'dotprod (col major)',
  'axpy',
  'vmprod',
  'mvprod',
  'vvprod',
];

export type AnimMatrix = { kind: 'matrix'; id: string; h: number; w: number };
export type AnimMatmul = {
  kind: 'matmul';
  id: string;
  I: number;
  K: number;
  J: number;
  alg: Alg | 'inherit';
  blocks: { i: number; k: number; j: number };
  left: AnimNode;
  right: AnimNode;
};
export type AnimNode = AnimMatrix | AnimMatmul;
export type Fuse = 'none' | 'sync' | 'async';

/** Block counts of one matmul along its three axes (requested counts, see blocks.ts). */
export type BlockCounts = { i: number; k: number; j: number };
export type Axis = 'i' | 'j' | 'k';
/** Half-open integer range [start, end). */
export type Range = readonly [number, number];
export type Side = 'left' | 'right';

/** Every matmul of the tree, children before parents (left subtree, right subtree, node). */
export function matmulsPostOrder(root: AnimNode): AnimMatmul[] {
  const out: AnimMatmul[] = [];
  const visit = (n: AnimNode): void => {
    if (n.kind !== 'matmul') return;
    visit(n.left);
    visit(n.right);
    out.push(n);
  };
  visit(root);
  return out;
}

export type ParentLink = { parent: AnimMatmul; side: Side };

/** For every non-root matmul: its parent matmul and which argument of the parent it is. */
export function parentLinks(root: AnimNode): Map<string, ParentLink> {
  const out = new Map<string, ParentLink>();
  for (const m of matmulsPostOrder(root)) {
    if (m.left.kind === 'matmul') out.set(m.left.id, { parent: m, side: 'left' });
    if (m.right.kind === 'matmul') out.set(m.right.id, { parent: m, side: 'right' });
  }
  return out;
}

/**
 * The algorithm each matmul actually runs: `inherit` takes the parent's resolved algorithm;
 * `none` at the root disables all animation (every matmul resolves to `none`).
 * Throws if the root says `inherit` (it has no parent to inherit from).
 */
export function resolveAlgs(root: AnimNode): Map<string, Alg> {
  const out = new Map<string, Alg>();
  if (root.kind !== 'matmul') return out;
  if (root.alg === 'inherit')
    throw new Error(`root matmul ${root.id}: alg 'inherit' is not allowed`);
  const rootNone = root.alg === 'none';
  const visit = (n: AnimNode, parentAlg: Alg): void => {
    if (n.kind !== 'matmul') return;
    const own: Alg = rootNone ? 'none' : n.alg === 'inherit' ? parentAlg : n.alg;
    out.set(n.id, own);
    visit(n.left, own);
    visit(n.right, own);
  };
  visit(root, root.alg);
  return out;
}

/** Number of matmuls in the tree. */
export function countMatmuls(root: AnimNode): number {
  return root.kind === 'matmul' ? 1 + countMatmuls(root.left) + countMatmuls(root.right) : 0;
}
