import { spawnSync } from 'node:child_process';
import { cpus, release, type } from 'node:os';
import { findBinary } from '../shared/binaries.js';
import type { MachineInfo } from './report.js';

/** `v2.9.10` from `nats-server: v2.9.10`, `7.0.15` from `Redis server v=7.0.15 sha=…`. */
const versionOf = (name: string, path: string, pattern: RegExp): string => {
  const binary = findBinary(name, path);
  if (binary === undefined) return 'not installed';
  const output = spawnSync(binary, ['--version'], { encoding: 'utf8', timeout: 10_000 }).stdout ?? '';
  return pattern.exec(output)?.[1] ?? (output.trim() || 'unknown version');
};

/** The machine the figures were measured on, and the server versions the harness will start. */
export const describeMachine = (path: string): MachineInfo => {
  const cores = cpus();
  return {
    cpus: cores.length,
    cpuModel: cores[0]?.model.trim() ?? 'unknown CPU',
    platform: `${type()} ${release()}`,
    node: process.version,
    natsServer: versionOf('nats-server', path, /(v\d+\.\d+\.\d+\S*)/),
    redisServer: versionOf('redis-server', path, /v=(\S+)/),
  };
};
