import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

// Debian installs nats-server in /usr/sbin, which many PATHs lack.
const FALLBACK_DIRS = ['/usr/local/bin', '/usr/local/sbin', '/usr/sbin', '/sbin'];

const executable = (path: string): boolean => {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

/** Where an executable is: the first in `path` (a PATH value), then the usual system folders. */
export const findBinary = (name: string, path: string = process.env['PATH'] ?? ''): string | undefined =>
  [...path.split(delimiter), ...FALLBACK_DIRS]
    .filter((dir) => dir !== '')
    .map((dir) => join(dir, name))
    .find(executable);
