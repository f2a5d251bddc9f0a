import { describe, expect, it } from 'vitest';
import { MessageQueue } from './queue.js';

describe('MessageQueue', () => {
  it('hands items over in order, to waiting and later readers alike', async () => {
    const queue = new MessageQueue<number>(10);
    const waiting = queue.next();
    queue.push(1);
    queue.push(2);
    expect(await waiting).toEqual({ done: false, value: 1 });
    expect(await queue.next()).toEqual({ done: false, value: 2 });
  });

  it('holds the producer at the high-water mark and lets it go once the reader halves the queue', async () => {
    const queue = new MessageQueue<number>(4);
    let resumed = 0;
    for (let item = 0; item < 4; item += 1) queue.push(item);
    queue.whenRoom(() => (resumed += 1));
    expect(resumed).toBe(0);
    await queue.next();
    expect(resumed).toBe(0);
    await queue.next();
    expect(resumed).toBe(1);
    queue.whenRoom(() => (resumed += 1));
    expect(resumed).toBe(2);
  });

  it('delivers what is queued, then the failure once, then the end', async () => {
    const queue = new MessageQueue<number>(10);
    queue.push(1);
    queue.fail(new Error('broken'));
    queue.push(2);
    expect(await queue.next()).toEqual({ done: false, value: 1 });
    await expect(queue.next()).rejects.toThrow('broken');
    expect(await queue.next()).toEqual({ done: true, value: undefined });
  });

  it('rejects a reader already waiting when it fails', async () => {
    const queue = new MessageQueue<number>(10);
    const waiting = queue.next();
    queue.fail(new Error('broken'));
    await expect(waiting).rejects.toThrow('broken');
  });

  it('ends at once on finish: pending readers see the end and a held producer is released', async () => {
    const queue = new MessageQueue<number>(1);
    queue.push(1);
    let resumed = false;
    queue.whenRoom(() => (resumed = true));
    queue.finish();
    expect(resumed).toBe(true);
    expect(await queue.next()).toEqual({ done: true, value: undefined });
    queue.fail(new Error('late'));
    expect(await queue.next()).toEqual({ done: true, value: undefined });
  });
});
