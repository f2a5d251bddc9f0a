import type { ItemHolder } from '../../events/item.js';
import type { CreditCause, DebitCause } from '../../events/player.js';
import type { TradeLeg } from '../../events/trade.js';
import type { WorldEvent } from '../../events/world.js';
import { createDice, seededRandom, type Dice } from '../simulation/random.js';

/**
 * A world economy for the audit benchmark: the commands the actors would append, whole
 * and in order, for a fixed population: sessions, zones, loot and purchases, items minted,
 * handed over and consumed, trades (item for gold, some failing and refunding), auctions
 * with outbid refunds, guild deposits, and refunds of purchases outside any trade. Every
 * fact fits the state kept here (a transfer from the owner, a pool debited before it
 * pays out, balances as the wallet records them), so the audit of the whole log is clean
 * and does the work a real one gives it: custody, pools, banks, command ids.
 */

/** One command's events on one stream, with the metadata a host would record. */
export interface EconomyCommand {
  readonly stream: string;
  readonly events: readonly WorldEvent[];
  /** The trade or auction a process-manager step belongs to; the command's own id otherwise. */
  readonly correlationId?: string;
  readonly issuer: string;
}

interface Player {
  readonly id: string;
  balance: number;
  session: string | undefined;
  guild: string | undefined;
}

const SERVER = 'server:bench';
const QUEUE = 'server:trade-queue';
const ZONES = ['harbor', 'forest', 'keep', 'mines', 'desert'];

export class EconomyModel {
  private readonly dice: Dice;
  private readonly players: Player[];
  /** Item id → owner, and the owned ids in an array for a fair pick. */
  private readonly owners = new Map<string, string>();
  private readonly owned: string[] = [];
  private readonly guilds: string[] = [];
  private sequence = 0;
  private clock = Date.UTC(2026, 0, 1);

  constructor(players: number, seed: number) {
    this.dice = createDice(seededRandom(seed));
    this.players = Array.from({ length: players }, (_, index) => ({ id: `p${index}`, balance: 0, session: undefined, guild: undefined }));
  }

  /** Registers every player with a grant of gold and three items. */
  *seed(): Generator<EconomyCommand> {
    for (const player of this.players) {
      yield { stream: `player-${player.id}`, issuer: SERVER, events: [{ type: 'PlayerRegistered', data: { playerId: player.id, name: player.id, registeredAt: this.clock } }] };
      yield this.credit(player, 5_000, 'adminGrant', `seed-${player.id}`);
      for (let index = 0; index < 3; index += 1) yield this.mint(player);
    }
  }

  /** One player action: one command, or the several a trade or an auction sets off. */
  next(): EconomyCommand[] {
    this.clock += 7;
    const roll = this.dice.int(100);
    const player = this.player();
    if (roll < 20) return [this.session(player)];
    if (roll < 28) return [{ stream: `player-${player.id}`, issuer: SERVER, events: [{ type: 'ZoneChanged', data: { from: null, to: ZONES[this.dice.int(ZONES.length)] ?? 'keep' } }] }];
    if (roll < 42) return [this.credit(player, 1 + this.dice.int(200), 'loot', this.id('loot'))];
    if (roll < 47) return [this.mint(player)];
    if (roll < 55) return this.purchase(player);
    if (roll < 58) return this.consume();
    if (roll < 68) return this.transfer();
    if (roll < 82) return this.trade();
    if (roll < 90) return this.auction();
    return this.guild(player);
  }

  private id(prefix: string): string {
    this.sequence += 1;
    return `${prefix}-${this.sequence.toString(36)}`;
  }

  private player(): Player {
    return this.players[this.dice.int(this.players.length)] as Player;
  }

  private other(than: Player): Player {
    const other = this.player();
    return other.id === than.id ? (this.players[(this.players.indexOf(than) + 1) % this.players.length] as Player) : other;
  }

  private credit(player: Player, amount: number, cause: CreditCause, reference: string, correlationId?: string): EconomyCommand {
    player.balance += amount;
    return this.entry(player, { type: 'GoldCredited', data: { amount, cause, reference, balanceAfter: player.balance } }, correlationId);
  }

  private debit(player: Player, amount: number, cause: DebitCause, reference: string, correlationId?: string): EconomyCommand {
    player.balance -= amount;
    return this.entry(player, { type: 'GoldDebited', data: { amount, cause, reference, balanceAfter: player.balance } }, correlationId);
  }

  /** A wallet entry: sent by a game server, or by the trade queue for a trade's or an auction's step. */
  private entry(player: Player, event: WorldEvent, correlationId: string | undefined): EconomyCommand {
    const stream = `player-${player.id}`;
    return correlationId === undefined ? { stream, events: [event], issuer: SERVER } : { stream, events: [event], issuer: QUEUE, correlationId };
  }

  private mint(player: Player): EconomyCommand {
    const itemId = this.id('it');
    this.owners.set(itemId, player.id);
    this.owned.push(itemId);
    return { stream: `item-${itemId}`, issuer: SERVER, events: [{ type: 'ItemMinted', data: { templateId: 'sword', owner: player.id } }] };
  }

  /** An owned item taken out of the pick list (consumed, or about to be escrowed and handed back in). */
  private takeItem(): { readonly itemId: string; readonly owner: string } | undefined {
    if (this.owned.length === 0) return undefined;
    const index = this.dice.int(this.owned.length);
    const itemId = this.owned[index] as string;
    this.owned[index] = this.owned[this.owned.length - 1] as string;
    this.owned.pop();
    return { itemId, owner: this.owners.get(itemId) ?? '' };
  }

  private giveItem(itemId: string, to: string): void {
    this.owners.set(itemId, to);
    this.owned.push(itemId);
  }

  private session(player: Player): EconomyCommand {
    const stream = `player-${player.id}`;
    if (player.session !== undefined) {
      const sessionId = player.session;
      player.session = undefined;
      return { stream, issuer: SERVER, events: [{ type: 'SessionEnded', data: { sessionId } }] };
    }
    const sessionId = this.id('s');
    player.session = sessionId;
    const data = { sessionId, tokenHash: 'f'.repeat(64), startedAt: this.clock, idleExpiresAt: this.clock + 1_800_000, absoluteExpiresAt: this.clock + 86_400_000 };
    return { stream, issuer: SERVER, events: [{ type: 'SessionStarted', data }] };
  }

  /** A purchase, now and then refunded by the game server (a refund outside any trade). */
  private purchase(player: Player): EconomyCommand[] {
    const amount = 1 + this.dice.int(150);
    if (player.balance < amount) return [this.credit(player, amount, 'loot', this.id('loot'))];
    const reference = this.id('order');
    const bought = this.debit(player, amount, 'purchase', reference);
    return this.dice.chance(0.1) ? [bought, this.credit(player, amount, 'refund', reference)] : [bought];
  }

  private consume(): EconomyCommand[] {
    const item = this.takeItem();
    if (item === undefined) return [];
    return [{ stream: `item-${item.itemId}`, issuer: SERVER, events: [{ type: 'ItemConsumed', data: { owner: item.owner } }] }];
  }

  private transfer(): EconomyCommand[] {
    const item = this.takeItem();
    if (item === undefined) return [];
    const to = this.other(this.players.find((player) => player.id === item.owner) ?? this.player()).id;
    this.giveItem(item.itemId, to);
    return [{ stream: `item-${item.itemId}`, issuer: SERVER, events: [{ type: 'ItemTransferred', data: { from: item.owner, to } }] }];
  }

  /** An item for gold between its owner and a buyer; one in five fails on the buyer's gold and hands the item back. */
  private trade(): EconomyCommand[] {
    const item = this.takeItem();
    if (item === undefined) return [];
    const seller = this.players.find((player) => player.id === item.owner) ?? this.player();
    const buyer = this.other(seller);
    const tradeId = this.id('t');
    const price = 10 + this.dice.int(300);
    const holder: ItemHolder = { kind: 'trade', id: tradeId };
    const stream = `trade-${tradeId}`;
    const step = (events: readonly WorldEvent[]): EconomyCommand => ({ stream, events, correlationId: tradeId, issuer: QUEUE });
    const itemLeg: TradeLeg = { kind: 'item', itemId: item.itemId, party: seller.id };
    const goldLeg: TradeLeg = { kind: 'gold', party: buyer.id };
    const commands: EconomyCommand[] = [
      { stream, issuer: `player:${seller.id}`, events: [{ type: 'TradeProposed', data: { tradeId, initiator: seller.id, counterparty: buyer.id, expiresAt: this.clock + 600_000 } }] },
      { stream, issuer: `player:${seller.id}`, events: [{ type: 'TradeOfferChanged', data: { party: seller.id, items: [item.itemId], gold: 0, offerVersion: 1 } }] },
      { stream, issuer: `player:${buyer.id}`, events: [{ type: 'TradeOfferChanged', data: { party: buyer.id, items: [], gold: price, offerVersion: 2 } }] },
      { stream, issuer: `player:${seller.id}`, events: [{ type: 'TradeOfferAccepted', data: { party: seller.id, offerVersion: 2 } }] },
      {
        stream,
        issuer: `player:${buyer.id}`,
        events: [{ type: 'TradeOfferAccepted', data: { party: buyer.id, offerVersion: 2 } }, { type: 'TradeEscrowRequested', data: { steps: [] } }],
      },
      { stream: `item-${item.itemId}`, events: [{ type: 'ItemEscrowed', data: { owner: seller.id, holder } }], correlationId: tradeId, issuer: QUEUE },
      step([{ type: 'TradeEscrowConfirmed', data: { leg: itemLeg } }]),
    ];
    const fails = buyer.balance < price || this.dice.chance(0.2);
    if (fails) {
      commands.push(
        step([{ type: 'TradeEscrowFailed', data: { leg: goldLeg, reason: 'REJECTED: insufficient gold' } }, { type: 'TradeReleaseRequested', data: { steps: [] } }]),
        { stream: `item-${item.itemId}`, events: [{ type: 'ItemReleased', data: { holder, to: seller.id } }], correlationId: tradeId, issuer: QUEUE },
        step([{ type: 'TradeLegReleased', data: { leg: itemLeg } }, { type: 'TradeClosed', data: { outcome: 'failed' } }]),
      );
      this.giveItem(item.itemId, seller.id);
      return commands;
    }
    commands.push(
      this.debit(buyer, price, 'trade', `${tradeId}-escrow`, tradeId),
      step([{ type: 'TradeEscrowConfirmed', data: { leg: goldLeg } }, { type: 'TradeSettlementRequested', data: { steps: [] } }]),
      { stream: `item-${item.itemId}`, events: [{ type: 'ItemReleased', data: { holder, to: buyer.id } }], correlationId: tradeId, issuer: QUEUE },
      step([{ type: 'TradeLegSettled', data: { leg: itemLeg } }]),
      this.credit(seller, price, 'trade', `${tradeId}-settle`, tradeId),
      step([{ type: 'TradeLegSettled', data: { leg: goldLeg } }, { type: 'TradeClosed', data: { outcome: 'completed' } }]),
    );
    this.giveItem(item.itemId, buyer.id);
    return commands;
  }

  /** An item listed, one to three bids (each outbid one refunded), sold to the last bidder; or returned unsold. */
  private auction(): EconomyCommand[] {
    const item = this.takeItem();
    if (item === undefined) return [];
    const seller = this.players.find((player) => player.id === item.owner) ?? this.player();
    const auctionId = this.id('a');
    const holder: ItemHolder = { kind: 'auction', id: auctionId };
    const stream = `auction-${auctionId}`;
    const step = (events: readonly WorldEvent[]): EconomyCommand => ({ stream, events, correlationId: auctionId, issuer: QUEUE });
    const commands: EconomyCommand[] = [
      {
        stream,
        issuer: `player:${seller.id}`,
        events: [{ type: 'AuctionListed', data: { seller: seller.id, itemId: item.itemId, startingPrice: 10, endsAt: this.clock + 3_600_000, listedAt: this.clock } }],
      },
      { stream: `item-${item.itemId}`, events: [{ type: 'ItemEscrowed', data: { owner: seller.id, holder } }], correlationId: auctionId, issuer: QUEUE },
      step([{ type: 'AuctionItemEscrowed', data: {} }]),
    ];
    let lead: { bidId: string; bidder: Player; amount: number } | undefined;
    const bids = this.dice.int(4);
    for (let index = 0; index < bids; index += 1) {
      const bidder = this.other(seller);
      const amount = (lead?.amount ?? 10) + 5 + this.dice.int(50);
      if (bidder.balance < amount || bidder.id === lead?.bidder.id) continue;
      const bidId = this.id('b');
      commands.push(
        { stream, issuer: `player:${bidder.id}`, events: [{ type: 'AuctionBidPlaced', data: { bidId, bidder: bidder.id, amount, buyout: false } }] },
        this.debit(bidder, amount, 'auction', `bid-${auctionId}-${bidId}`, auctionId),
      );
      const held: WorldEvent[] = [{ type: 'AuctionBidFundsHeld', data: { bidId, bidder: bidder.id, amount } }];
      if (lead !== undefined) held.push({ type: 'AuctionRefundRequested', data: { bidId: lead.bidId, bidder: lead.bidder.id, amount: lead.amount } });
      commands.push(step(held));
      if (lead !== undefined) {
        commands.push(this.credit(lead.bidder, lead.amount, 'auction', `bid-${auctionId}-${lead.bidId}`, auctionId), step([{ type: 'AuctionRefundConfirmed', data: { bidId: lead.bidId } }]));
      }
      lead = { bidId, bidder, amount };
    }
    if (lead === undefined) {
      commands.push(
        step([{ type: 'AuctionExpired', data: { endedAt: this.clock } }]),
        { stream: `item-${item.itemId}`, events: [{ type: 'ItemReleased', data: { holder, to: seller.id } }], correlationId: auctionId, issuer: QUEUE },
        step([{ type: 'AuctionEnded', data: { outcome: 'returned' } }]),
      );
      this.giveItem(item.itemId, seller.id);
      return commands;
    }
    const winner = lead;
    commands.push(
      step([{ type: 'AuctionWon', data: { winner: winner.bidder.id, bidId: winner.bidId, amount: winner.amount, seller: seller.id, itemId: item.itemId } }]),
      { stream: `item-${item.itemId}`, events: [{ type: 'ItemReleased', data: { holder, to: winner.bidder.id } }], correlationId: auctionId, issuer: QUEUE },
      this.credit(seller, winner.amount, 'auction', auctionId, auctionId),
      step([{ type: 'AuctionEnded', data: { outcome: 'settled' } }]),
    );
    this.giveItem(item.itemId, winner.bidder.id);
    return commands;
  }

  /** Join a guild (founding one now and then), or deposit into one's own: the wallet's side, then the bank's. */
  private guild(player: Player): EconomyCommand[] {
    if (player.guild === undefined) {
      const found = this.guilds.length === 0 || this.dice.chance(0.05);
      const guildId = found ? this.id('g') : (this.guilds[this.dice.int(this.guilds.length)] as string);
      player.guild = guildId;
      const joined: EconomyCommand = { stream: `player-${player.id}`, issuer: SERVER, events: [{ type: 'PlayerJoinedGuild', data: { guildId } }] };
      if (found) {
        this.guilds.push(guildId);
        return [{ stream: `guild-${guildId}`, issuer: `player:${player.id}`, events: [{ type: 'GuildCreated', data: { name: guildId, leaderId: player.id } }] }, joined];
      }
      return [{ stream: `guild-${guildId}`, issuer: `player:${player.id}`, events: [{ type: 'MemberJoined', data: { playerId: player.id, via: 'request' } }] }, joined];
    }
    const amount = 1 + this.dice.int(100);
    if (player.balance < amount) return [];
    const reference = this.id('dep');
    return [
      this.debit(player, amount, 'guildBank', reference),
      { stream: `guild-${player.guild}`, issuer: SERVER, events: [{ type: 'GoldDeposited', data: { from: player.id, amount, reference } }] },
    ];
  }

  /** Game time of the current action (each command's occurredAt). */
  now(): number {
    return this.clock;
  }
}
