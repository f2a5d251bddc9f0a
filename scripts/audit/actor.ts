import type { Command } from 'commander';
import { STREAM_ID_PATTERN } from '../../events/store/stream-name.js';
import { formatPosition } from '../../events/store/position.js';
import { worldActors } from '../../infra/world/world-node.js';
import { describePoint, type LogPoint } from '../../projections/audit/points.js';
import { actorAtPoint, type ActorAtPoint, type TimelineEntry } from '../../projections/audit/timeline.js';
import { EXIT_CLEAN, EXIT_NOT_CLEAN, UsageError, type AuditIo, type CommonOptions } from './context.js';
import { brief, iso, table, toJson } from './format.js';
import { streamEvents } from './log.js';
import { pointOf, type PointOptions } from './points.js';
import { withAuditStore } from './store.js';

/**
 * `audit actor <category> <id> [--at-revision N | --at-position C/P | --at-time ISO]`: the
 * actor's state at that point, folded by its own decider's `evolve`, and the timeline of
 * its events up to there with the command, issuer, correlation and causation of each.
 * Exit 1 when the actor has no event at that point.
 */

const ACTORS = worldActors();
const CATEGORIES = ACTORS.map((actor) => actor.category);

const timelineRows = (timeline: readonly TimelineEntry[]): string[][] =>
  timeline.map((entry) => [
    entry.revision.toString(),
    formatPosition(entry.position),
    iso(entry.created),
    entry.type,
    entry.commandId ?? '',
    entry.issuer ?? '',
    entry.correlationId,
    entry.causationId ?? '',
    brief(entry.data, 48),
  ]);

const text = (stream: string, point: LogPoint, answer: ActorAtPoint): string => {
  if (answer.revision === undefined) return `${stream}: no event at ${describePoint(point)}\n`;
  const last = answer.timeline.at(-1);
  const where = last === undefined ? '' : ` (position ${formatPosition(last.position)}, written ${iso(last.created)})`;
  const more = answer.morePast ? '; later events follow' : '; the last event of the stream';
  return [
    `${stream} at ${describePoint(point)}: revision ${answer.revision.toString()}${where}${more}`,
    '',
    'state:',
    toJson(answer.state).trimEnd(),
    '',
    `timeline (${answer.timeline.length} events):`,
    table(['rev', 'position', 'written', 'event', 'command', 'issuer', 'correlation', 'causation', 'data'], timelineRows(answer.timeline)),
  ].join('\n');
};

export const runActor = async (category: string, id: string, options: CommonOptions & PointOptions, io: AuditIo): Promise<number> => {
  const actor = ACTORS.find((candidate) => candidate.category === category);
  if (actor === undefined) throw new UsageError(`unknown category ${category}: expected ${CATEGORIES.join(', ')}`);
  if (!STREAM_ID_PATTERN.test(id)) throw new UsageError(`invalid id ${JSON.stringify(id)}: expected [A-Za-z0-9_-]{1,64}`);
  const point = pointOf(options, { revisions: true });
  const stream = `${category}-${id}`;
  const answer = await withAuditStore(options, io, ({ store }) => actorAtPoint(streamEvents(store, stream), actor, point));
  if (options.json === true) {
    io.stdout(toJson({ stream, category, id, point: describePoint(point), found: answer.revision !== undefined, ...answer }));
  } else {
    io.stdout(text(stream, point, answer));
  }
  return answer.revision === undefined ? EXIT_NOT_CLEAN : EXIT_CLEAN;
};

export const addActorCommand = (program: Command, io: AuditIo, run: (work: () => Promise<number>) => Promise<void>): Command =>
  program
    .command('actor')
    .description('The state of one actor at a revision, a position or a time (its decider folds its stream), and the timeline of its events with their commands and issuers.')
    .argument('<category>', CATEGORIES.join(', '))
    .argument('<id>', 'the actor id, e.g. sim-p7')
    .option('--at-revision <n>', "state after the stream's revision n (0-based)")
    .option('--at-position <C/P>', 'state after the global position C/P')
    .option('--at-time <iso>', 'state at that time (what the store had written by then)')
    .addHelpText('after', '\nExamples:\n  npm run audit -- actor player sim-p7 --at-time 2026-11-24T21:04:00Z\n  npm run audit -- actor item sword-7 --at-revision 2 --json')
    .action((category: string, id: string, options: CommonOptions & PointOptions) => run(() => runActor(category, id, options, io)));
