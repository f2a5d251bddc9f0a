import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readConfigFile } from './config-file.js';
import { ConfigError, parseConfig, SETTING_NAMES } from './config.js';

describe('configuration', () => {
  it('runs embedded on SQLite under data/ when nothing is set', () => {
    expect(parseConfig({}).eventStore).toEqual({ kind: 'sqlite', path: 'data/events.sqlite', synchronous: 'full' });
  });

  it('switches to EventStoreDB when ESDB_URL is set', () => {
    expect(parseConfig({ ESDB_URL: 'esdb://db.internal:2113?tls=false' }).eventStore).toEqual({
      kind: 'esdb',
      connectionString: 'esdb://db.internal:2113?tls=false',
    });
  });

  it('runs the simulated world when embedded, and serves real clients without it when NATS is set', () => {
    expect(parseConfig({})).toMatchObject({ nats: undefined, redis: undefined, simulation: { enabled: true, players: 200, actionsPerSecond: 300 } });
    const served = parseConfig({ NATS_URL: 'nats://a:4222, nats://b:4222', REDIS_URL: 'redis://cache:6379/0' });
    expect(served).toMatchObject({ nats: { servers: ['nats://a:4222', 'nats://b:4222'] }, redis: { url: 'redis://cache:6379/0' }, simulation: { enabled: false } });
    expect(parseConfig({ NATS_URL: 'nats://a:4222', SHARDKEEP_SIMULATE: 'on', SHARDKEEP_SIM_RATE: '50' }).simulation).toEqual({
      enabled: true,
      players: 200,
      actionsPerSecond: 50,
    });
  });

  it('refuses half-given NATS credentials, bad URLs and rates', () => {
    expect(() => parseConfig({ NATS_URL: 'nats://a:4222', NATS_USER: 'host' })).toThrow(/NATS_USER and NATS_PASSWORD go together/);
    expect(() => parseConfig({ REDIS_URL: 'localhost:6379' })).toThrow(/REDIS_URL: must be a redis:\/\/ or rediss:\/\/ URL/);
    expect(() => parseConfig({ SHARDKEEP_SIM_RATE: 'fast' })).toThrow(/SHARDKEEP_SIM_RATE/);
  });

  it('gives the rebuild its own Redis user and NATS credentials when set, the projections\' otherwise', () => {
    const shared = { NATS_URL: 'nats://a:4222', NATS_USER: 'host', NATS_PASSWORD: 'h', REDIS_URL: 'redis://projector:p@cache:6379' };
    expect(parseConfig(shared).rebuild).toEqual({
      redis: { url: 'redis://projector:p@cache:6379' },
      nats: { servers: ['nats://a:4222'], user: 'host', password: 'h' },
    });
    const own = parseConfig({
      ...shared,
      SHARDKEEP_REBUILD_REDIS_URL: 'redis://rebuild:r@cache:6379',
      SHARDKEEP_REBUILD_NATS_USER: 'rebuild',
      SHARDKEEP_REBUILD_NATS_PASSWORD: 'r',
    });
    expect(own.redis).toEqual({ url: 'redis://projector:p@cache:6379' });
    expect(own.rebuild).toEqual({ redis: { url: 'redis://rebuild:r@cache:6379' }, nats: { servers: ['nats://a:4222'], user: 'rebuild', password: 'r' } });
    expect(() => parseConfig({ ...shared, SHARDKEEP_REBUILD_NATS_USER: 'rebuild' })).toThrow(/SHARDKEEP_REBUILD_NATS_USER and SHARDKEEP_REBUILD_NATS_PASSWORD go together/);
    expect(() => parseConfig({ SHARDKEEP_REBUILD_REDIS_URL: 'cache:6379' })).toThrow(/SHARDKEEP_REBUILD_REDIS_URL: must be a redis/);
  });

  it('names every problem at once', () => {
    const attempt = () => parseConfig({ ESDB_URL: 'http://nope', SHARDKEEP_SQLITE_SYNC: 'sometimes' });
    expect(attempt).toThrow(ConfigError);
    try {
      attempt();
    } catch (error) {
      expect((error as ConfigError).problems).toHaveLength(2);
      expect((error as ConfigError).message).toMatch(/ESDB_URL: must be an esdb:\/\/ connection string/);
    }
  });
});

describe('configuration file', () => {
  const write = (content: string): string => {
    const dir = mkdtempSync(join(tmpdir(), 'shardkeep-config-'));
    const path = join(dir, 'shardkeep.json');
    writeFileSync(path, content);
    return path;
  };

  it('reads settings by their environment names, which the environment then overrides', () => {
    const path = write(JSON.stringify({ NATS_URL: 'nats://file:4222', SHARDKEEP_SIM_RATE: 25, SHARDKEEP_HTTP_PORT: 'off' }));
    const config = parseConfig({ ...readConfigFile(path, SETTING_NAMES), NATS_URL: 'nats://env:4222' });
    expect(config.nats?.servers).toEqual(['nats://env:4222']);
    expect(config.simulation.actionsPerSecond).toBe(25);
    expect(config.http).toBeUndefined();
  });

  it('names unknown settings, bad values and unreadable files', () => {
    expect(() => readConfigFile(write('{"NATS_URLS": "x", "REDIS_URL": {"a": 1}}'), SETTING_NAMES)).toThrow(
      /NATS_URLS is not a setting Shardkeep knows[\s\S]*REDIS_URL must be a string, a number or a boolean/,
    );
    expect(() => readConfigFile(write('[1]'), SETTING_NAMES)).toThrow(/must hold one JSON object/);
    expect(() => readConfigFile(write('{nope'), SETTING_NAMES)).toThrow(ConfigError);
  });
});
