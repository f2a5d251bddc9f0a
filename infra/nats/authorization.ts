import { COMMAND_SUBJECT_ROOT, SUBJECT_TOKEN } from '../../actors/runtime/protocol/subjects.js';
import { ShardkeepError } from '../../events/errors.js';
import { inventoryDiffSubject } from '../../projections/inventories/inventory-values.js';
import { PROJECTION_ACTIVATED_PATTERN } from '../../projections/read-cache/activation-notice.js';
import { rosterSubject } from '../../projections/rosters/roster-values.js';
import { HOST_INBOX_PREFIX, playerInboxPrefix, serverInboxPrefix } from './inboxes.js';

/**
 * The nats-server `authorization` block of a Shardkeep deployment, rendered from its roles
 * and credentials (`npm run nats-config` writes it; infra/deploy/nats-server.conf includes
 * it). Pure: text in, text out.
 *
 * The issuer of a command is a token of its subject, and these permissions bind subjects to
 * credentials, so the issuer a decider sees is the one nats-server authenticated:
 *
 * - **host** (`npm start`: actor hosts, their trade queue, the projections' notifier):
 *   subscribes to the command subjects only in the hosts' queue group, answers on the reply
 *   subject of each command it received (`allow_responses`), sends the trade queue's steps as
 *   `server:<tradeQueueId>`, receives their replies under `_INBOX.host`, and publishes
 *   inventory diffs and roster notices.
 * - **game server** (trusted): publishes any command (`mmo.cmd.>`: for any player, and
 *   privileged ones as `server`), receives its replies under `_INBOX.server.<id>`, reads
 *   every diff, roster notice and activation notice.
 * - **rebuild** (`npm run rebuild`): publishes diffs, roster notices and activation notices;
 *   subscribes to nothing.
 * - **player**: publishes only `mmo.cmd.player.<itsId>.>`; subscribes only to its reply
 *   inbox `_INBOX.player.<itsId>.>` and its own inventory diffs. Roster notices are per
 *   guild, and membership changes while a connection lives, so no static permission can
 *   confine them to a player's own guild: players get none (the guild's motd is in them);
 *   a game server relays them.
 *
 * Users without permissions of their own may do nothing (`default_permissions`).
 */

export class NatsAuthorizationError extends ShardkeepError {
  readonly code = 'NATS_AUTHORIZATION';
}

export interface NatsCredential {
  /** A player's or game server's id (the issuer id on its subjects), or a host's or rebuild's login name. */
  readonly user: string;
  /**
   * A password: plain, or a bcrypt hash (`$2a$…`, as `nats server passwd` prints it) so the
   * rendered file holds no secret. Give either a password or an nkey.
   */
  readonly password?: string;
  /** A user nkey's public key (`U…`, 56 characters): the client proves it holds the seed. */
  readonly nkey?: string;
}

export interface NatsAuthorizationPlan {
  readonly hosts: readonly NatsCredential[];
  readonly gameServers: readonly NatsCredential[];
  readonly rebuilds?: readonly NatsCredential[];
  readonly players: readonly NatsCredential[];
  /** The hosts' queue group; default `shardkeep-hosts` (actors/runtime/host.ts). */
  readonly queueGroup?: string;
  /** The issuer id of the hosts' trade queue; default `trade-queue` (infra/world/world-node.ts). */
  readonly tradeQueueId?: string;
}

export interface RolePermissions {
  readonly publish: readonly string[];
  /** A subject, or `<subject> <queue group>` to allow it only in that queue group. */
  readonly subscribe: readonly string[];
  /** May answer on the reply subject of each message it received (once per message). */
  readonly allowResponses?: boolean;
}

export const DEFAULT_QUEUE_GROUP = 'shardkeep-hosts';
export const DEFAULT_TRADE_QUEUE_ID = 'trade-queue';

const COMMANDS = `${COMMAND_SUBJECT_ROOT}.>`;
const INVENTORY_DIFFS = inventoryDiffSubject('*');
const ROSTER_NOTICES = rosterSubject('*');

export const hostPermissions = (queueGroup = DEFAULT_QUEUE_GROUP, tradeQueueId = DEFAULT_TRADE_QUEUE_ID): RolePermissions => ({
  publish: [`${COMMAND_SUBJECT_ROOT}.server.${tradeQueueId}.>`, INVENTORY_DIFFS, ROSTER_NOTICES],
  // Every command subject, malformed ones included: world nodes answer those too (NOT_FOUND, VALIDATION).
  subscribe: [`${COMMANDS} ${queueGroup}`, `${HOST_INBOX_PREFIX}.>`],
  allowResponses: true,
});

export const gameServerPermissions = (serverId: string): RolePermissions => ({
  publish: [COMMANDS],
  subscribe: [`${serverInboxPrefix(serverId)}.>`, INVENTORY_DIFFS, ROSTER_NOTICES, PROJECTION_ACTIVATED_PATTERN],
});

export const rebuildPermissions = (): RolePermissions => ({
  publish: [INVENTORY_DIFFS, ROSTER_NOTICES, PROJECTION_ACTIVATED_PATTERN],
  subscribe: [],
});

export const playerPermissions = (playerId: string): RolePermissions => ({
  publish: [`${COMMAND_SUBJECT_ROOT}.player.${playerId}.>`],
  subscribe: [`${playerInboxPrefix(playerId)}.>`, inventoryDiffSubject(playerId)],
});

const NKEY = /^U[A-Z2-7]{55}$/;
// Control characters have no escape nats-server's parser is sure to read back the same.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

/** A double-quoted nats.conf string: no variable expansion, `"` and `\` escaped. */
const quoted = (value: string): string => `"${value.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;

const list = (values: readonly string[]): string => `[${values.map(quoted).join(', ')}]`;

/** An allow list, or a deny of everything when the role needs none. */
const direction = (subjects: readonly string[]): string =>
  subjects.length === 0 ? `{ deny: ${list(['>'])} }` : `{ allow: ${list(subjects)} }`;

export const renderPermissions = (permissions: RolePermissions): string =>
  `{ publish: ${direction(permissions.publish)}, subscribe: ${direction(permissions.subscribe)}${
    permissions.allowResponses === true ? ', allow_responses: true' : ''
  } }`;

const checkCredential = (role: string, credential: NatsCredential, problems: string[]): void => {
  const { user, password, nkey } = credential;
  if (!SUBJECT_TOKEN.test(user)) problems.push(`${role} ${JSON.stringify(user)}: must match [A-Za-z0-9_-]{1,64}`);
  if ((password === undefined) === (nkey === undefined)) problems.push(`${role} ${user}: give a password or an nkey, not both or neither`);
  if (password !== undefined && (password.length === 0 || CONTROL.test(password))) {
    problems.push(`${role} ${user}: the password must be non-empty, without control characters`);
  }
  if (nkey !== undefined && !NKEY.test(nkey)) problems.push(`${role} ${user}: the nkey must be a user public key (U followed by 55 base32 characters)`);
};

const userLine = (credential: NatsCredential, permissions: string): string => {
  const login =
    credential.nkey === undefined
      ? `user: ${quoted(credential.user)}, password: ${quoted(credential.password ?? '')}`
      : `nkey: ${quoted(credential.nkey)}`;
  return `    { ${login}, permissions: ${permissions} }`;
};

/** Checks the plan whole (every problem at once) and renders the block. */
export const renderNatsAuthorization = (plan: NatsAuthorizationPlan): string => {
  const queueGroup = plan.queueGroup ?? DEFAULT_QUEUE_GROUP;
  const tradeQueueId = plan.tradeQueueId ?? DEFAULT_TRADE_QUEUE_ID;
  const rebuilds = plan.rebuilds ?? [];
  const problems: string[] = [];
  if (!SUBJECT_TOKEN.test(queueGroup)) problems.push('queueGroup: must match [A-Za-z0-9_-]{1,64}');
  if (!SUBJECT_TOKEN.test(tradeQueueId)) problems.push('tradeQueueId: must match [A-Za-z0-9_-]{1,64}');
  if (plan.hosts.length === 0) problems.push('at least one host is needed');
  const roles: [string, readonly NatsCredential[]][] = [
    ['host', plan.hosts],
    ['game server', plan.gameServers],
    ['rebuild', rebuilds],
    ['player', plan.players],
  ];
  const logins = new Map<string, string>();
  for (const [role, credentials] of roles) {
    for (const credential of credentials) {
      checkCredential(role, credential, problems);
      const login = credential.nkey ?? `user ${credential.user}`;
      const seen = logins.get(login);
      if (seen !== undefined) problems.push(`${role} ${credential.user}: ${login} is also a ${seen}; every login must be unique`);
      else logins.set(login, role);
    }
  }
  if (problems.length > 0) throw new NatsAuthorizationError(`nats authorization:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);

  const host = renderPermissions(hostPermissions(queueGroup, tradeQueueId));
  const rebuild = renderPermissions(rebuildPermissions());
  return [
    '# Rendered by `npm run nats-config` (infra/nats/authorization.ts): render it again rather than edit it.',
    `# ${plan.hosts.length} hosts, ${plan.gameServers.length} game servers, ${rebuilds.length} rebuilds, ${plan.players.length} players.`,
    'authorization {',
    '  # A user listed without permissions of its own may do nothing.',
    `  default_permissions: ${renderPermissions({ publish: [], subscribe: [] })}`,
    '  users: [',
    ...plan.hosts.map((credential) => userLine(credential, host)),
    ...plan.gameServers.map((credential) => userLine(credential, renderPermissions(gameServerPermissions(credential.user)))),
    ...rebuilds.map((credential) => userLine(credential, rebuild)),
    ...plan.players.map((credential) => userLine(credential, renderPermissions(playerPermissions(credential.user)))),
    '  ]',
    '}',
    '',
  ].join('\n');
};
