import { mkdir, rm } from 'node:fs/promises';
import { RESERVED_PORTS, freePort } from './free-port.js';
import { keepOnExit, removeOnExit, spawnOwned, type OwnedProcess } from './owned-process.js';
import { ServerStartError, fileSize, waitUntilReady } from './readiness.js';

/** How to run one kind of server; nats-server.ts and redis-server.ts each provide one. */
export interface LaunchPlan {
  readonly name: string;
  readonly binary: string;
  /** The harness's temporary folder: config, log, data. Removed by stop(), kept by kill(). */
  readonly dir: string;
  readonly logFile: string;
  readonly readyTimeoutMs: number;
  /** Writes whatever the start needs into `dir` and returns the server's arguments. */
  prepare(port: number): Promise<readonly string[]>;
  /** Given the log written during this start, does the server on `port` serve yet? */
  ready(port: number, log: string): Promise<boolean>;
}

/** The lifecycle shared by every harness-owned server. */
export interface OwnedServer {
  readonly port: number;
  /** The current process; a restart changes it. */
  readonly pid: number;
  isRunning(): boolean;
  /** Graceful stop (SIGTERM, SIGKILL after a grace period), then removes the temp folder. */
  stop(): Promise<void>;
  /** SIGKILL; the temp folder and its data stay for restart(). */
  kill(): Promise<void>;
  /** Starts again on the same port with the same folders; stops gracefully first if running. */
  restart(): Promise<void>;
}

const PORT_ATTEMPTS = 3;

const launchOn = async (plan: LaunchPlan, port: number): Promise<OwnedProcess> => {
  await mkdir(plan.dir, { recursive: true });
  removeOnExit(plan.dir);
  const args = await plan.prepare(port);
  const logOffset = await fileSize(plan.logFile);
  const child = spawnOwned(plan.binary, args, plan.logFile, plan.dir);
  try {
    await waitUntilReady({
      name: `${plan.name} on 127.0.0.1:${port}`,
      logFile: plan.logFile,
      logOffset,
      timeoutMs: plan.readyTimeoutMs,
      isRunning: () => child.isRunning(),
      ready: (log) => plan.ready(port, log),
    });
  } catch (error) {
    await child.kill();
    throw error;
  }
  return child;
};

const removeDir = async (dir: string): Promise<void> => {
  keepOnExit(dir);
  await rm(dir, { recursive: true, force: true, maxRetries: 3 });
};

/**
 * Starts the server on `requestedPort`, or on a free port (retried if taken meanwhile),
 * and returns its lifecycle plus `details(port)`: the fields each kind of server adds.
 */
export const startOwnedServer = async <Details extends object>(
  plan: LaunchPlan,
  requestedPort: number | undefined,
  details: (port: number) => Details,
): Promise<OwnedServer & Details> => {
  if (requestedPort !== undefined && RESERVED_PORTS.has(requestedPort)) {
    await removeDir(plan.dir);
    throw new Error(`${plan.name}: port ${requestedPort} belongs to the machine's own server; harnesses never use it`);
  }
  let port = requestedPort ?? (await freePort());
  let current: OwnedProcess | undefined;
  for (let attempt = 1; current === undefined; attempt += 1) {
    try {
      current = await launchOn(plan, port);
    } catch (error) {
      // A free port can be taken between the probe and the bind; a port the caller chose
      // (a restart on the same port) must not silently move.
      const retry = requestedPort === undefined && attempt < PORT_ATTEMPTS;
      if (!(retry && error instanceof ServerStartError && error.portTaken)) {
        await removeDir(plan.dir);
        throw error;
      }
      port = await freePort();
    }
  }
  let child: OwnedProcess = current;

  // Built field by field: spreading an object with a getter would freeze the first pid.
  return {
    ...details(port),
    port,
    get pid() {
      return child.pid;
    },
    isRunning: () => child.isRunning(),
    stop: async () => {
      await child.stop();
      await removeDir(plan.dir);
    },
    kill: () => child.kill(),
    restart: async () => {
      await child.stop();
      child = await launchOn(plan, port);
    },
  };
};
