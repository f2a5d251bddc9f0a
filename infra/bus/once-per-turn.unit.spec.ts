import { describe, expect, it } from 'vitest';
import { oncePerTurn } from './once-per-turn.js';

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('once per turn', () => {
  it('given many schedules in one turn, runs once in the next turn and not inside schedule()', async () => {
    let runs = 0;
    const flush = oncePerTurn(() => {
      runs += 1;
    });
    for (let index = 0; index < 1_000; index += 1) flush.schedule();
    expect(runs).toBe(0);
    await nextTurn();
    expect(runs).toBe(1);
  });

  it('given a schedule from inside the run, runs again in the turn after', async () => {
    const turns: number[] = [];
    let turn = 0;
    const flush = oncePerTurn(() => {
      turns.push(turn);
      if (turns.length === 1) flush.schedule();
    });
    flush.schedule();
    turn = 1;
    await nextTurn();
    turn = 2;
    await nextTurn();
    expect(turns).toEqual([1, 2]);
  });

  it('given a cancel, drops the waiting run, and a later schedule runs again', async () => {
    let runs = 0;
    const flush = oncePerTurn(() => {
      runs += 1;
    });
    flush.schedule();
    flush.cancel();
    await nextTurn();
    expect(runs).toBe(0);
    flush.schedule();
    await nextTurn();
    expect(runs).toBe(1);
  });
});
