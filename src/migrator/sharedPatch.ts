/**
 * Replaces `target[key]` with `value`; the function returned puts back exactly what was there: the own
 * value it had, or none (so a prototype's method shows through again).
 */
export function overrideProperty<T extends object, K extends keyof T>(target: T, key: K, value: T[K]): () => void {
  const hadOwn = Object.prototype.hasOwnProperty.call(target, key);
  const previous = target[key];
  target[key] = value;
  return () => {
    if (hadOwn) target[key] = previous;
    else delete (target as Partial<T>)[key];
  };
}

/**
 * Patches on one object that nested runs share: the first `enter` applies them, the last leave takes
 * them back (a migration's own nested transaction, a verify that migrates inside a run).
 */
export class SharedPatch<K extends object> {
  private readonly active = new Map<K, { depth: number; restore: () => void }>();

  /** `apply` patches `key` and returns the way back; it runs only when `key` is not patched yet. */
  enter(key: K, apply: () => () => void): () => void {
    const entry = this.active.get(key);
    if (entry) entry.depth++;
    else this.active.set(key, { depth: 1, restore: apply() });
    return () => {
      const current = this.active.get(key)!;
      if (--current.depth > 0) return;
      current.restore();
      this.active.delete(key);
    };
  }
}
