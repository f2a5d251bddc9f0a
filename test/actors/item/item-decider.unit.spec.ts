import { describe, expect, it } from 'vitest';
import { itemDecider } from '../../../actors/item/decider.js';
import { SETTLEMENTS_REMEMBERED } from '../../../actors/item/state.js';
import type { ItemEvent } from '../../../events/item.js';
import { deciderSpec } from '../../support/decider-spec.js';
import {
  ITEM,
  asPlayer,
  asServer,
  auction,
  consume,
  consumed,
  destroy,
  destroyed,
  escrow,
  escrowed,
  mint,
  minted,
  release,
  released,
  trade,
  transfer,
  transferred,
} from './fixtures.js';

const spec = deciderSpec(itemDecider);
const t1 = trade('t1');
const t2 = trade('t2');

describe('item: mint', () => {
  it('creates the item for its first owner', () => {
    spec.given([]).when(mint('p1', 'longsword'), asServer).then([minted('p1', 'longsword')]);
  });

  it('refuses to mint an id that exists, also once the item is gone: ids are never reused', () => {
    spec.given([minted()]).when(mint('p2'), asServer).thenRejects('REJECTED', /already exists/);
    spec.given([minted(), consumed('p1')]).when(mint('p2'), asServer).thenRejects('REJECTED', /already exists/);
    spec.given([minted(), destroyed('p1')]).when(mint('p2'), asServer).thenRejects('REJECTED', /already exists/);
  });

  it('is a server command: a player minting is UNAUTHORIZED', () => {
    spec.given([]).when(mint('p1'), asPlayer('p1')).thenRejects('UNAUTHORIZED', /mint may not be issued by a player/);
  });
});

describe('item: transfer', () => {
  it('moves the item from its owner to another player, sent by the owner', () => {
    spec.given([minted('p1')]).when(transfer('p1', 'p2'), asPlayer('p1')).then([transferred('p1', 'p2')]);
  });

  it('moves the item when a server sends it on the owner\'s behalf', () => {
    spec.given([minted('p1')]).when(transfer('p1', 'p2'), asServer).then([transferred('p1', 'p2')]);
  });

  it('follows the chain of owners', () => {
    spec.given([minted('p1'), transferred('p1', 'p2')]).when(transfer('p2', 'p3'), asPlayer('p2')).then([transferred('p2', 'p3')]);
  });

  it('answers UNAUTHORIZED to a player transferring on another player\'s behalf', () => {
    spec.given([minted('p1')]).when(transfer('p1', 'p2'), asPlayer('p2')).thenRejects('UNAUTHORIZED', /player:p2 may not transfer items on behalf of p1/);
  });

  it('answers NOT_OWNER when the sender claims an item it does not own', () => {
    spec.given([minted('p1')]).when(transfer('p2', 'p3'), asPlayer('p2')).thenRejects('NOT_OWNER', /p2 does not own item sword-7/);
  });

  it('answers NOT_OWNER when a server names the wrong owner', () => {
    spec.given([minted('p1')]).when(transfer('p3', 'p2'), asServer).thenRejects('NOT_OWNER');
  });

  it('answers NOT_OWNER to the former owner after the item moved', () => {
    spec.given([minted('p1'), transferred('p1', 'p2')]).when(transfer('p1', 'p3'), asPlayer('p1')).thenRejects('NOT_OWNER');
  });

  it('never names the actual owner in a rejection', () => {
    const { decision } = spec.given([minted('secret-owner')]).when(transfer('p2', 'p3'), asPlayer('p2'));
    expect(decision.ok ? '' : decision.rejection.message).not.toContain('secret-owner');
  });

  it('refuses a transfer to the same player', () => {
    spec.given([minted('p1')]).when(transfer('p1', 'p1'), asPlayer('p1')).thenRejects('REJECTED', /to itself/);
  });

  it('answers NOT_FOUND for an id that was never minted (a forged item id)', () => {
    spec.given([]).when(transfer('p1', 'p2'), asPlayer('p1')).thenRejects('NOT_FOUND', /item sword-7 does not exist/);
    spec.given([]).when(transfer('p1', 'p2'), asServer).thenRejects('NOT_FOUND');
  });

  it('refuses to move an escrowed item and names its holder', () => {
    spec.given([minted('p1'), escrowed('p1', t1)]).when(transfer('p1', 'p2'), asPlayer('p1')).thenRejects('REJECTED', /in escrow for trade t1/);
    spec.given([minted('p1'), escrowed('p1', auction('a9'))]).when(transfer('p1', 'p2'), asServer).thenRejects('REJECTED', /in escrow for auction a9/);
  });

  it('answers NOT_OWNER for an escrowed item claimed by someone else', () => {
    spec.given([minted('p1'), escrowed('p1', t1)]).when(transfer('p2', 'p3'), asPlayer('p2')).thenRejects('NOT_OWNER');
  });

  it('answers NOT_FOUND for a consumed or destroyed item and says which', () => {
    spec.given([minted('p1'), consumed('p1')]).when(transfer('p1', 'p2'), asPlayer('p1')).thenRejects('NOT_FOUND', /was consumed/);
    spec.given([minted('p1'), destroyed('p1')]).when(transfer('p1', 'p2'), asServer).thenRejects('NOT_FOUND', /was destroyed/);
  });
});

describe('item: consume', () => {
  it('lets the owner use up its item', () => {
    spec.given([minted('p1')]).when(consume(), asPlayer('p1')).then([consumed('p1')]);
    spec.given([minted('p1')]).when(consume('p1'), asPlayer('p1')).then([consumed('p1')]);
  });

  it('lets a server consume it, checking the owner when it names one', () => {
    spec.given([minted('p1')]).when(consume(), asServer).then([consumed('p1')]);
    spec.given([minted('p1')]).when(consume('p1'), asServer).then([consumed('p1')]);
    spec.given([minted('p1'), transferred('p1', 'p2')]).when(consume('p1'), asServer).thenRejects('NOT_OWNER', /p1 does not own/);
  });

  it('answers NOT_OWNER to another player', () => {
    spec.given([minted('p1')]).when(consume(), asPlayer('p2')).thenRejects('NOT_OWNER', /p2 does not own/);
  });

  it('answers UNAUTHORIZED to a player naming another owner', () => {
    spec.given([minted('p1')]).when(consume('p1'), asPlayer('p2')).thenRejects('UNAUTHORIZED');
  });

  it('refuses an escrowed item', () => {
    spec.given([minted('p1'), escrowed('p1', t1)]).when(consume(), asPlayer('p1')).thenRejects('REJECTED', /in escrow for trade t1/);
  });

  it('answers NOT_FOUND for an item that does not exist or no longer does', () => {
    spec.given([]).when(consume(), asPlayer('p1')).thenRejects('NOT_FOUND', /does not exist/);
    spec.given([minted('p1'), consumed('p1')]).when(consume(), asPlayer('p1')).thenRejects('NOT_FOUND', /was consumed/);
    spec.given([minted('p1'), destroyed('p1')]).when(consume(), asServer).thenRejects('NOT_FOUND', /was destroyed/);
  });
});

describe('item: destroy', () => {
  it('removes the item from the world, with the reason', () => {
    spec.given([minted('p1')]).when(destroy('GM cleanup of ticket 4411'), asServer).then([destroyed('p1', 'GM cleanup of ticket 4411')]);
  });

  it('is a server command: a player destroying, even its own item, is UNAUTHORIZED', () => {
    spec.given([minted('p1')]).when(destroy(), asPlayer('p1')).thenRejects('UNAUTHORIZED', /destroy may not be issued by a player/);
  });

  it('refuses an escrowed item: the holder must release it first', () => {
    spec.given([minted('p1'), escrowed('p1', t1)]).when(destroy(), asServer).thenRejects('REJECTED', /in escrow for trade t1; release it first/);
  });

  it('answers NOT_FOUND for an item that does not exist or no longer does', () => {
    spec.given([]).when(destroy(), asServer).thenRejects('NOT_FOUND', /does not exist/);
    spec.given([minted('p1'), consumed('p1')]).when(destroy(), asServer).thenRejects('NOT_FOUND', /was consumed/);
    spec.given([minted('p1'), destroyed('p1')]).when(destroy(), asServer).thenRejects('NOT_FOUND', /was destroyed/);
  });
});

describe('item: escrow', () => {
  it('takes the item from its owner into the holder\'s escrow', () => {
    spec.given([minted('p1')]).when(escrow(t1, 'p1'), asServer).then([escrowed('p1', t1)]);
    spec.given([minted('p1')]).when(escrow(auction('a1'), 'p1'), asServer).then([escrowed('p1', auction('a1'))]);
  });

  it('is a no-op for the same holder again: a repeated step equals one step', () => {
    spec.given([minted('p1'), escrowed('p1', t1)]).when(escrow(t1, 'p1'), asServer).then([]);
  });

  it('refuses a second holder while the first holds it', () => {
    spec.given([minted('p1'), escrowed('p1', t1)]).when(escrow(t2, 'p1'), asServer).thenRejects('REJECTED', /in escrow for trade t1/);
    spec.given([minted('p1'), escrowed('p1', t1)]).when(escrow(auction('t1'), 'p1'), asServer).thenRejects('REJECTED', /trade t1/);
  });

  it('answers NOT_OWNER when the item is not the named player\'s (a forged offer)', () => {
    spec.given([minted('p1')]).when(escrow(t1, 'p2'), asServer).thenRejects('NOT_OWNER', /p2 does not own/);
    spec.given([minted('p1'), escrowed('p1', t1)]).when(escrow(t1, 'p2'), asServer).thenRejects('NOT_OWNER');
    spec.given([minted('p1'), escrowed('p1', t1)]).when(escrow(t2, 'p2'), asServer).thenRejects('NOT_OWNER');
  });

  it('is a no-op when the holder already escrowed and released the item, whatever happened since', () => {
    spec.given([minted('p1'), escrowed('p1', t1), released(t1, 'p2')]).when(escrow(t1, 'p1'), asServer).then([]);
    spec.given([minted('p1'), escrowed('p1', t1), released(t1, 'p2'), transferred('p2', 'p3'), consumed('p3')])
      .when(escrow(t1, 'p1'), asServer)
      .then([]);
  });

  it('refuses a holder that already used its escrow of this item for another owner', () => {
    spec.given([minted('p1'), escrowed('p1', t1), released(t1, 'p2')]).when(escrow(t1, 'p2'), asServer).thenRejects('REJECTED', /already escrowed and released/);
  });

  it('is a server command (trade and auction process managers)', () => {
    spec.given([minted('p1')]).when(escrow(t1, 'p1'), asPlayer('p1')).thenRejects('UNAUTHORIZED');
  });

  it('answers NOT_FOUND for an item that does not exist or no longer does', () => {
    spec.given([]).when(escrow(t1, 'p1'), asServer).thenRejects('NOT_FOUND', /does not exist/);
    spec.given([minted('p1'), consumed('p1')]).when(escrow(t1, 'p1'), asServer).thenRejects('NOT_FOUND', /was consumed/);
    spec.given([minted('p1'), destroyed('p1')]).when(escrow(t1, 'p1'), asServer).thenRejects('NOT_FOUND', /was destroyed/);
  });
});

describe('item: release', () => {
  it('returns the item to its original owner (a cancelled trade)', () => {
    spec.given([minted('p1'), escrowed('p1', t1)]).when(release(t1, 'p1'), asServer).then([released(t1, 'p1')]);
  });

  it('hands the item to another player (a settled trade or auction)', () => {
    spec.given([minted('p1'), escrowed('p1', t1)]).when(release(t1, 'p2'), asServer).then([released(t1, 'p2')]);
    const state = spec.given([minted('p1'), escrowed('p1', t1), released(t1, 'p2')]).state;
    expect(state).toMatchObject({ status: 'owned', owner: 'p2' });
  });

  it('is a no-op when repeated, also after the item moved on or was used up', () => {
    const settled: ItemEvent[] = [minted('p1'), escrowed('p1', t1), released(t1, 'p2')];
    spec.given(settled).when(release(t1, 'p2'), asServer).then([]);
    spec.given([...settled, transferred('p2', 'p3')]).when(release(t1, 'p2'), asServer).then([]);
    spec.given([...settled, escrowed('p2', t2)]).when(release(t1, 'p2'), asServer).then([]);
    spec.given([...settled, consumed('p2')]).when(release(t1, 'p2'), asServer).then([]);
  });

  it('refuses a repeat that names another recipient', () => {
    spec.given([minted('p1'), escrowed('p1', t1), released(t1, 'p2')]).when(release(t1, 'p3'), asServer).thenRejects('REJECTED', /already released/);
  });

  it('refuses a holder that does not hold the item', () => {
    spec.given([minted('p1'), escrowed('p1', t1)]).when(release(t2, 'p2'), asServer).thenRejects('REJECTED', /in escrow for trade t1, not trade t2/);
    spec.given([minted('p1'), escrowed('p1', t1)]).when(release(auction('t1'), 'p2'), asServer).thenRejects('REJECTED', /not auction t1/);
    spec.given([minted('p1')]).when(release(t1, 'p2'), asServer).thenRejects('REJECTED', /not in escrow for trade t1/);
  });

  it('is a server command', () => {
    spec.given([minted('p1'), escrowed('p1', t1)]).when(release(t1, 'p1'), asPlayer('p1')).thenRejects('UNAUTHORIZED');
  });

  it('answers NOT_FOUND for an item that does not exist or no longer does', () => {
    spec.given([]).when(release(t1, 'p1'), asServer).thenRejects('NOT_FOUND', /does not exist/);
    spec.given([minted('p1'), consumed('p1')]).when(release(t1, 'p1'), asServer).thenRejects('NOT_FOUND', /was consumed/);
  });

  it(`remembers the last ${SETTLEMENTS_REMEMBERED} finished escrows, so a state stays bounded`, () => {
    const history: ItemEvent[] = [minted('p0')];
    for (let index = 0; index <= SETTLEMENTS_REMEMBERED; index += 1) {
      history.push(escrowed(`p${index}`, trade(`t${index}`)), released(trade(`t${index}`), `p${index + 1}`));
    }
    const given = spec.given(history);
    expect(given.state.status === 'owned' && given.state.settlements.length).toBe(SETTLEMENTS_REMEMBERED);
    given.when(release(trade(`t${SETTLEMENTS_REMEMBERED}`), `p${SETTLEMENTS_REMEMBERED + 1}`), asServer).then([]);
    given.when(release(trade('t0'), 'p1'), asServer).thenRejects('REJECTED', /not in escrow for trade t0/);
  });
});

describe('item: evolve', () => {
  it('ignores events that do not fit the state and never throws', () => {
    const owned = spec.given([minted('p1')]).state;
    expect(itemDecider.evolve(owned, minted('p9'))).toBe(owned);
    expect(itemDecider.evolve(owned, released(t1, 'p9'))).toBe(owned);
    const held = spec.given([minted('p1'), escrowed('p1', t1)]).state;
    expect(itemDecider.evolve(held, transferred('p1', 'p2'))).toBe(held);
    expect(itemDecider.evolve(held, released(t2, 'p2'))).toBe(held);
    const unminted = itemDecider.initialState();
    expect(itemDecider.evolve(unminted, transferred('p1', 'p2'))).toBe(unminted);
    const gone = spec.given([minted('p1'), consumed('p1')]).state;
    expect(itemDecider.evolve(gone, transferred('p1', 'p2'))).toBe(gone);
  });

  it('keeps the template and the original owner through escrow', () => {
    expect(spec.given([minted('p1', 'bow'), escrowed('p1', t1)]).state).toEqual({
      status: 'escrowed',
      templateId: 'bow',
      owner: 'p1',
      holder: t1,
      settlements: [],
    });
  });

  it('uses the actor id in messages', () => {
    const { decision } = spec.given([]).when(transfer('p1', 'p2'), asPlayer('p1'));
    expect(decision.ok ? '' : decision.rejection.message).toContain(ITEM);
  });
});
