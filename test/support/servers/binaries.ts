import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

const INSTALL_HINT = 'install it with `apt-get install nats-server redis-server`';

// Debian installs nats-server in /usr/sbin, which is missing from many non-root PATHs.
const FALLBACK_DIRS = ['/usr/local/sbin', '/usr/sbin', '/sbin'];

const isExecutable = (path: string): boolean => {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

/** The absolute path of an executable on the PATH (or an sbin folder), if any. */
export const locateBinary = (name: string): string | undefined => {
  const dirs = [...(process.env['PATH'] ?? '').split(delimiter), ...FALLBACK_DIRS];
  for (const dir of dirs) {
    if (dir === '') continue;
    const candidate = join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
};

/**
 * The absolute path of a server binary. A missing binary is a failure, never a skip:
 * a suite that silently skips its servers reports reliability figures it never measured.
 */
export const findBinary = (name: string): string => {
  const found = locateBinary(name);
  if (found === undefined) {
    throw new Error(
      `${name} was not found on the PATH or in ${FALLBACK_DIRS.join(', ')}; ${INSTALL_HINT}. ` +
        'The integration and chaos tests start their own servers and do not skip without them.',
    );
  }
  return found;
};

let launcher: readonly string[] | undefined;

/**
 * The command prefix that ties a server's life to this process. `setpriv --pdeathsig KILL`
 * asks the kernel to SIGKILL the server when its parent dies, even by SIGKILL, which no
 * exit hook can catch; setpriv execs the server, so the pid we hold is the server's own.
 * Empty where setpriv (util-linux) is missing; the exit hooks still cover normal exits.
 */
export const deathBoundLauncher = (): readonly string[] => {
  if (launcher !== undefined) return launcher;
  launcher = [];
  const setpriv = process.platform === 'linux' ? locateBinary('setpriv') : undefined;
  if (setpriv !== undefined) {
    const probe = spawnSync(setpriv, ['--pdeathsig', 'KILL', '--', 'true'], { stdio: 'ignore' });
    if (probe.status === 0) launcher = [setpriv, '--pdeathsig', 'KILL', '--'];
  }
  return launcher;
};
