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

describe('rate limits', () => {
  it('limits each player to 20 commands/s of each kind, 40 at once, logins to 1/s and 5 at once, and trusts servers by default', () => {
    expect(parseConfig({}).rateLimits).toEqual({
      players: { perSecond: 20, burst: 40 },
      kinds: { 'player.login': { perSecond: 1, burst: 5 } },
      servers: 'off',
      maxBuckets: 100_000,
    });
  });

  it('reads budgets as <rate>/<burst> or off, and per-kind budgets as a list that replaces the default one', () => {
    const config = parseConfig({
      SHARDKEEP_RATE_LIMIT: '0.5/3',
      SHARDKEEP_RATE_LIMIT_KINDS: ' item.transfer=50/100 , player.touch=off',
      SHARDKEEP_RATE_LIMIT_SERVERS: '1000/5000',
      SHARDKEEP_RATE_LIMIT_BUCKETS: '2000',
    });
    expect(config.rateLimits).toEqual({
      players: { perSecond: 0.5, burst: 3 },
      kinds: { 'item.transfer': { perSecond: 50, burst: 100 }, 'player.touch': 'off' },
      servers: { perSecond: 1000, burst: 5000 },
      maxBuckets: 2000,
    });
    expect(parseConfig({ SHARDKEEP_RATE_LIMIT: 'off', SHARDKEEP_RATE_LIMIT_KINDS: 'none' }).rateLimits).toMatchObject({ players: 'off', kinds: {} });
  });

  it('names each bad budget, unknown kind and repeated kind on a line of its own', () => {
    try {
      parseConfig({
        SHARDKEEP_RATE_LIMIT: '20',
        SHARDKEEP_RATE_LIMIT_KINDS: 'player.logn=1/5,item.transfer=50/0.5,item.transfer=1/1,guild',
        SHARDKEEP_RATE_LIMIT_SERVERS: 'unlimited',
        SHARDKEEP_RATE_LIMIT_BUCKETS: '0',
      });
      expect.unreachable('the configuration is invalid');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const problems = (error as ConfigError).problems;
      expect(problems).toHaveLength(7);
      expect(problems[0]).toMatch(/^SHARDKEEP_RATE_LIMIT: "20" is not a budget: <rate>\/<burst>/);
      expect(problems.filter((problem) => problem.startsWith('SHARDKEEP_RATE_LIMIT_KINDS: '))).toEqual([
        expect.stringMatching(/player\.logn is not a command kind/),
        expect.stringMatching(/item\.transfer: "50\/0\.5" is not a budget/),
        expect.stringMatching(/item\.transfer is given twice/),
        expect.stringMatching(/"guild" is not <category>\.<command>=<budget>/),
      ]);
      expect(problems).toContainEqual(expect.stringMatching(/^SHARDKEEP_RATE_LIMIT_SERVERS: "unlimited" is not a budget/));
      expect(problems).toContainEqual(expect.stringMatching(/^SHARDKEEP_RATE_LIMIT_BUCKETS: /));
    }
  });

  it('takes the same settings from a configuration file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'shardkeep-config-'));
    const path = join(dir, 'shardkeep.json');
    writeFileSync(path, JSON.stringify({ SHARDKEEP_RATE_LIMIT: '5/10', SHARDKEEP_RATE_LIMIT_KINDS: 'player.login=off', SHARDKEEP_RATE_LIMIT_BUCKETS: 500 }));
    expect(parseConfig(readConfigFile(path, SETTING_NAMES)).rateLimits).toEqual({
      players: { perSecond: 5, burst: 10 },
      kinds: { 'player.login': 'off' },
      servers: 'off',
      maxBuckets: 500,
    });
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
