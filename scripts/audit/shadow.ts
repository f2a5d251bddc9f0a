import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Command } from 'commander';
import type { ActorType } from '../../actors/runtime/actor-definition.js';
import { worldActors } from '../../infra/world/world-node.js';
import { createShadowReplay, type ShadowReport } from '../../projections/audit/shadow.js';
import { EXIT_CLEAN, EXIT_NOT_CLEAN, UsageError, type AuditIo, type CommonOptions } from './context.js';
import { count, figures, table, toJson } from './format.js';
import { worldLog } from './log.js';
import { withAuditStore } from './store.js';

/**
 * `audit shadow`: decides the log's recorded commands again with a given version of the
 * deciders (a module exporting `actors`, an array of actor types, e.g. a branch's
 * `infra/world/world-node.ts` wrapped), against the states the recorded events built,
 * and lists every command it decides differently. Exit 1 when any differs.
 */
interface ShadowOptions extends CommonOptions {
  readonly deciders?: string;
  readonly category?: readonly string[];
}

const isActorTypes = (value: unknown): value is readonly ActorType[] =>
  Array.isArray(value) && value.every((item) => typeof item === 'object' && item !== null && 'category' in item && 'decide' in item && 'evolve' in item);

const loadDeciders = async (module: string | undefined): Promise<readonly ActorType[]> => {
  if (module === undefined) return worldActors();
  const loaded = (await import(pathToFileURL(resolve(module)).href)) as { readonly actors?: unknown; readonly default?: unknown };
  const actors = loaded.actors ?? loaded.default;
  if (!isActorTypes(actors)) throw new UsageError(`${module} must export \`actors\`: an array of actor types (see infra/world/world-node.ts worldActors)`);
  return actors;
};

const shadowText = (description: string, report: ShadowReport): string => {
  const lines = [
    `shadow replay of ${description}`,
    '',
    figures([
      ['actor streams', report.streams],
      ['commands decided again', report.commands],
      ['  compared by event types only (they drew randomness)', report.comparedByTypeOnly],
      ['events with no recorded command', report.eventsWithoutCommand],
      ['commands decided differently', report.differenceCount],
    ]),
  ];
  if (report.differenceCount === 0) {
    lines.push('verdict: every recorded command is decided the same');
  } else {
    lines.push('', `differences (first ${count(report.differences.length)}):`);
    lines.push(
      table(
        ['stream@revision', 'command', 'commandId', 'recorded', 'decided now', 'detail'],
        report.differences.map((difference) => [
          `${difference.stream}@${difference.revision}`,
          difference.command,
          difference.commandId,
          difference.recorded.join(' '),
          difference.shadow.join(' '),
          difference.detail,
        ]),
      ),
    );
    lines.push('verdict: DIFFERENT');
  }
  return `${lines.join('\n')}\n`;
};

const runShadow = (options: ShadowOptions, io: AuditIo): Promise<number> =>
  withAuditStore(options, io, async ({ store, description }) => {
    const actors = await loadDeciders(options.deciders);
    const wanted = options.category === undefined ? actors : actors.filter((type) => options.category?.includes(type.category));
    const shadow = createShadowReplay(new Map(wanted.map((type) => [type.category, type])));
    for await (const event of worldLog(store)) shadow.apply(event);
    const report = shadow.report();
    io.stdout(options.json === true ? toJson(report) : shadowText(description, report));
    return report.differenceCount === 0 ? EXIT_CLEAN : EXIT_NOT_CLEAN;
  });

const collect = (value: string, previous: readonly string[] | undefined): readonly string[] => [...(previous ?? []), value];

export const addShadowCommand = (program: Command, io: AuditIo, run: (work: () => Promise<number>) => Promise<void>): Command =>
  program
    .command('shadow')
    .description("Decide the log's recorded commands again with a version of the deciders and list every command it decides differently.")
    .option('--deciders <module>', 'a module exporting `actors` (actor types); default the deciders of this checkout')
    .option('--category <name>', 'only this actor category (repeatable)', collect)
    .addHelpText(
      'after',
      '\nEach command\'s name and data are recorded on its first event; the state before it is folded from the recorded events, so one\n' +
        'difference does not cascade. Commands that drew randomness (logins) are compared by event types only; refused commands left\n' +
        'no events and cannot be replayed.\nExit codes: 0 every command decided the same; 1 differences (or the log could not be read); 2 bad usage.\n' +
        'Example:\n  npm run audit -- shadow --sqlite data/events.sqlite --deciders ../next/shadow-deciders.ts --category guild',
    )
    .action((options: ShadowOptions) => run(() => runShadow(options, io)));
