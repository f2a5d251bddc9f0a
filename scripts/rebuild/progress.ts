import cliProgress from 'cli-progress';
import type { BuildProgress } from '../../projections/rebuild/index.js';

/**
 * The rebuild's progress, one bar per projection: how far through the log (positions, so
 * the bar's end is the head when the build started), events the projection went through,
 * their rate and the time left. A bar when the stream is a terminal; otherwise (CI, a log
 * file) a plain line per projection every few seconds and one when it is done.
 */
export interface ProgressDisplay {
  /** A property, not a method: handed around as a callback on its own. */
  readonly update: (progress: BuildProgress) => void;
  /** The build of this projection is over: its last figures stay on screen. */
  finish(projection: string): void;
  stop(): void;
}

interface Track {
  readonly startedAt: number;
  /** Where this run started: a resumed build starts part-way. */
  readonly startPosition: bigint;
  last: BuildProgress;
  printedAt: number;
  /** What was printed last, so the final line is not a repeat of it. */
  printed: BuildProgress | undefined;
  bar: cliProgress.SingleBar | undefined;
}

const PLAIN_EVERY_MS = 2_000;
const count = (value: number | bigint): string => value.toLocaleString('en-US');

const duration = (seconds: number): string => {
  if (!Number.isFinite(seconds)) return '?';
  if (seconds < 60) return `${Math.ceil(seconds)} s`;
  const minutes = Math.floor(seconds / 60);
  return minutes < 60 ? `${minutes} min ${Math.ceil(seconds % 60)} s` : `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
};

/** Rates over the whole run so far: steadier than a window, and a build is one long steady read. */
const figures = (track: Track) => {
  const { last } = track;
  const seconds = Math.max(0.001, (performance.now() - track.startedAt) / 1000);
  const done = Number(last.position - track.startPosition);
  const left = Number(last.head > last.position ? last.head - last.position : 0n);
  const positionsPerSecond = done / seconds;
  const percent = last.head === 0n ? 100 : Math.min(100, (Number(last.position) / Number(last.head)) * 100);
  return {
    percent,
    eventsPerSecond: last.events / seconds,
    eta: left === 0 ? 0 : positionsPerSecond > 0 ? left / positionsPerSecond : Number.POSITIVE_INFINITY,
  };
};

export const createProgressDisplay = (stream: NodeJS.WriteStream): ProgressDisplay => {
  const tracks = new Map<string, Track>();
  const bars = stream.isTTY
    ? new cliProgress.MultiBar(
        {
          stream,
          format: '{name} v{version} {bar} {percentage}% | {events} events | {rate} events/s | ETA {eta}',
          hideCursor: true,
          clearOnComplete: false,
          fps: 5,
        },
        cliProgress.Presets.shades_classic,
      )
    : undefined;

  const payload = (track: Track) => {
    const { eventsPerSecond, eta } = figures(track);
    return { name: track.last.projection, version: track.last.version, events: count(track.last.events), rate: count(Math.round(eventsPerSecond)), eta: duration(eta) };
  };

  const printLine = (track: Track): void => {
    if (track.printed === track.last) return;
    track.printed = track.last;
    const { percent, eventsPerSecond, eta } = figures(track);
    const { projection, version, position, head, events } = track.last;
    stream.write(
      `${projection} v${version}: ${percent.toFixed(0)}% (position ${count(position)} of ${count(head)}), ${count(events)} events, ` +
        `${count(Math.round(eventsPerSecond))} events/s, ETA ${duration(eta)}\n`,
    );
    track.printedAt = performance.now();
  };

  return {
    update: (progress) => {
      let track = tracks.get(progress.projection);
      if (track === undefined) {
        track = { startedAt: performance.now(), startPosition: progress.position, last: progress, printedAt: performance.now(), printed: undefined, bar: undefined };
        tracks.set(progress.projection, track);
      }
      track.last = progress;
      // Events appended during the build take the position past the head it started with.
      const total = Math.max(1, Number(progress.head));
      const value = Math.min(total, Number(progress.position));
      if (bars === undefined) {
        if (performance.now() - track.printedAt >= PLAIN_EVERY_MS) printLine(track);
      } else if (track.bar === undefined) {
        track.bar = bars.create(total, value, payload(track));
      } else {
        track.bar.update(value, payload(track));
      }
    },
    finish: (projection) => {
      const track = tracks.get(projection);
      if (track === undefined) return;
      if (bars === undefined) printLine(track);
      else track.bar?.update(Math.max(1, Number(track.last.head)), payload(track));
    },
    stop: () => bars?.stop(),
  };
};
