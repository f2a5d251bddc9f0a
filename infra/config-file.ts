import { readFileSync } from 'node:fs';
import { ConfigError } from './config.js';

/**
 * Settings from a JSON file with the environment's names (`{ "NATS_URL": "nats://…" }`),
 * for deployments that keep configuration in files. Values are strings, numbers or
 * booleans; anything else, or a name Shardkeep does not know, is a configuration error.
 */
export const readConfigFile = (path: string, known: ReadonlySet<string>): Record<string, string> => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ConfigError([`${path}: ${error instanceof Error ? error.message : String(error)}`]);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new ConfigError([`${path}: must hold one JSON object`]);
  const problems: string[] = [];
  const settings: Record<string, string> = {};
  for (const [name, value] of Object.entries(parsed)) {
    if (!known.has(name)) problems.push(`${path}: ${name} is not a setting Shardkeep knows`);
    else if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') settings[name] = String(value);
    else problems.push(`${path}: ${name} must be a string, a number or a boolean`);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return settings;
};
