import { describe, expect, it } from 'vitest';
import { createEmbeddedNotifier } from './embedded-notifier.js';

const note = (subject: string) => ({ subject, payload: new TextEncoder().encode(subject) });

describe('embedded notifier', () => {
  it('delivers in publish order with NATS wildcards: * one token, > the rest', async () => {
    const errors: unknown[] = [];
    const notifier = createEmbeddedNotifier({ onHandlerError: (error) => errors.push(error) });
    const received: Record<string, string[]> = { exact: [], star: [], tail: [] };
    notifier.subscribe('inv.diff.p1', (n) => void received['exact']?.push(n.subject));
    notifier.subscribe('inv.*.p1', (n) => void received['star']?.push(n.subject));
    const stop = notifier.subscribe('inv.>', (n) => void received['tail']?.push(n.subject));
    await notifier.publish([note('inv.diff.p1'), note('inv.full.p1'), note('inv.diff.p2'), note('inv'), note('inv.diff.p1.x')]);
    stop();
    await notifier.publish([note('inv.diff.p1')]);
    expect(received).toEqual({
      exact: ['inv.diff.p1', 'inv.diff.p1'],
      star: ['inv.diff.p1', 'inv.full.p1', 'inv.diff.p1'],
      tail: ['inv.diff.p1', 'inv.full.p1', 'inv.diff.p2', 'inv.diff.p1.x'],
    });
    expect(errors).toEqual([]);
  });

  it('reports a failing handler without failing the publisher or the other handlers', async () => {
    const errors: string[] = [];
    const notifier = createEmbeddedNotifier({ onHandlerError: (_error, subject) => errors.push(subject) });
    const received: string[] = [];
    notifier.subscribe('a.*', () => {
      throw new Error('boom');
    });
    notifier.subscribe('a.*', async () => Promise.reject(new Error('async boom')));
    notifier.subscribe('a.*', (n) => void received.push(n.subject));
    await notifier.publish([note('a.b')]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(received).toEqual(['a.b']);
    expect(errors).toEqual(['a.b', 'a.b']);
  });

  it('refuses invalid patterns and wildcard publish subjects, as nats-server does', async () => {
    const notifier = createEmbeddedNotifier();
    expect(() => notifier.subscribe('a.>.b', () => undefined)).toThrow();
    expect(() => notifier.subscribe('a..b', () => undefined)).toThrow();
    await expect(notifier.publish([note('a.*')])).rejects.toThrow();
  });
});
