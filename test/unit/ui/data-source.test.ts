// In-memory data sources (ui/data.ts registerDataSource): values a source holds already are on
// the leaf as soon as the state is synced, without a second computation; values still on their
// way arrive later and tell the app.
import { describe, expect, it } from 'vitest';
import { DataManager, registerDataSource, type InMemoryMatrix } from '../../../src/ui/data';
import { normalize } from '../../../src/core/params/normalize';
import { defaultParams } from '../../../src/core/params/schema';
import type { LeafData } from '../../../src/core/model/values';

/** `A @ B` with A read from `ref`. */
function stateWith(ref: string) {
  const p = normalize({ ...defaultParams(), expr: 'A @ B' }, { fromExpr: true }).params;
  const left = p.left as unknown as Record<string, unknown>;
  left.init = 'url';
  left.url = ref;
  return p;
}

const matrix = (h: number, w: number, base: number): InMemoryMatrix => ({
  h,
  w,
  data: Float32Array.from({ length: h * w }, (_, i) => base + i),
});

describe('data sources', () => {
  it('takes values a source holds already while syncing, without telling the app', () => {
    const held = matrix(2, 3, 10);
    let loads = 0;
    registerDataSource(
      'held-test:',
      () => {
        loads++;
        return Promise.resolve(held);
      },
      (ref) => (ref === 'held-test:a' ? held : undefined),
    );
    const leafData: LeafData = new Map();
    let changed = 0;
    const dm = new DataManager(leafData, { changed: () => changed++, progress: () => undefined });
    dm.sync(stateWith('held-test:a'));
    const v = leafData.get('left');
    expect(v && 'data' in v ? [v.h, v.w, [...v.data]] : v).toEqual([
      2,
      3,
      [10, 11, 12, 13, 14, 15],
    ]);
    expect(dm.loading).toBe(false);
    expect(changed).toBe(0);
    expect(loads).toBe(0);
  });

  it('loads what the source does not hold yet, and tells the app when it arrives', async () => {
    const later = matrix(1, 2, 5);
    registerDataSource(
      'later-test:',
      () => Promise.resolve(later),
      () => undefined,
    );
    const leafData: LeafData = new Map();
    let changed = 0;
    const dm = new DataManager(leafData, { changed: () => changed++, progress: () => undefined });
    dm.sync(stateWith('later-test:a'));
    expect(leafData.has('left')).toBe(false);
    expect(dm.loading).toBe(true);
    await new Promise((r) => setTimeout(r, 0));
    const v = leafData.get('left');
    expect(v && 'data' in v ? [...v.data] : v).toEqual([5, 6]);
    expect(changed).toBe(1);
    expect(dm.loading).toBe(false);
  });

  it('a load still on its way does not overwrite values taken at once for a newer state', async () => {
    let finish: (m: InMemoryMatrix) => void = () => undefined;
    registerDataSource(
      'race-test:',
      (ref) =>
        ref === 'race-test:slow'
          ? new Promise<InMemoryMatrix>((r) => (finish = r))
          : Promise.resolve(matrix(1, 1, 0)),
      (ref) => (ref === 'race-test:held' ? matrix(1, 2, 7) : undefined),
    );
    const leafData: LeafData = new Map();
    const dm = new DataManager(leafData, { changed: () => undefined, progress: () => undefined });
    dm.sync(stateWith('race-test:slow'));
    dm.sync(stateWith('race-test:held'));
    finish(matrix(3, 3, 100));
    await new Promise((r) => setTimeout(r, 0));
    const v = leafData.get('left');
    expect(v && 'data' in v ? [...v.data] : v).toEqual([7, 8]);
    expect(dm.loading).toBe(false);
  });

  it('falls back to the ordinary load when peeking fails', async () => {
    registerDataSource(
      'broken-test:',
      () => Promise.reject(new Error('no such head')),
      () => {
        throw new Error('bad reference');
      },
    );
    const leafData: LeafData = new Map();
    const dm = new DataManager(leafData, { changed: () => undefined, progress: () => undefined });
    dm.sync(stateWith('broken-test:x'));
    await new Promise((r) => setTimeout(r, 0));
    expect(leafData.get('left')).toEqual({ error: 'no such head' });
  });
});
