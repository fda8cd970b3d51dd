/**
 * Layout schemes (docs/layout.md, "Sub-expressions and schemes"): how a child matmul's four binary
 * choices follow from its parent's. P = polarity positive, Lr = left placement right, Rb = right
 * placement bottom, Bk = result back.
 */
import type { PlacementGroup, Scheme } from '../params/schema';

/** The four placement properties of a layout folder. */
export type Placement = Omit<PlacementGroup, 'folder'>;

export interface Choices {
  positive: boolean;
  leftRight: boolean;
  rightBottom: boolean;
  resultBack: boolean;
}

export function choicesOf(layout: Placement): Choices {
  return {
    positive: layout.polarity === 'positive',
    leftRight: layout.leftPlacement === 'right',
    rightBottom: layout.rightPlacement === 'bottom',
    resultBack: layout.resultPlacement === 'back',
  };
}

export function layoutOfChoices(c: Choices): Placement {
  return {
    polarity: c.positive ? 'positive' : 'negative',
    leftPlacement: c.leftRight ? 'right' : 'left',
    rightPlacement: c.rightBottom ? 'bottom' : 'top',
    resultPlacement: c.resultBack ? 'back' : 'front',
  };
}

export function childChoices(scheme: Scheme, side: 'left' | 'right', c: Choices): Choices {
  const { positive: P, leftRight: Lr, rightBottom: Rb, resultBack: Bk } = c;
  switch (scheme) {
    case 'wheel':
      return { ...c };
    case 'zigzag':
      return side === 'left'
        ? { positive: !P, leftRight: P !== Bk, rightBottom: Rb, resultBack: P === Lr }
        : { positive: !P, leftRight: Lr, rightBottom: P !== Bk, resultBack: P === Rb };
    case 'blocks':
    default:
      return side === 'left'
        ? { positive: !P, leftRight: P !== Bk, rightBottom: !Rb, resultBack: P === Lr }
        : { positive: !P, leftRight: !Lr, rightBottom: P !== Bk, resultBack: P === Rb };
  }
}

/**
 * The choices a child is actually placed with: `childChoices`, except under the wheel, where a
 * child's result side is fixed by geometry (it must face away from its parent, as the blocks and
 * zigzag rules for Bk say). Copying it as well would fold every child into its parent, so the
 * wheel copies the other three choices only. The layout places children with this, and switching
 * to the custom scheme writes exactly this into each child, so the picture does not move.
 */
export function placedChildChoices(scheme: Scheme, side: 'left' | 'right', c: Choices): Choices {
  const cc = childChoices(scheme, side, c);
  if (scheme !== 'wheel') return cc;
  return {
    ...cc,
    resultBack: side === 'left' ? c.positive === c.leftRight : c.positive === c.rightBottom,
  };
}
