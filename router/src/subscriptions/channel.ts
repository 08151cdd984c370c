/**
 * A push queue read as an async iterator: producers `push` and `close`, one consumer iterates.
 * When the consumer stops (break/return) or a producer `finish`es it, the release hooks run
 * once, so producers can let go of it.
 */
export class Channel<T> implements AsyncIterableIterator<T> {
  private readonly queued: T[] = [];
  private waiting: ((result: IteratorResult<T>) => void) | null = null;
  private closed = false;
  private released = false;
  private readonly releaseHooks: (() => void)[] = [];

  constructor(onRelease?: () => void) {
    if (onRelease) this.releaseHooks.push(onRelease);
  }

  onRelease(hook: () => void): void {
    if (this.released) hook();
    else this.releaseHooks.push(hook);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** queued and not yet read */
  get backlog(): number {
    return this.queued.length;
  }

  push(value: T): void {
    if (this.closed) return;
    if (this.waiting) {
      const resolve = this.waiting;
      this.waiting = null;
      resolve({ value, done: false });
    } else this.queued.push(value);
  }

  /** ends the stream once what is queued has been read */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.waiting) {
      const resolve = this.waiting;
      this.waiting = null;
      resolve({ value: undefined, done: true });
    }
  }

  /** pushes a last value, ends the stream and releases it */
  finish(last?: T): void {
    if (last !== undefined) this.push(last);
    this.close();
    this.release();
  }

  next(): Promise<IteratorResult<T>> {
    const value = this.queued.shift();
    if (value !== undefined) return Promise.resolve({ value, done: false });
    if (this.closed) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => {
      this.waiting = resolve;
    });
  }

  return(): Promise<IteratorResult<T>> {
    this.queued.length = 0;
    this.close();
    this.release();
    return Promise.resolve({ value: undefined, done: true });
  }

  /** as `return`: transports that end a stream by throwing into it let go the same way */
  throw(): Promise<IteratorResult<T>> {
    return this.return();
  }

  private release(): void {
    if (this.released) return;
    this.released = true;
    for (const hook of this.releaseHooks.splice(0)) hook();
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}
