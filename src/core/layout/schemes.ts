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
