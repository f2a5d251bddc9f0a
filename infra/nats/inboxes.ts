import type { Issuer } from '../../actors/runtime/protocol/issuer.js';

/**
 * Where each kind of NATS client receives its replies. A requester publishes a command with
 * a reply subject under its own prefix (`_INBOX.player.p42.<nuid>.<token>`), and the shipped
 * authorization (infra/nats/authorization.ts) lets each credential subscribe under its own
 * prefix only: a player's replies, which carry its session token, reach no other player.
 * Hosts answer on whatever reply subject a command names (`allow_responses`).
 *
 * Clients in any language pass the prefix to their NATS client (`inboxPrefix` in nats.js,
 * `CustomInboxPrefix` in nats.go, `inbox_prefix` in nats.py) or build reply subjects under it.
 */
export const INBOX_ROOT = '_INBOX';

/** `_INBOX.player.<playerId>`: a player's replies. */
export const playerInboxPrefix = (playerId: string): string => `${INBOX_ROOT}.player.${playerId}`;

/** `_INBOX.server.<serverId>`: a game server's replies. */
export const serverInboxPrefix = (serverId: string): string => `${INBOX_ROOT}.server.${serverId}`;

/** `_INBOX.host`: the replies to the commands a host's own trade queue sends. */
export const HOST_INBOX_PREFIX = `${INBOX_ROOT}.host`;

/** The prefix of the credential an issuer's commands are published with. */
export const inboxPrefixOf = (issuer: Issuer): string =>
  issuer.kind === 'player' ? playerInboxPrefix(issuer.id) : serverInboxPrefix(issuer.id);
