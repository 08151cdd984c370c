/** A map that forgets its oldest entries beyond a size: for parsed documents and plans. */
export class BoundedCache<K, V> {
  private readonly entries = new Map<K, V>();

  constructor(private readonly capacity: number) {}

  getOrSet(key: K, create: () => V): V {
    const found = this.entries.get(key);
    if (found !== undefined) return found;
    const value = create();
    this.entries.set(key, value);
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value as K;
      this.entries.delete(oldest);
    }
    return value;
  }
}
