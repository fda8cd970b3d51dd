/**
 * Layout schemes (docs/layout.md, "Sub-expressions and schemes"): how a child matmul's four binary
 * choices follow from its parent's. P = polarity positive, Lr = left placement right, Rb = right
 * placement bottom, Bk = result back.
 */
import type { Group } from '../params/schema';

export interface Choices {
  positive: boolean;
  leftRight: boolean;
  rightBottom: boolean;
  resultBack: boolean;
}

export function choicesOf(layout: Group): Choices {
  return {
    positive: layout.polarity === 'positive',
    leftRight: layout['left placement'] === 'right',
    rightBottom: layout['right placement'] === 'bottom',
    resultBack: layout['result placement'] === 'back',
  };
}

export function layoutOfChoices(c: Choices): Record<string, string> {
  return {
    polarity: c.positive ? 'positive' : 'negative',
    'left placement': c.leftRight ? 'right' : 'left',
    'right placement': c.rightBottom ? 'bottom' : 'top',
    'result placement': c.resultBack ? 'back' : 'front',
  };
}

export function childChoices(scheme: string, side: 'left' | 'right', c: Choices): Choices {
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
