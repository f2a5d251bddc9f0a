import { HOST_PASSWORD, type SecuredWorld } from './secured-world.js';

/** The deployment's own settings (NATS as `host`, Redis as `projector`), as an operator's environment holds them. */
export const deploymentEnvironment = (world: SecuredWorld): Record<string, string> => ({
  SHARDKEEP_DATA_DIR: world.dataDir,
  REDIS_URL: world.redisUrl('projector'),
  NATS_URL: world.nats.url,
  NATS_USER: 'host',
  NATS_PASSWORD: HOST_PASSWORD,
});

/** The same with the rebuild's own credentials added (SHARDKEEP_REBUILD_*). */
export const rebuildEnvironment = (world: SecuredWorld): Record<string, string> => ({
  ...deploymentEnvironment(world),
  SHARDKEEP_REBUILD_REDIS_URL: world.redisUrl('rebuild'),
  SHARDKEEP_REBUILD_NATS_USER: 'rebuild',
  SHARDKEEP_REBUILD_NATS_PASSWORD: world.passwordOf('rebuild'),
});
