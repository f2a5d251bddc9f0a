import { describe, expect, it } from 'vitest';
import { createPendingReplies } from './pending-replies.js';

describe('pending replies', () => {
  it('settles once; a late or unknown settle reports false', async () => {
    const replies = createPendingReplies<string>();
    const outcome = replies.add('a', 1_000);
    expect(replies.settle('a', 'no_responders')).toBe(true);
    expect(replies.settle('a', 'timeout')).toBe(false);
    expect(replies.settle('b', 'timeout')).toBe(false);
    expect(await outcome).toBe('no_responders');
    expect(replies.size).toBe(0);
  });

  it('tells which keys still wait for their reply', async () => {
    const replies = createPendingReplies<string>({ sweepMs: 5 });
    const expiring = replies.add('a', 10);
    void replies.add('b', 60_000);
    expect([replies.has('a'), replies.has('b'), replies.has('c')]).toEqual([true, true, false]);
    expect(await expiring).toBe('timeout');
    expect(replies.has('a')).toBe(false);
    replies.settle('b', 'timeout');
    expect(replies.has('b')).toBe(false);
  });

  it('expires requests by their own timeout, whatever the order they came in', async () => {
    const replies = createPendingReplies<number>({ sweepMs: 5 });
    const slow = replies.add(1, 200);
    const fast = replies.add(2, 20);
    const started = performance.now();
    expect(await fast).toBe('timeout');
    expect(performance.now() - started).toBeLessThan(150);
    expect(replies.size).toBe(1);
    expect(await slow).toBe('timeout');
  });

  it('rejects a failed send and answers the rest with timeout on closeAll', async () => {
    const replies = createPendingReplies<number>();
    const failed = replies.add(1, 1_000);
    const open = replies.add(2, 60_000);
    replies.fail(1, new Error('not sent'));
    await expect(failed).rejects.toThrow('not sent');
    replies.closeAll();
    expect(await open).toBe('timeout');
  });
});
