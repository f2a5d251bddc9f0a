import type { Command } from 'commander';
import { formatPosition } from '../../events/store/position.js';
import { describeCustody } from '../../projections/audit/item-custody.js';
import { describePoint, isPast, type LogPoint } from '../../projections/audit/points.js';
import { compareIds, diffWorlds, type Change, type WorldDiff } from '../../projections/audit/world-diff.js';
import { createWorldFold, type GuildAtPoint, type PlayerAtPoint, type WorldAtPoint } from '../../projections/audit/world-state.js';
import type { EventStore } from '../../events/store/index.js';
import { EXIT_CLEAN, UsageError, type AuditIo, type CommonOptions } from './context.js';
import { count, figures, iso, table, toJson } from './format.js';
import { worldLog } from './log.js';
import { parsePoint, pointOf, type PointOptions } from './points.js';
import { withAuditStore } from './store.js';

/**
 * `audit world [--at-position C/P | --at-time ISO]`: players, items and guilds at one
 * point; `audit world --diff <point> <point>`: what changed between two (each point a
 * position C/P or an ISO time). One pass over the log, stopping at the later point.
 */

/** The world at each point, in one read of the log: a point's state is taken just before the first event past it. */
export const worldsAt = async (store: EventStore, points: readonly LogPoint[]): Promise<WorldAtPoint[]> => {
  const fold = createWorldFold();
  const taken: (WorldAtPoint | undefined)[] = points.map(() => undefined);
  for await (const event of worldLog(store)) {
    points.forEach((point, index) => {
      if (taken[index] === undefined && isPast(event, point)) taken[index] = fold.snapshot();
    });
    if (taken.every((world) => world !== undefined)) break;
    fold.apply(event);
  }
  return taken.map((world) => world ?? fold.snapshot());
};

const members = (guild: GuildAtPoint): string =>
  [...guild.members].map(([playerId, rank]) => (rank === 'member' ? playerId : `${playerId} (${rank})`)).join(', ');

const summary = (world: WorldAtPoint): string => {
  const players = [...world.players.values()];
  const items = [...world.items.values()];
  const guilds = [...world.guilds.values()];
  const custodies = (kind: string): number => items.filter((item) => item.custody.kind === kind).length;
  return figures([
    ['events', world.events],
    ['players', players.length],
    ['gold in wallets', players.reduce((sum, player) => sum + player.balance, 0)],
    ['live sessions', players.reduce((sum, player) => sum + player.sessions, 0)],
    ['items', items.length],
    ['  owned', custodies('owned')],
    ['  in escrow', custodies('escrowed')],
    ['  consumed or destroyed', custodies('gone')],
    ['guilds active', guilds.filter((guild) => guild.status === 'active').length],
    ['guilds disbanded', guilds.filter((guild) => guild.status === 'disbanded').length],
    ['gold in guild banks', guilds.reduce((sum, guild) => sum + guild.bank, 0)],
  ]);
};

const byId = <T>(map: ReadonlyMap<string, T>): T[] => [...map.entries()].sort(([a], [b]) => compareIds(a, b)).map(([, value]) => value);

const playerRow = (player: PlayerAtPoint): string[] => [player.playerId, player.name, count(player.balance), String(player.sessions), player.guildId ?? ''];

const worldText = (point: LogPoint, world: WorldAtPoint): string => {
  const last = world.last === undefined ? 'before the first event' : `last event at ${formatPosition(world.last.position)}, written ${iso(world.last.created)}`;
  return [
    `world at ${describePoint(point)} (${last})`,
    summary(world),
    'players',
    table(['player', 'name', 'balance', 'sessions', 'guild'], byId(world.players).map(playerRow)),
    'items',
    table(['item', 'template', 'custody'], byId(world.items).map((item) => [item.itemId, item.templateId ?? '', describeCustody(item.custody)])),
    'guilds',
    table(['guild', 'name', 'status', 'bank', 'members'], byId(world.guilds).map((guild) => [guild.guildId, guild.name, guild.status, count(guild.bank), members(guild)])),
  ].join('\n');
};

/** `before → after`, or the value alone when this field did not change. */
const arrow = <T>(change: Change<T>, show: (value: T) => string): string => {
  const before = change.before === undefined ? '(none)' : show(change.before);
  const after = change.after === undefined ? '(none)' : show(change.after);
  return before === after ? after : `${before} → ${after}`;
};

const diffText = (from: LogPoint, to: LogPoint, diff: WorldDiff): string =>
  [
    `world from ${describePoint(from)} to ${describePoint(to)}: ${count(diff.events)} events between; ` +
      `${diff.players.length} players, ${diff.items.length} items and ${diff.guilds.length} guilds changed`,
    '',
    'players',
    table(
      ['player', 'balance', 'sessions', 'guild'],
      diff.players.map((change) => [
        change.id,
        arrow(change, (player) => count(player.balance)),
        arrow(change, (player) => String(player.sessions)),
        arrow(change, (player) => player.guildId ?? '-'),
      ]),
    ),
    'items',
    table(['item', 'custody'], diff.items.map((change) => [change.id, arrow(change, (item) => describeCustody(item.custody))])),
    'guilds',
    table(
      ['guild', 'status', 'bank', 'members'],
      diff.guilds.map((change) => [change.id, arrow(change, (guild) => guild.status), arrow(change, (guild) => count(guild.bank)), arrow(change, (guild) => String(guild.members.size))]),
    ),
  ].join('\n');

const worldJson = (world: WorldAtPoint) => ({
  events: world.events,
  last: world.last,
  players: byId(world.players),
  items: byId(world.items),
  guilds: byId(world.guilds),
});

interface WorldOptions extends CommonOptions, PointOptions {
  readonly diff?: readonly string[];
}

export const runWorld = async (options: WorldOptions, io: AuditIo): Promise<number> => {
  if (options.diff !== undefined) {
    if (options.atPosition !== undefined || options.atTime !== undefined) throw new UsageError('--diff takes its own two points; leave out --at-position and --at-time');
    const [first, second, ...rest] = options.diff;
    if (first === undefined || second === undefined || rest.length > 0) throw new UsageError('--diff takes two points: --diff <C/P or ISO time> <C/P or ISO time>');
    const from = parsePoint(first, '--diff');
    const to = parsePoint(second, '--diff');
    const [before, after] = await withAuditStore(options, io, ({ store }) => worldsAt(store, [from, to]));
    if (before === undefined || after === undefined) throw new Error('no world at a point');
    const diff = diffWorlds(before, after);
    io.stdout(options.json === true ? toJson({ from: describePoint(from), to: describePoint(to), ...diff }) : diffText(from, to, diff));
    return EXIT_CLEAN;
  }
  const point = pointOf(options, { revisions: false });
  const [world] = await withAuditStore(options, io, ({ store }) => worldsAt(store, [point]));
  if (world === undefined) throw new Error('no world at the point');
  io.stdout(options.json === true ? toJson({ point: describePoint(point), ...worldJson(world) }) : worldText(point, world));
  return EXIT_CLEAN;
};

export const addWorldCommand = (program: Command, io: AuditIo, run: (work: () => Promise<number>) => Promise<void>): Command =>
  program
    .command('world')
    .description('Players (balance, sessions, guild), items (owner or escrow) and guilds (members, bank) at one point of the log, or what changed between two.')
    .option('--at-position <C/P>', 'the world after the global position C/P')
    .option('--at-time <iso>', 'the world at that time (what the store had written by then)')
    .option('--diff <points...>', 'two points (C/P or ISO time): what changed from the first to the second')
    .addHelpText('after', '\nExamples:\n  npm run audit -- world --at-time 2026-11-24T21:04:00Z\n  npm run audit -- world --diff 1200/1200 2026-11-24T21:30:00Z --json')
    .action((options: WorldOptions) => run(() => runWorld(options, io)));
