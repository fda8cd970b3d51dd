/**
 * A keyed pool of per-item objects (a matrix view per matrix, a flow arrow per matmul, a plane per
 * interior plane shown…): `sync` makes the pool hold exactly one object per given key, creating
 * what is new, updating everything given, disposing what is gone. Objects are reused by key, so
 * a state change touches only what changed and GPU resources live as long as their item. Knows
 * nothing of three.js (the callbacks add to and remove from the scene), so it is tested without
 * WebGL.
 */
export class KeyedPool<K, V> {
  private readonly items = new Map<K, V>();

  /**
   * Makes the pool hold one object per key of `entries` (`[key, item]` pairs, e.g. a Map or
   * `array.entries()`), in their order: `create(key, item)` for a key not held, then
   * `update(object, item, key)` for every entry (just created or reused); afterwards
   * `dispose(object, key)` for each held key not among the entries. A key given twice is one
   * object, updated twice.
   */
  sync<T>(
    entries: Iterable<readonly [K, T]>,
    create: (key: K, item: T) => V,
    update: (value: V, item: T, key: K) => void,
    dispose: (value: V, key: K) => void,
  ): void {
    const seen = new Set<K>();
    for (const [key, item] of entries) {
      seen.add(key);
      let value = this.items.get(key);
      if (value === undefined) {
        value = create(key, item);
        this.items.set(key, value);
      }
      update(value, item, key);
    }
    for (const [key, value] of this.items) {
      if (seen.has(key)) continue;
      this.items.delete(key);
      dispose(value, key);
    }
  }

  /** Disposes every object held (as `sync` with no entries). */
  clear(dispose: (value: V, key: K) => void): void {
    for (const [key, value] of this.items) {
      this.items.delete(key);
      dispose(value, key);
    }
  }

  get(key: K): V | undefined {
    return this.items.get(key);
  }

  get size(): number {
    return this.items.size;
  }

  /** The objects held, in the order their keys were first synced. */
  values(): IterableIterator<V> {
    return this.items.values();
  }

  entries(): IterableIterator<[K, V]> {
    return this.items.entries();
  }
}
