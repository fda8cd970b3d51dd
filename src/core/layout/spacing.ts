/**
 * Spacing between a child matmul and its parent (docs/layout.md, "Spacing"): a child of `count`
 * matmuls sits `scatter * mult` further out, mult = 0 below `molecule`, count**blast for
 * blast >= 0, and (total - count)**-blast for blast < 0. Plain matrices are never scattered.
 */
export function scatterMultiplier(
  count: number,
  molecule: number,
  blast: number,
  total: number,
): number {
  if (count <= 0 || count < molecule) return 0;
  return blast >= 0 ? count ** blast : (total - count) ** -blast;
}
