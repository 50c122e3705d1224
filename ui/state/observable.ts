/** A value that tells its subscribers when it is replaced. Views are immutable: replace, never mutate. */
export class Observable<T> {
  private current: T;
  private readonly listeners = new Set<(value: T) => void>();

  constructor(initial: T) {
    this.current = initial;
  }

  get value(): T {
    return this.current;
  }

  set(next: T): void {
    this.current = next;
    for (const listener of this.listeners) listener(next);
  }

  update(change: (value: T) => T): void {
    this.set(change(this.current));
  }

  /** Calls `listener` now and on every change; returns the unsubscribe function. */
  subscribe(listener: (value: T) => void): () => void {
    this.listeners.add(listener);
    listener(this.current);
    return () => this.listeners.delete(listener);
  }
}
