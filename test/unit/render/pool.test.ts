// Unit tests for src/render/pool.ts with plain objects standing in for views: every call the pool
// makes is recorded, and the expected call lists are written out by hand for each step.
import { describe, it, expect } from 'vitest';
import { KeyedPool } from '../../../src/render/pool';

interface Fake {
  id: number;
  item: string;
}

function recorder() {
  const calls: string[] = [];
  let next = 0;
  const create = (key: string, item: string): Fake => {
    calls.push(`create ${key}=${item}`);
    return { id: next++, item };
  };
  const update = (v: Fake, item: string, key: string): void => {
    calls.push(`update ${key}#${v.id}=${item}`);
    v.item = item;
  };
  const dispose = (v: Fake, key: string): void => {
    calls.push(`dispose ${key}#${v.id}`);
  };
  return { calls, create, update, dispose };
}

describe('KeyedPool', () => {
  it('creates each new key once, updates every key, disposes keys that are gone', () => {
    const pool = new KeyedPool<string, Fake>();
    const r = recorder();
    pool.sync(
      new Map([
        ['a', 'A1'],
        ['b', 'B1'],
      ]),
      r.create,
      r.update,
      r.dispose,
    );
    expect(r.calls).toEqual(['create a=A1', 'update a#0=A1', 'create b=B1', 'update b#1=B1']);
    r.calls.length = 0;

    pool.sync(
      new Map([
        ['b', 'B2'],
        ['c', 'C2'],
      ]),
      r.create,
      r.update,
      r.dispose,
    );
    expect(r.calls).toEqual(['update b#1=B2', 'create c=C2', 'update c#2=C2', 'dispose a#0']);
    expect(pool.size).toBe(2);
    expect(pool.get('a')).toBeUndefined();
    expect(pool.get('b')).toEqual({ id: 1, item: 'B2' });
    expect(pool.get('c')).toEqual({ id: 2, item: 'C2' });
  });

  it('reuses the same object for a key across syncs', () => {
    const pool = new KeyedPool<string, Fake>();
    const r = recorder();
    pool.sync([['x', '1']], r.create, r.update, r.dispose);
    const first = pool.get('x');
    pool.sync([['x', '2']], r.create, r.update, r.dispose);
    expect(pool.get('x')).toBe(first);
    expect(first?.item).toBe('2');
    expect(r.calls.filter((c) => c.startsWith('create'))).toEqual(['create x=1']);
  });

  it('keyed by position (array entries): a shorter list disposes the tail, a longer one adds to it', () => {
    const pool = new KeyedPool<number, Fake>();
    const r = recorder();
    const create = (k: number, item: string) => r.create(String(k), item);
    const update = (v: Fake, item: string, k: number) => r.update(v, item, String(k));
    const dispose = (v: Fake, k: number) => r.dispose(v, String(k));
    pool.sync(['p', 'q', 's'].entries(), create, update, dispose);
    r.calls.length = 0;
    pool.sync(['t'].entries(), create, update, dispose);
    expect(r.calls).toEqual(['update 0#0=t', 'dispose 1#1', 'dispose 2#2']);
    r.calls.length = 0;
    pool.sync(['u', 'v'].entries(), create, update, dispose);
    expect(r.calls).toEqual(['update 0#0=u', 'create 1=v', 'update 1#3=v']);
    expect([...pool.values()].map((v) => v.id)).toEqual([0, 3]);
  });

  it('an empty sync and clear() dispose everything; a key given twice is one object', () => {
    const pool = new KeyedPool<string, Fake>();
    const r = recorder();
    pool.sync(
      [
        ['a', '1'],
        ['a', '2'],
      ],
      r.create,
      r.update,
      r.dispose,
    );
    expect(r.calls).toEqual(['create a=1', 'update a#0=1', 'update a#0=2']);
    expect(pool.size).toBe(1);
    r.calls.length = 0;
    pool.sync([], r.create, r.update, r.dispose);
    expect(r.calls).toEqual(['dispose a#0']);
    expect(pool.size).toBe(0);
    pool.sync(
      [
        ['b', '1'],
        ['c', '1'],
      ],
      r.create,
      r.update,
      r.dispose,
    );
    r.calls.length = 0;
    pool.clear(r.dispose);
    expect(r.calls).toEqual(['dispose b#1', 'dispose c#2']);
    expect(pool.size).toBe(0);
  });
});
