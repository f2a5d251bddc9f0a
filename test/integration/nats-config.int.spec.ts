import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { findBinary } from '../support/servers/binaries.js';

/**
 * `npm run nats-config` end to end: roles.json in, authorization.conf out, and the shipped
 * infra/deploy/nats-server.conf that includes it accepted by the installed nats-server
 * (`-t` checks a configuration without starting).
 */
const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const folder = mkdtempSync(join(tmpdir(), 'shardkeep-nats-config-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

const renderer = (args: readonly string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'scripts/nats-config.ts', ...args], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 60_000 });

describe('npm run nats-config', () => {
  it('writes an authorization block the shipped nats-server.conf includes and nats-server accepts', () => {
    const roles = join(folder, 'roles.json');
    writeFileSync(
      roles,
      JSON.stringify({
        hosts: [{ user: 'host-1', password: 'h1' }],
        gameServers: [{ user: 'gs1', password: '$2a$11$PWIFAL8RsWyGI3jVZtO9Nu8.6jOxzxfZo7c/W0eLk017hjgUKWrhy' }],
        rebuilds: [{ user: 'rebuild', password: 'r"\\$' }],
        players: [{ user: 'p1', password: 'a' }],
      }),
    );
    const players = join(folder, 'players.jsonl');
    writeFileSync(players, `${JSON.stringify({ user: 'p2', password: 'b' })}\n${JSON.stringify({ user: 'p3', nkey: 'UDXU4RCSJNZOIQHZNWXHXORDPRTGNJAHAHFRGZNEEJCPQTT2M7NLCNF4' })}\n`);
    const out = join(folder, 'authorization.conf');
    const run = renderer(['--input', roles, '--players', players, '--out', out]);
    expect(run.stderr).toContain('wrote');
    expect(run.status).toBe(0);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    const text = readFileSync(out, 'utf8');
    expect(text).toContain('1 hosts, 1 game servers, 1 rebuilds, 3 players');
    expect(text).toContain('"mmo.cmd.player.p3.>"');

    copyFileSync(join(REPO_ROOT, 'infra/deploy/nats-server.conf'), join(folder, 'nats-server.conf'));
    const check = spawnSync(findBinary('nats-server'), ['-c', join(folder, 'nats-server.conf'), '-t'], { encoding: 'utf8', timeout: 30_000 });
    expect(`${check.stdout}${check.stderr}`).toMatch(/is valid/);
    expect(check.status).toBe(0);
  });

  it('exits 2 naming every problem of a bad input', () => {
    const roles = join(folder, 'bad.json');
    writeFileSync(roles, JSON.stringify({ hosts: [], players: [{ user: 'p.1', password: 'x' }] }));
    const run = renderer(['--input', roles]);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/at least one host[\s\S]*p\.1/);
    expect(renderer(['--input', join(folder, 'missing.json')]).status).toBe(2);
  });
});
