import { describe, it } from 'vitest';
import { ctx, otherPlayer, registered, self, server, singleSession } from './fixtures.js';

describe('player: changeZone', () => {
  it('given no zone yet, when the player enters one, then ZoneChanged from null', () => {
    singleSession
      .given([registered])
      .when({ type: 'changeZone', data: { zone: 'elwynn' } }, ctx(self))
      .then([{ type: 'ZoneChanged', data: { from: null, to: 'elwynn' } }]);
  });

  it('given a zone, when a server moves the player, then ZoneChanged from the old zone', () => {
    singleSession
      .given([registered, { type: 'ZoneChanged', data: { from: null, to: 'elwynn' } }])
      .when({ type: 'changeZone', data: { zone: 'westfall' } }, ctx(server))
      .then([{ type: 'ZoneChanged', data: { from: 'elwynn', to: 'westfall' } }]);
  });

  it('given a zone, when asked to enter the same zone, then success with no event', () => {
    singleSession
      .given([registered, { type: 'ZoneChanged', data: { from: null, to: 'elwynn' } }])
      .when({ type: 'changeZone', data: { zone: 'elwynn' } }, ctx(self))
      .then([]);
  });

  it('when another player moves p1, then UNAUTHORIZED', () => {
    singleSession.given([registered]).when({ type: 'changeZone', data: { zone: 'jail' } }, ctx(otherPlayer)).thenRejects('UNAUTHORIZED');
  });
});

describe('player: setPresence', () => {
  it('given a new player (offline), when it goes online, then PresenceChanged', () => {
    singleSession
      .given([registered])
      .when({ type: 'setPresence', data: { status: 'online' } }, ctx(self))
      .then([{ type: 'PresenceChanged', data: { from: 'offline', to: 'online' } }]);
  });

  it('given online, when a server sets busy, then PresenceChanged', () => {
    singleSession
      .given([registered, { type: 'PresenceChanged', data: { from: 'offline', to: 'online' } }])
      .when({ type: 'setPresence', data: { status: 'busy' } }, ctx(server))
      .then([{ type: 'PresenceChanged', data: { from: 'online', to: 'busy' } }]);
  });

  it('given offline, when set offline, then success with no event', () => {
    singleSession.given([registered]).when({ type: 'setPresence', data: { status: 'offline' } }, ctx(self)).then([]);
  });

  it('when another player sets p1 away, then UNAUTHORIZED', () => {
    singleSession.given([registered]).when({ type: 'setPresence', data: { status: 'away' } }, ctx(otherPlayer)).thenRejects('UNAUTHORIZED');
  });
});

describe('player: guild membership', () => {
  const joined = { type: 'PlayerJoinedGuild', data: { guildId: 'g1' } } as const;

  it('given no guild, when the guild flow joins the player, then PlayerJoinedGuild', () => {
    singleSession.given([registered]).when({ type: 'joinGuild', data: { guildId: 'g1' } }, ctx(server)).then([joined]);
  });

  it('given guild g1, when joined to g2, then REJECTED (one guild at most)', () => {
    singleSession
      .given([registered, joined])
      .when({ type: 'joinGuild', data: { guildId: 'g2' } }, ctx(server))
      .thenRejects('REJECTED', /already a member of guild g1/);
  });

  it('given guild g1, when joined to g1 again, then REJECTED too', () => {
    singleSession.given([registered, joined]).when({ type: 'joinGuild', data: { guildId: 'g1' } }, ctx(server)).thenRejects('REJECTED', /already a member of guild g1/);
  });

  it('given guild g1, when the flow removes the player from g1, then PlayerLeftGuild; it may then join another', () => {
    singleSession.given([registered, joined]).when({ type: 'leaveGuild', data: { guildId: 'g1' } }, ctx(server)).then([{ type: 'PlayerLeftGuild', data: { guildId: 'g1' } }]);
    singleSession
      .given([registered, joined, { type: 'PlayerLeftGuild', data: { guildId: 'g1' } }])
      .when({ type: 'joinGuild', data: { guildId: 'g2' } }, ctx(server))
      .then([{ type: 'PlayerJoinedGuild', data: { guildId: 'g2' } }]);
  });

  it('when leaving a guild the player is not in, then REJECTED', () => {
    singleSession.given([registered]).when({ type: 'leaveGuild', data: { guildId: 'g1' } }, ctx(server)).thenRejects('REJECTED', /not a member of guild g1/);
    singleSession.given([registered, joined]).when({ type: 'leaveGuild', data: { guildId: 'g2' } }, ctx(server)).thenRejects('REJECTED', /not a member of guild g2/);
  });

  it('when the player joins or leaves by itself, then UNAUTHORIZED (the guild flow orchestrates membership)', () => {
    singleSession.given([registered]).when({ type: 'joinGuild', data: { guildId: 'g1' } }, ctx(self)).thenRejects('UNAUTHORIZED');
    singleSession.given([registered, joined]).when({ type: 'leaveGuild', data: { guildId: 'g1' } }, ctx(self)).thenRejects('UNAUTHORIZED');
  });
});
