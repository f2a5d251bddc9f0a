import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { encodeInventoryDiff } from '../../projections/inventories/inventory-diff.js';
import {
  gameServerPermissions,
  hostPermissions,
  NatsAuthorizationError,
  playerPermissions,
  renderNatsAuthorization,
  type NatsAuthorizationPlan,
} from './authorization.js';
import { playerInboxPrefix } from './inboxes.js';

const plan = (overrides: Partial<NatsAuthorizationPlan> = {}): NatsAuthorizationPlan => ({
  hosts: [{ user: 'host', password: 'h' }],
  gameServers: [{ user: 'gs1', password: 'g' }],
  rebuilds: [{ user: 'rebuild', password: 'r' }],
  players: [{ user: 'p42', password: 'p' }],
  ...overrides,
});

describe('the NATS authorization renderer', () => {
  it('confines a player to its own command subjects, its own inbox and its own diffs', () => {
    expect(playerPermissions('p42')).toEqual({
      publish: ['mmo.cmd.player.p42.>'],
      subscribe: ['_INBOX.player.p42.>', 'mmo.inventory.p42.diff'],
    });
    expect(playerInboxPrefix('p42')).toBe('_INBOX.player.p42');
  });

  it('lets hosts take commands only in their queue group and answer only what they received', () => {
    expect(hostPermissions()).toEqual({
      publish: ['mmo.cmd.server.trade-queue.>', 'mmo.inventory.*.diff', 'mmo.guild.*.roster'],
      subscribe: ['mmo.cmd.> shardkeep-hosts', '_INBOX.host.>'],
      allowResponses: true,
    });
    expect(gameServerPermissions('gs1').subscribe).toContain('_INBOX.server.gs1.>');
  });

  it('renders one line per user, with every role\'s permissions and a deny-all default', () => {
    const text = renderNatsAuthorization(plan());
    expect(text).toContain('default_permissions: { publish: { deny: [">"] }, subscribe: { deny: [">"] } }');
    expect(text).toContain(
      '{ user: "p42", password: "p", permissions: { publish: { allow: ["mmo.cmd.player.p42.>"] }, subscribe: { allow: ["_INBOX.player.p42.>", "mmo.inventory.p42.diff"] } } }',
    );
    expect(text).toContain('"mmo.cmd.> shardkeep-hosts"');
    expect(text).toContain('allow_responses: true');
    expect(text).toContain('{ user: "rebuild", password: "r", permissions: { publish: { allow: ["mmo.inventory.*.diff", "mmo.guild.*.roster", "mmo.projection.*.activated"] }, subscribe: { deny: [">"] } } }');
  });

  it('quotes passwords so no character ends the string or expands a variable', () => {
    const text = renderNatsAuthorization(plan({ hosts: [{ user: 'host', password: 'a"b\\c$d' }] }));
    expect(text).toContain('password: "a\\"b\\\\c$d"');
  });

  it('renders nkey users with the same permissions', () => {
    const nkey = `U${'A'.repeat(55)}`;
    const text = renderNatsAuthorization(plan({ players: [{ user: 'p7', nkey }] }));
    expect(text).toContain(`{ nkey: "${nkey}", permissions: { publish: { allow: ["mmo.cmd.player.p7.>"] }`);
  });

  it('refuses a plan with bad ids, secrets or duplicate logins, naming every problem', () => {
    const attempt = () =>
      renderNatsAuthorization(
        plan({
          hosts: [],
          players: [
            { user: 'p.1', password: 'x' },
            { user: 'p2' },
            { user: 'p3', password: 'x', nkey: `U${'A'.repeat(55)}` },
            { user: 'p4', password: 'line\nbreak' },
            { user: 'gs1', password: 'x' },
            { user: 'p5', nkey: 'not-a-key' },
          ],
        }),
      );
    expect(attempt).toThrow(NatsAuthorizationError);
    const message = (() => {
      try {
        attempt();
        return '';
      } catch (error) {
        return error instanceof Error ? error.message : '';
      }
    })();
    for (const fragment of ['at least one host', 'p.1', 'p2: give a password or an nkey', 'p3: give a password or an nkey', 'p4: the password', 'gs1 is also a game server', 'p5: the nkey']) {
      expect(message).toContain(fragment);
    }
  });

  it('ships a max_payload that holds the largest inventory diff of a default batch', () => {
    const conf = readFileSync(new URL('../deploy/nats-server.conf', import.meta.url), 'utf8');
    const match = /^max_payload:\s*(\d+)KB$/m.exec(conf);
    expect(match).not.toBeNull();
    const maxPayload = Number(match?.[1]) * 1024;
    expect(maxPayload).toBeLessThan(1024 * 1024);
    // 500 events (the runner's default batch), each adding an item with 64-character ids.
    const id = (index: number) => `${String(index).padStart(4, '0')}${'x'.repeat(60)}`;
    const diff = encodeInventoryDiff({
      playerId: 'p'.repeat(64),
      fromVersion: 0,
      toVersion: 500,
      added: Array.from({ length: 500 }, (_, index) => ({ itemId: id(index), templateId: 't'.repeat(64) })),
      removed: [],
      updated: [],
    });
    expect(diff.byteLength).toBeLessThan(80 * 1024);
    expect(diff.byteLength * 3).toBeLessThan(maxPayload);
  });
});
