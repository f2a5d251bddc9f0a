import { randomUUID } from 'node:crypto';
import type { ActorType } from '../../actors/runtime/actor-definition.js';
import type { RequestTransport } from '../../actors/runtime/bus.js';
import { createActorHost, type ActorHost, type ActorHostOptions } from '../../actors/runtime/host.js';
import { encodeCommandEnvelope } from '../../actors/runtime/protocol/envelope.js';
import type { Issuer } from '../../actors/runtime/protocol/issuer.js';
import { decodeReply, type CommandReply } from '../../actors/runtime/protocol/reply.js';
import { commandSubject } from '../../actors/runtime/protocol/subjects.js';
import { createEventStoreSnapshots } from '../../actors/runtime/snapshots.js';
import type { EventStore } from '../../events/store/index.js';

export const player = (id: string): Issuer => ({ kind: 'player', id });
export const server: Issuer = { kind: 'server', id: 'gs1' };

export interface SendOptions {
  readonly issuer?: Issuer;
  readonly category?: string;
  readonly commandId?: string;
  readonly timeoutMs?: number;
}

/** Sends one command the way any client would: subject, msgpack envelope, reply. */
export const send = async (
  transport: RequestTransport,
  actorId: string,
  command: string,
  data: Record<string, unknown>,
  options: SendOptions = {},
): Promise<CommandReply> => {
  const subject = commandSubject({
    issuer: options.issuer ?? player('p1'),
    category: options.category ?? 'counter',
    actorId,
    command,
  });
  const payload = encodeCommandEnvelope({ commandId: options.commandId ?? randomUUID(), data });
  const reply = await transport.request(subject, payload, { timeoutMs: options.timeoutMs ?? 5_000 });
  if (typeof reply === 'string') throw new Error(`no reply: ${reply}`);
  return decodeReply(reply);
};

export const startHost = async (
  options: Omit<ActorHostOptions, 'snapshots' | 'actors'> & { actors: readonly ActorType[]; snapshots?: boolean },
): Promise<ActorHost> => {
  const host = createActorHost({
    ...options,
    snapshots: options.snapshots === false ? undefined : createEventStoreSnapshots(options.store),
  });
  await host.start();
  return host;
};

/** An event store that lets a test slow, fail or count appends and reads. */
export const instrument = (
  store: EventStore,
  hooks: {
    beforeAppend?: (stream: string) => Promise<void> | void;
    afterAppend?: (stream: string) => Promise<void> | void;
  } = {},
): EventStore & { appends: number; eventsRead: number } => {
  const instrumented = {
    appends: 0,
    eventsRead: 0,
    append: async (...args: Parameters<EventStore['append']>) => {
      await hooks.beforeAppend?.(args[0]);
      const result = await store.append(...args);
      instrumented.appends += 1;
      await hooks.afterAppend?.(args[0]);
      return result;
    },
    read: async function* (...args: Parameters<EventStore['read']>) {
      for await (const event of store.read(...args)) {
        instrumented.eventsRead += 1;
        yield event;
      }
    },
    readAll: (...args: Parameters<EventStore['readAll']>) => store.readAll(...args),
    subscribeAll: (...args: Parameters<EventStore['subscribeAll']>) => store.subscribeAll(...args),
    close: () => store.close(),
  };
  return instrumented;
};

export const streamEvents = async (store: EventStore, stream: string): Promise<string[]> => {
  const types: string[] = [];
  for await (const event of store.read(stream)) types.push(event.type);
  return types;
};

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
