/**
 * The ordered hand-over between a client stream (producer) and one reader (consumer).
 * Bounded: once `highWater` messages wait, `whenRoom` holds the producer's callback
 * until the reader has taken the queue down to half, which stalls the gRPC stream
 * behind it (and, through HTTP/2 flow control, the server).
 */
export class MessageQueue<T> {
  private items: T[] = [];
  private head = 0;
  private failure: Error | undefined;
  private finished = false;
  private readonly waiting: { resolve: (result: IteratorResult<T, undefined>) => void; reject: (error: Error) => void }[] = [];
  private held: (() => void) | undefined;

  constructor(private readonly highWater: number) {}

  get length(): number {
    return this.items.length - this.head;
  }

  push(item: T): void {
    if (this.finished || this.failure !== undefined) return;
    const reader = this.waiting.shift();
    if (reader !== undefined) reader.resolve({ done: false, value: item });
    else this.items.push(item);
  }

  /** Calls `resume` now if there is room, or once the reader has made some. */
  whenRoom(resume: () => void): void {
    if (this.finished || this.length < this.highWater) {
      resume();
      return;
    }
    const previous = this.held;
    this.held = previous === undefined ? resume : () => (previous(), resume());
  }

  /** The reader gets what is already queued, then this error, then the end. */
  fail(error: Error): void {
    if (this.finished || this.failure !== undefined) return;
    this.failure = error;
    if (this.length > 0) return;
    const [first, ...rest] = this.waiting.splice(0);
    if (first === undefined) return;
    this.finish();
    first.reject(error);
    for (const reader of rest) reader.resolve({ done: true, value: undefined });
  }

  /** Ends the queue at once: what is queued is dropped and pending reads see the end. */
  finish(): void {
    if (this.finished) return;
    this.finished = true;
    this.failure = undefined;
    this.items = [];
    this.head = 0;
    this.release();
    for (const reader of this.waiting.splice(0)) reader.resolve({ done: true, value: undefined });
  }

  next(): Promise<IteratorResult<T, undefined>> {
    if (this.length > 0) {
      const item = this.items[this.head] as T;
      this.head += 1;
      if (this.head === this.items.length) {
        this.items = [];
        this.head = 0;
      } else if (this.head >= 1024 && this.head * 2 >= this.items.length) {
        this.items = this.items.slice(this.head);
        this.head = 0;
      }
      if (this.length <= this.highWater / 2) this.release();
      return Promise.resolve({ done: false, value: item });
    }
    const failure = this.failure;
    if (failure !== undefined) {
      this.finish();
      return Promise.reject(failure);
    }
    if (this.finished) return Promise.resolve({ done: true, value: undefined });
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
  }

  private release(): void {
    const held = this.held;
    this.held = undefined;
    held?.();
  }
}
