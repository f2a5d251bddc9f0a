import { open, stat } from 'node:fs/promises';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

const POLL_MS = 20;
const TAIL_LINES = 30;

/** A server did not become ready; `log` holds what it wrote during this start. */
export class ServerStartError extends Error {
  override readonly name = 'ServerStartError';
  constructor(
    message: string,
    readonly log: string,
  ) {
    super(`${message}\n--- last ${TAIL_LINES} log lines ---\n${tail(log)}`);
  }

  /** True when another process took the port between the probe and the bind. */
  get portTaken(): boolean {
    return /address already in use/i.test(this.log);
  }
}

const tail = (text: string): string => text.split('\n').slice(-TAIL_LINES - 1).join('\n');

export const fileSize = async (path: string): Promise<number> => {
  try {
    return (await stat(path)).size;
  } catch {
    return 0;
  }
};

/** What the server wrote to its log since `offset` (logs are appended across restarts). */
export const readLogSince = async (path: string, offset: number): Promise<string> => {
  const handle = await open(path, 'r').catch(() => undefined);
  if (handle === undefined) return '';
  try {
    const { size } = await handle.stat();
    const buffer = Buffer.alloc(Math.max(0, size - offset));
    await handle.read(buffer, 0, buffer.length, offset);
    return buffer.toString('utf8');
  } finally {
    await handle.close();
  }
};

/**
 * Sends `request` to 127.0.0.1:port and resolves with the first line of the answer, or
 * undefined if nothing listens or nothing answers in `timeoutMs`. An empty request only
 * checks that the port accepts connections.
 */
export const tcpExchange = (port: number, request: string, timeoutMs = 1_000): Promise<string | undefined> =>
  new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    let received = '';
    const finish = (answer: string | undefined): void => {
      socket.destroy();
      resolve(answer);
    };
    socket.setTimeout(timeoutMs, () => finish(undefined));
    socket.once('error', () => finish(undefined));
    socket.once('connect', () => {
      if (request === '') finish('');
      else socket.write(request);
    });
    socket.setEncoding('utf8').on('data', (chunk: string) => {
      received += chunk;
      const end = received.indexOf('\r\n');
      if (end >= 0) finish(received.slice(0, end));
    });
  });

export interface ReadinessCheck {
  readonly name: string;
  readonly logFile: string;
  readonly logOffset: number;
  readonly timeoutMs: number;
  isRunning(): boolean;
  /** Given the log written so far during this start, is the server ready to serve? */
  ready(log: string): Promise<boolean>;
}

/** Polls until `ready` holds; throws with the log tail if the process exits or time runs out. */
export const waitUntilReady = async (check: ReadinessCheck): Promise<void> => {
  const deadline = Date.now() + check.timeoutMs;
  for (;;) {
    // Read the exit state before probing: a server that answered and then died is not ready.
    const running = check.isRunning();
    const log = await readLogSince(check.logFile, check.logOffset);
    if (!running) throw new ServerStartError(`${check.name} exited before it was ready`, log);
    if ((await check.ready(log)) && check.isRunning()) return;
    if (Date.now() > deadline) {
      throw new ServerStartError(`${check.name} was not ready within ${check.timeoutMs} ms`, log);
    }
    await sleep(POLL_MS);
  }
};
