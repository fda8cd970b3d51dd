/**
 * Camera framing: the whole expression in view. The default view of the default expression is
 * the reference one (camera at (-48, 48, 48) looking at the centre); other expressions keep the
 * direction and scale the distance with the size of their bounding box.
 */
import type { Layout } from '../core/layout/layout';
import type { Params } from '../core/params/schema';

/** Distance per unit of bounding-box half-diagonal: the default cube's box gives exactly 48√3. */
const DISTANCE_PER_RADIUS = 48 / 19.5;

export function fitCamera(
  layout: Layout,
  from: Params['cam'],
  keepDirection: boolean,
): Params['cam'] {
  const { min, max } = layout.bounds;
  const c = [(min[0] + max[0]) / 2, (min[1] + max[1]) / 2, (min[2] + max[2]) / 2] as const;
  const h = [(max[0] - min[0]) / 2, (max[1] - min[1]) / 2, (max[2] - min[2]) / 2];
  const radius = Math.hypot(h[0]!, h[1]!, h[2]!);
  let d = keepDirection
    ? [from.x - from.target.x, from.y - from.target.y, from.z - from.target.z]
    : [-1, 1, 1];
  const len = Math.hypot(d[0]!, d[1]!, d[2]!) || 1;
  d = d.map((x) => x / len);
  const dist = radius * DISTANCE_PER_RADIUS;
  const r = (x: number): number => Math.round(x * 1000) / 1000;
  return {
    x: r(c[0] + d[0]! * dist),
    y: r(c[1] + d[1]! * dist),
    z: r(c[2] + d[2]! * dist),
    target: { x: r(c[0]), y: r(c[1]), z: r(c[2]) },
  };
}
