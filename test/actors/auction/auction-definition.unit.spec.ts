import { Packr } from 'msgpackr';
import { describe, expect, it } from 'vitest';
import { auctionActor, auctionDefinition, auctionEventCodec } from '../../../actors/auction/definition.js';
import { auctionSnapshotCodec } from '../../../actors/auction/snapshot.js';
import type { AuctionState } from '../../../actors/auction/state.js';
import type { AuctionEvent } from '../../../events/auction.js';
import { deciderSpec } from '../../support/decider-spec.js';
import { throughTheLog } from '../../support/actors/event-log-round-trip.js';
import {
  ENDS_AT,
  bidRejected,
  cancelled,
  confirmed,
  ended,
  escrowConfirmed,
  escrowFailed,
  expired,
  listed,
  listing,
  open,
  placed,
  refundConfirmed,
  refundRequested,
  won,
  withLead,
} from './fixtures.js';

const commands = auctionDefinition.commands;
const valid = (name: keyof typeof commands, data: unknown): boolean => commands[name].schema.safeParse(data).success;

describe('auction definition: command schemas', () => {
  it('accepts the documented shapes', () => {
    expect(valid('list', { seller: 's1', itemId: 'i1', startingPrice: 1, endsAt: ENDS_AT })).toBe(true);
    expect(valid('list', { seller: 's1', itemId: 'i1', startingPrice: 1, buyoutPrice: 5, endsAt: ENDS_AT })).toBe(true);
    expect(valid('bid', { bidId: 'b1', amount: 10 })).toBe(true);
    expect(valid('buyout', { bidId: 'b1' })).toBe(true);
    for (const name of ['cancel', 'close', 'itemEscrowed', 'itemEscrowFailed', 'settled', 'returned'] as const) expect(valid(name, {})).toBe(true);
    for (const name of ['bidFundsHeld', 'bidFundsFailed', 'refunded'] as const) expect(valid(name, { bidId: 'b1' })).toBe(true);
  });

  it('keeps amounts at 2^31±1 and 2^32 exact and refuses 2^53 and beyond the per-operation bound', () => {
    for (const amount of [2 ** 31 - 1, 2 ** 31, 2 ** 31 + 1, 2 ** 32]) {
      const parsed = commands.bid.schema.safeParse({ bidId: 'b1', amount });
      expect(parsed.success && parsed.data.amount).toBe(amount);
    }
    for (const amount of [2 ** 53, 2 ** 53 + 1, 1e12 + 1, 0, -5, 2.5, '100', Number.NaN]) expect(valid('bid', { bidId: 'b1', amount })).toBe(false);
    expect(valid('list', { seller: 's1', itemId: 'i1', startingPrice: 2 ** 53, endsAt: ENDS_AT })).toBe(false);
  });

  it('refuses unknown fields, a bidder in the payload, and ids outside the subject alphabet', () => {
    expect(valid('bid', { bidId: 'b1', amount: 10, bidder: 'p2' })).toBe(false);
    expect(valid('bid', { bidId: 'b1.>', amount: 10 })).toBe(false);
    expect(valid('close', { at: 1 })).toBe(false);
    expect(valid('list', { seller: 's1', itemId: 'i1', startingPrice: 1, endsAt: 1.5 })).toBe(false);
    expect(valid('list', { seller: 's1', itemId: 'i1', startingPrice: 1, endsAt: 2 ** 53 })).toBe(false);
  });

  it('lets only players bid, and only servers close and confirm', () => {
    expect(commands.bid.issuers).toEqual(['player']);
    expect(commands.buyout.issuers).toEqual(['player']);
    expect(commands.close.issuers).toEqual(['server']);
    expect(commands.bidFundsHeld.issuers).toEqual(['server']);
    expect(auctionActor().category).toBe('auction');
  });
});

describe('auction definition: events', () => {
  const all: readonly AuctionEvent[] = [
    listed,
    listing({ buyoutPrice: undefined }),
    escrowConfirmed,
    escrowFailed,
    placed('b1', 'p1', 2 ** 32 + 1, true),
    confirmed('b1', 'p1', 200),
    bidRejected('b1', 'p1', 200),
    refundRequested('b1', 'p1', 200),
    refundConfirmed('b1'),
    cancelled,
    expired,
    won('p1', 'b1', 200),
    ended('settled'),
  ];

  it('stores every event under a v1 name and reads it back unchanged', () => {
    all.forEach((event, index) => {
      const { proposed, recorded } = throughTheLog(auctionEventCodec, 'auction-a-1', event, index);
      expect(proposed.type).toBe(`${event.type}.v1`);
      expect({ type: recorded.type, data: JSON.parse(JSON.stringify(recorded.data)) as unknown }).toEqual(JSON.parse(JSON.stringify(event)));
    });
  });
});

describe('auction definition: snapshots', () => {
  const packr = new Packr({ useRecords: false, mapsAsObjects: true });
  const spec = deciderSpec(auctionDefinition.decider);
  const histories: readonly (readonly AuctionEvent[])[] = [
    [],
    [listed],
    [listing({ buyoutPrice: undefined }), escrowConfirmed],
    [...withLead, placed('b2', 'p2', 300)],
    [...withLead, placed('b2', 'p2', 300), confirmed('b2', 'p2', 300), refundRequested('b1', 'p1', 200), won('p2', 'b2', 300)],
    [...withLead, won('p1', 'b1', 200), ended('settled')],
    [...open, expired, ended('returned')],
    [...open, cancelled],
    [listed, escrowFailed],
  ];

  it('round-trips every status through msgpack', () => {
    for (const history of histories) {
      const state: AuctionState = spec.given(history).state;
      const bytes = packr.pack(auctionSnapshotCodec.encode(state));
      expect(auctionSnapshotCodec.decode(packr.unpack(bytes))).toEqual(state);
    }
  });

  it('refuses a snapshot that does not parse, so the host rebuilds from events', () => {
    expect(() => auctionSnapshotCodec.decode({ status: 'open' })).toThrow();
    expect(() => auctionSnapshotCodec.decode({ status: 'melted' })).toThrow();
  });
});
