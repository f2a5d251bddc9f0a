import { randomFillSync } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { isConcurrencyError, type AppendResult, type EventStore, type ExpectedRevision } from '../../events/store/index.js';
import type { ActorType, CommandSpec } from './actor-definition.js';
import { createCell, decideBatch, foldRecorded, type ActorCell, type BatchOutcome, type DecidedBatch, type PendingCommand } from './actor-cell.js';
import { createAppliedCommands } from './applied-commands.js';
import { createEventIdSource } from './event-ids.js';
import type { IncomingRequest, RequestBus, Serving } from './bus.js';
import { DEFAULT_HOST_LIMITS, type HostLimits } from './host-options.js';
import { decodeCommandEnvelope, describeIssues } from './protocol/envelope.js';
import type { ErrorCode } from './protocol/error-codes.js';
import { encodeReply, failure, success, type CommandReply } from './protocol/reply.js';
import { allCommandsSubscription, categorySubscription, isSubjectProblem, parseCommandSubject, type CommandAddress } from './protocol/subjects.js';
import { isTraceparent, isTracestate } from './protocol/trace-context.js';
import { describeBudget, type RateLimiter } from './rate-limiter.js';
import type { SnapshotStore } from './snapshots.js';

export interface ActorHostOptions {
  readonly bus: RequestBus;
  readonly store: EventStore;
  readonly actors: readonly ActorType[];
  readonly snapshots?: SnapshotStore;
  readonly limits?: Partial<HostLimits>;
  /** Hosts in one queue group share the commands; default `shardkeep-hosts`. */
  readonly queueGroup?: string;
  /**
   * Serve every subject under `mmo.cmd` with one subscription instead of one per category,
   * so an unknown category is answered NOT_FOUND and a subject with too many or too few
   * tokens VALIDATION, as the protocol promises, where per-category subscriptions leave
   * them unanswered (`no responders`). Only for a host that serves the same categories as
   * every other host of its queue group, as every world node does: any of them may be
   * handed any command subject.
   */
  readonly serveEveryCommandSubject?: boolean;
  readonly clock?: () => Date;
  /** Failures no caller sees (snapshot writes, activation errors): for logs and metrics. */
  readonly onError?: (error: unknown, context: string) => void;
  /**
   * Asked before a command is accepted, after its subject is checked: a refusal is the
   * reply, at once (a trade queue past its bound refuses new trades with OVERLOADED).
   */
  readonly admit?: (command: AdmissionRequest) => Refusal | undefined;
  /** Called after every successful append, in the order of the actor's appends. */
  readonly onAppended?: (appended: AppendedBatch) => void;
  /**
   * Budgets per issuer and command kind, checked before the payload is decoded: a command
   * past its issuer's budget is answered RATE_LIMITED and costs no more than its subject.
   */
  readonly rateLimiter?: RateLimiter;
}

export interface AdmissionRequest {
  readonly category: string;
  readonly actorId: string;
  readonly command: string;
}

export interface Refusal {
  readonly code: ErrorCode;
  readonly message: string;
}

export interface AppendedBatch {
  readonly category: string;
  readonly actorId: string;
  /** The stream's revision after the append. */
  readonly revision: bigint;
  readonly eventTypes: readonly string[];
}

export interface HostStats {
  readonly inFlight: number;
  readonly residentActors: number;
  readonly commands: number;
  readonly appends: number;
  readonly eventsAppended: number;
  readonly conflicts: number;
  readonly activations: number;
  readonly passivations: number;
  readonly overloaded: number;
  /** Commands refused with RATE_LIMITED. */
  readonly rateLimited: number;
  readonly snapshotsWritten: number;
}

export interface ActorHost {
  start(): Promise<void>;
  /** Stops taking commands, answers every accepted one, then returns. */
  stop(): Promise<void>;
  stats(): HostStats;
}

const ENTROPY_POOL_BYTES = 4096;
/** Subjects remembered parsed (one per actor and issuer seen lately); about 300 B each. */
const PARSED_SUBJECTS = 16_384;

/** Where an accepted subject leads; `key` is the actor's key among the resident, its stream. */
interface Route {
  readonly address: CommandAddress;
  readonly type: ActorType;
  readonly spec: CommandSpec;
  readonly key: string;
}

const streamOf = (type: ActorType, actorId: string): string => `${type.category}-${actorId}`;

/**
 * Microtasks between two slices of drains: enough for an append that resolves at once to
 * reach its reply, and for the transport's flush queued by the first reply to run, even
 * behind a wrapper or two around the store. Never a macrotask: see `startDrains`.
 */
const SLICE_GAP_MICROTASKS = 4;

const afterMicrotasks = (count: number, then: () => void): void => {
  queueMicrotask(count <= 1 ? then : () => afterMicrotasks(count - 1, then));
};

export const createActorHost = (options: ActorHostOptions): ActorHost => {
  const limits: HostLimits = { ...DEFAULT_HOST_LIMITS, ...options.limits };
  const { bus, store, snapshots } = options;
  const clock = options.clock ?? (() => new Date());
  const onError = options.onError ?? (() => undefined);
  const types = new Map(options.actors.map((type) => [type.category, type]));
  const counters = { commands: 0, appends: 0, eventsAppended: 0, conflicts: 0, activations: 0, passivations: 0, overloaded: 0, rateLimited: 0, snapshotsWritten: 0 };
  let inFlight = 0;
  let stopping = false;
  let whenIdle: (() => void) | undefined;
  const servings: Serving[] = [];
  let sweeper: NodeJS.Timeout | undefined;

  // Cells evicted while they still had work: they finish it, then are dropped.
  const evictedBusy = new Map<string, ActorCell>();
  const resident = new LRUCache<string, ActorCell>({
    max: limits.maxResidentActors,
    ttl: limits.idleMs,
    updateAgeOnGet: true,
    dispose: (cell, key) => {
      if (cell.draining || cell.mailbox.length > 0) evictedBusy.set(key, cell);
      else counters.passivations += 1;
    },
  });

  let entropyPool = Buffer.alloc(0);
  const entropy = (): Uint8Array => {
    if (entropyPool.length < 32) entropyPool = randomFillSync(Buffer.alloc(ENTROPY_POOL_BYTES));
    const bytes = Uint8Array.prototype.slice.call(entropyPool, 0, 32);
    entropyPool = entropyPool.subarray(32);
    return bytes;
  };

  const newEventId = createEventIdSource();

  const settle = (request: IncomingRequest, answer: CommandReply): void => {
    inFlight -= 1;
    request.respond(encodeReply(answer));
    if (inFlight === 0) whenIdle?.();
  };

  const refuse = (request: IncomingRequest, code: ErrorCode, message: string): void => {
    request.respond(encodeReply(failure(code, message)));
  };

  // Subjects the host accepted, with where they lead: one lookup per command instead of a
  // parse (or its cache), the category's and the command's lookups and the actor's key.
  // Bounded like the subject parser's memory: when full, it forgets everything.
  const routes = new Map<string, Route>();
  const routeOf = (request: IncomingRequest): Route | undefined => {
    const { subject } = request;
    const known = routes.get(subject);
    if (known !== undefined) return known;
    const address = parseCommandSubject(subject);
    if (isSubjectProblem(address)) return void refuse(request, 'VALIDATION', address.problem);
    const type = types.get(address.category);
    if (type === undefined) return void refuse(request, 'NOT_FOUND', `no actor category ${address.category}`);
    // Own properties only: `constructor`, `toString` and the rest of Object.prototype are
    // well-formed command names too, and must be unknown commands, not inherited functions.
    const spec = Object.hasOwn(type.commands, address.command) ? type.commands[address.command] : undefined;
    if (spec === undefined) return void refuse(request, 'NOT_FOUND', `${address.category} has no command ${address.command}`);
    const route: Route = { address, type, spec, key: streamOf(type, address.actorId) };
    if (routes.size >= PARSED_SUBJECTS) routes.clear();
    routes.set(subject, route);
    return route;
  };

  const receive = (request: IncomingRequest): void => {
    const route = routeOf(request);
    if (route === undefined) return;
    const { address, type, spec } = route;
    if (spec.issuers !== undefined && !spec.issuers.includes(address.issuer.kind)) {
      return refuse(request, 'UNAUTHORIZED', `${address.command} may not be issued by a ${address.issuer.kind}`);
    }
    // After the command is known to exist, so buckets are only made for real kinds.
    const overBudget = options.rateLimiter?.take(address.issuer, address.category, address.command);
    if (overBudget !== undefined) {
      counters.rateLimited += 1;
      return refuse(
        request,
        'RATE_LIMITED',
        `${address.issuer.kind} ${address.issuer.id} is over its rate limit for ${overBudget.kind} ` +
          `(${describeBudget(overBudget.budget)}); nothing was applied, retry in ${overBudget.retryAfterMs} ms or later`,
      );
    }
    if (stopping) return refuse(request, 'UNAVAILABLE', 'host is shutting down');
    if (options.admit !== undefined) {
      const refusal = options.admit({ category: address.category, actorId: address.actorId, command: address.command });
      if (refusal !== undefined) {
        if (refusal.code === 'OVERLOADED') counters.overloaded += 1;
        return refuse(request, refusal.code, refusal.message);
      }
    }
    if (inFlight >= limits.maxInFlight) {
      counters.overloaded += 1;
      return refuse(request, 'OVERLOADED', `host has ${inFlight} commands in flight`);
    }
    const envelope = decodeCommandEnvelope(request.payload, { maxBytes: limits.maxRequestBytes });
    if (!envelope.ok) return refuse(request, 'VALIDATION', envelope.problem);
    const data = spec.schema.safeParse(envelope.value.data);
    if (!data.success) return refuse(request, 'VALIDATION', describeIssues(data.error));

    // Read before the command counts as in flight: nothing after that point may throw, or
    // its slot would never be given back.
    const traceparent = request.header('traceparent');
    const tracestate = request.header('tracestate');

    inFlight += 1;
    counters.commands += 1;
    const pending = new TakenCommand(
      { type: address.command, data: data.data },
      envelope.value.commandId,
      address.issuer,
      envelope.value.correlationId ?? envelope.value.commandId,
      clock(),
      request,
      settle,
    );
    pending.causationId = envelope.value.causationId;
    // Recorded in the log: only trace context of the W3C shape; anything else is dropped.
    pending.traceparent = traceparent !== undefined && isTraceparent(traceparent) ? traceparent : undefined;
    pending.tracestate = tracestate !== undefined && isTracestate(tracestate) ? tracestate : undefined;
    const cell = cellFor(type, address.actorId, route.key);
    cell.mailbox.push(pending);
    if (!cell.draining) scheduleDrain(cell);
  };

  // Cells that got mail while idle, in this turn. Their drains start together in one
  // microtask, after the bus has handed over everything it read at once (nats.js delivers
  // the messages of one socket read synchronously): each actor then decides all of its
  // commands from that read in one batch and one append, and the replies leave in one
  // write, instead of the first command going alone and the others waiting for its append.
  //
  // They start in slices of `drainSlice` actors, a few microtasks apart, all in the same
  // turn. The replies of a slice whose store answered at once (in memory) are written in
  // those microtasks (nats.js flushes in one), so the requesters and the server work on
  // them while the host decides the next slice, instead of waiting for the whole read to
  // be decided. A store that commits once per turn (SQLite's group commit) still gets the
  // appends of every slice in one transaction.
  let toDrain: ActorCell[] = [];
  let started = 0;
  const startDrains = (): void => {
    const cells = toDrain;
    const end = limits.drainSlice > 0 ? Math.min(cells.length, started + limits.drainSlice) : cells.length;
    for (let index = started; index < end; index += 1) void drain(cells[index] as ActorCell);
    // Cells that got mail while this slice started (cells.length grew) wait for the next.
    if (cells.length > end) {
      started = end;
      afterMicrotasks(SLICE_GAP_MICROTASKS, startDrains);
    } else {
      toDrain = [];
      started = 0;
    }
  };
  const scheduleDrain = (cell: ActorCell): void => {
    // Draining from now on: later commands of this turn only join the mailbox.
    cell.draining = true;
    if (toDrain.push(cell) === 1) queueMicrotask(startDrains);
  };

  // One ticker per batched category: every actor of it waits for the same tick, so their
  // appends leave in the same turn and a store with group commit writes them in one
  // transaction (the 100 ms guild ticker: many guilds, one fsync per tick).
  const tickers = new Map<string, Ticker>();
  const tickerFor = (type: ActorType): Ticker => {
    let ticker = tickers.get(type.category);
    if (ticker === undefined) {
      ticker = createTicker(type.batchWindowMs);
      tickers.set(type.category, ticker);
    }
    return ticker;
  };

  const cellFor = (type: ActorType, id: string, key: string): ActorCell => {
    const existing = resident.get(key) ?? evictedBusy.get(key);
    if (existing !== undefined) return existing;
    const cell = createCell(type, id, limits.idempotencyWindow);
    resident.set(key, cell);
    return cell;
  };

  const drain = async (cell: ActorCell): Promise<void> => {
    cell.draining = true;
    try {
      while (cell.mailbox.length > 0) {
        if (!cell.loaded) {
          try {
            await activate(cell);
          } catch (error) {
            onError(error, `activating ${cell.stream}`);
            answerAll(cell.mailbox.splice(0), 'INTERNAL', `could not load ${cell.stream}; retry with the same commandId`);
            return;
          }
        }
        if (cell.type.batchWindowMs > 0) await tickerFor(cell.type).next();
        const batch = cell.mailbox.splice(0, limits.maxBatch);
        // The first attempt of a batch that appends is made here, not in processBatch: most
        // batches need nothing more, and an async call per batch (its frame, its promise,
        // one more hop) shows in profiles. Same steps as processBatch's first attempt.
        const decided = decideBatch(cell, batch, newEventId, entropy);
        if (decided.events.length === 0) {
          await processBatch(cell, batch, decided);
          continue;
        }
        try {
          appended(cell, batch, decided, await store.append(cell.stream, decided.events, { expectedRevision: expectationOf(cell) }));
        } catch (error) {
          if (await recoverFromFailedAppend(cell, batch, decided, 0, error)) await processBatch(cell, batch, undefined, 1);
        }
      }
    } finally {
      cell.draining = false;
      if (evictedBusy.get(cell.stream) === cell && cell.mailbox.length === 0) {
        evictedBusy.delete(cell.stream);
        counters.passivations += 1;
      }
    }
  };

  const activate = async (cell: ActorCell): Promise<void> => {
    reset(cell);
    const codec = cell.type.snapshot;
    const snapshot = codec !== undefined && snapshots !== undefined ? await snapshots.load(cell.stream) : undefined;
    if (snapshot !== undefined && codec !== undefined && snapshot.version === codec.version) {
      try {
        const state = codec.decode(snapshot.state);
        cell.state = state;
        cell.revision = snapshot.revision;
        cell.snapshotRevision = snapshot.revision;
        cell.applied = createAppliedCommands(limits.idempotencyWindow, snapshot.applied);
      } catch (error) {
        // A snapshot this code cannot read is rebuilt from events, never fatal.
        onError(error, `ignoring unreadable snapshot of ${cell.stream}`);
        reset(cell);
      }
    }
    await catchUp(cell);
    cell.loaded = true;
    counters.activations += 1;
  };

  const reset = (cell: ActorCell): void => {
    cell.state = cell.type.initialState();
    cell.revision = -1n;
    cell.snapshotRevision = -1n;
    cell.applied = createAppliedCommands(limits.idempotencyWindow);
    cell.loaded = false;
  };

  /** Folds what other writers appended since the cell last looked; returns how many events. */
  const catchUp = async (cell: ActorCell): Promise<number> => {
    let folded = 0;
    for await (const stored of store.read(cell.stream, { from: cell.revision + 1n })) {
      const recorded = cell.type.events.decode(stored);
      foldRecorded(cell, recorded, stored.revision, recorded.metadata.commandId);
      folded += 1;
    }
    return folded;
  };

  /**
   * Decides `batch` and appends what it decided, again after a conflict (catching up
   * first), and answers every command. `first` is the decision of attempt `firstAttempt`
   * when the caller already made it.
   */
  const processBatch = async (cell: ActorCell, batch: PendingCommand[], first?: DecidedBatch, firstAttempt = 0): Promise<void> => {
    for (let attempt = firstAttempt; ; attempt += 1) {
      const decided = attempt === firstAttempt && first !== undefined ? first : decideBatch(cell, batch, newEventId, entropy);
      if (decided.events.length === 0) {
        // Answering without an append: first make sure no other host moved the actor,
        // or a retry that host applied could be answered with a stale rejection.
        const anyRejected = decided.outcomes.some((outcome) => outcome.kind === 'rejected');
        if (anyRejected && attempt === 0 && (await catchUpOrFail(cell, batch)) !== 0) continue;
        return answer(batch, decided, Number(cell.revision) + 1);
      }
      try {
        appended(cell, batch, decided, await store.append(cell.stream, decided.events, { expectedRevision: expectationOf(cell) }));
        return;
      } catch (error) {
        if (!(await recoverFromFailedAppend(cell, batch, decided, attempt, error))) return;
      }
    }
  };

  const expectationOf = (cell: ActorCell): ExpectedRevision => (cell.revision < 0n ? 'no_stream' : cell.revision);

  /** A batch's append succeeded: the cell moves on, and every command is answered. */
  const appended = (cell: ActorCell, batch: readonly PendingCommand[], decided: DecidedBatch, result: AppendResult): void => {
    // Revisions as numbers from here (replies carry numbers): bigint arithmetic costs an
    // allocation per operation, on every command.
    const firstRevision = Number(result.nextExpectedRevision) - decided.events.length + 1;
    recordApplied(cell, batch, decided, firstRevision);
    cell.state = decided.state;
    cell.revision = result.nextExpectedRevision;
    counters.appends += 1;
    counters.eventsAppended += decided.events.length;
    answer(batch, decided, firstRevision);
    maybeSnapshot(cell);
    if (options.onAppended !== undefined) notifyAppended(cell, decided);
  };

  /**
   * A batch's append (attempt `attempt`) failed. A conflict: catch up and say to decide
   * again (true), or answer every command when out of retries. Anything else: answer.
   */
  const recoverFromFailedAppend = async (
    cell: ActorCell,
    batch: PendingCommand[],
    decided: DecidedBatch,
    attempt: number,
    error: unknown,
  ): Promise<boolean> => {
    if (isConcurrencyError(error)) {
      counters.conflicts += 1;
      if (attempt >= limits.maxConflictRetries) {
        answer(batch, decided, 0, ['CONCURRENT_MODIFICATION', `${cell.stream} kept changing; retry with the same commandId`]);
        return false;
      }
      if ((await catchUpOrFail(cell, batch)) === undefined) return false;
      await delay(limits.conflictBackoffMs * 2 ** attempt * (0.5 + Math.random()));
      return true;
    }
    // The append may or may not have been written: reload before the next command,
    // and let the caller retry with the same commandId (idempotent either way).
    onError(error, `appending to ${cell.stream}`);
    reset(cell);
    answer(batch, decided, 0, ['INTERNAL', `event store failed for ${cell.stream}; retry with the same commandId`]);
    return false;
  };

  /** Remembers each appended event's command, in the order of the events (a plain loop: per command). */
  const recordApplied = (cell: ActorCell, batch: readonly PendingCommand[], decided: DecidedBatch, firstRevision: number): void => {
    const { outcomes } = decided;
    for (let index = 0; index < outcomes.length; index += 1) {
      const outcome = outcomes[index] as BatchOutcome;
      if (outcome.kind !== 'decided') continue;
      const types = outcome.eventTypes;
      const commandId = (batch[index] as PendingCommand).commandId;
      const first = firstRevision + outcome.lastIndex - types.length + 1;
      for (let at = 0; at < types.length; at += 1) cell.applied.record(commandId, first + at, types[at] as string);
    }
  };

  const catchUpOrFail = async (cell: ActorCell, batch: PendingCommand[]): Promise<number | undefined> => {
    try {
      return await catchUp(cell);
    } catch (error) {
      onError(error, `reloading ${cell.stream}`);
      reset(cell);
      answerAll(batch, 'INTERNAL', `could not reload ${cell.stream}; retry with the same commandId`);
      return undefined;
    }
  };

  /**
   * One reply per command. `failed` replaces the answer of every command that needed
   * the append; rejections and duplicates keep theirs.
   */
  const answer = (
    batch: readonly PendingCommand[],
    decided: DecidedBatch,
    firstRevision: number,
    failed?: [ErrorCode, string],
  ): void => {
    const { outcomes } = decided;
    // Placed by index in an array of the batch's size (an array grown by push starts with room for 17).
    const replies = new Array<CommandReply>(outcomes.length);
    for (let index = 0; index < outcomes.length; index += 1) {
      const outcome = outcomes[index] as BatchOutcome;
      let reply: CommandReply;
      switch (outcome.kind) {
        case 'decided':
          reply = failed !== undefined && outcome.eventTypes.length > 0
            ? failure(...failed)
            : success(
                outcome.eventTypes.length > 0 ? firstRevision + outcome.lastIndex : firstRevision - 1,
                outcome.eventTypes,
                false,
                outcome.result,
              );
          break;
        case 'duplicate':
          reply = success(outcome.revision, outcome.eventTypes, true);
          break;
        case 'repeat': {
          const first = replies[outcome.of] ?? failure('INTERNAL', 'repeat of an unknown command');
          reply = first.ok ? success(first.revision, first.events, true) : first;
          break;
        }
        case 'rejected':
          reply = outcome.reply;
          break;
      }
      replies[index] = reply;
      batch[index]?.reply(reply);
    }
  };

  const notifyAppended = (cell: ActorCell, decided: DecidedBatch): void => {
    try {
      options.onAppended?.({ category: cell.type.category, actorId: cell.id, revision: cell.revision, eventTypes: decided.eventTypes });
    } catch (error) {
      onError(error, `notifying the append to ${cell.stream}`);
    }
  };

  const answerAll = (batch: readonly PendingCommand[], code: ErrorCode, message: string): void => {
    for (const pending of batch) pending.reply(failure(code, message));
  };

  const maybeSnapshot = (cell: ActorCell): void => {
    const codec = cell.type.snapshot;
    if (codec === undefined || snapshots === undefined || limits.snapshotEvery <= 0) return;
    if (cell.revision - cell.snapshotRevision < BigInt(limits.snapshotEvery)) return;
    cell.snapshotRevision = cell.revision;
    const snapshot = { version: codec.version, revision: cell.revision, state: codec.encode(cell.state), applied: cell.applied.entries() };
    snapshots.save(cell.stream, snapshot).then(
      () => (counters.snapshotsWritten += 1),
      (error: unknown) => onError(error, `writing a snapshot of ${cell.stream}`),
    );
  };

  return {
    start: async () => {
      const queue = options.queueGroup ?? 'shardkeep-hosts';
      if (options.serveEveryCommandSubject === true) servings.push(await bus.serve(allCommandsSubscription, queue, receive));
      else for (const type of types.values()) servings.push(await bus.serve(categorySubscription(type.category), queue, receive));
      const sweepEvery = Math.max(1_000, Math.min(limits.idleMs / 2, 60_000));
      sweeper = setInterval(() => resident.purgeStale(), sweepEvery);
      sweeper.unref();
    },
    stop: async () => {
      stopping = true;
      await Promise.all(servings.splice(0).map((serving) => serving.drain()));
      if (inFlight > 0) await new Promise<void>((resolve) => (whenIdle = resolve));
      clearInterval(sweeper);
      resident.clear();
    },
    stats: () => ({ ...counters, inFlight, residentActors: resident.size + evictedBusy.size }),
  };
};

/**
 * A command the host took, waiting for its actor. A class, so a command costs one object
 * of one shape (optional fields present, maybe undefined) and its reply is a method, not
 * a closure per command.
 */
class TakenCommand implements PendingCommand {
  causationId: string | undefined;
  traceparent: string | undefined;
  tracestate: string | undefined;

  constructor(
    readonly command: PendingCommand['command'],
    readonly commandId: string,
    readonly issuer: PendingCommand['issuer'],
    readonly correlationId: string,
    readonly receivedAt: Date,
    private readonly request: IncomingRequest,
    private readonly settle: (request: IncomingRequest, answer: CommandReply) => void,
  ) {}

  reply(answer: CommandReply): void {
    this.settle(this.request, answer);
  }
}

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

interface Ticker {
  /** Resolves at the next tick; everyone waiting on one tick is released together. */
  next(): Promise<void>;
}

/**
 * Ticks every `periodMs` less what a tick's own work has been taking lately, with one
 * timer per tick however many actors wait, and none while nobody does. A command that
 * arrives just after a tick waits for the next one and then for that tick's work
 * (deciding every waiting actor's batch, the one group-committed append, the replies):
 * ticking early by that work keeps the whole wait within `periodMs`. The work is
 * measured from when a tick was due (so a late timer counts) to the first turn of the
 * event loop after its appends were flushed, smoothed over the last few ticks, and
 * counted at most a quarter of the period, so a stall cannot shrink the window further.
 * Ticks stay on one grid, every actor of the category waits for the same one, and a
 * command waits less than one period.
 */
const createTicker = (periodMs: number): Ticker => {
  let pending: Promise<void> | undefined;
  let lastDue = performance.now();
  let busyMs = 0;
  const maxBusyMs = periodMs / 4;
  const measure = (due: number): void => {
    // This immediate is queued ahead of the store's flush (which the continuations this
    // tick releases queue); the one it queues runs after that flush and its replies.
    setImmediate(() =>
      setImmediate(() => {
        busyMs += (Math.min(maxBusyMs, performance.now() - due) - busyMs) / 4;
      }),
    );
  };
  return {
    next: () =>
      (pending ??= new Promise<void>((resolve) => {
        const now = performance.now();
        const period = periodMs - busyMs;
        const due = lastDue + Math.max(1, Math.ceil((now - lastDue) / period)) * period;
        setTimeout(() => {
          pending = undefined;
          lastDue = due;
          resolve();
          measure(due);
        }, due - now);
      })),
  };
};
