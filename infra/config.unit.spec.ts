import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from './config.js';

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
