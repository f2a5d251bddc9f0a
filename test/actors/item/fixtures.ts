import type { ItemEvent, ItemHolder } from '../../../events/item.js';
import type { ItemCommand } from '../../../actors/item/commands.js';
import type { DecisionContext } from '../../../actors/runtime/decider.js';
import { contextFor } from '../../support/decider-spec.js';

export const ITEM = 'sword-7';

export const asServer: DecisionContext = contextFor(ITEM, { kind: 'server', id: 'gs1' });
export const asPlayer = (id: string): DecisionContext => contextFor(ITEM, { kind: 'player', id });

export const trade = (id: string): ItemHolder => ({ kind: 'trade', id });
export const auction = (id: string): ItemHolder => ({ kind: 'auction', id });

/** Events, named as the log would hold them. */
export const minted = (owner = 'p1', templateId = 'longsword'): ItemEvent => ({ type: 'ItemMinted', data: { templateId, owner } });
export const transferred = (from: string, to: string): ItemEvent => ({ type: 'ItemTransferred', data: { from, to } });
export const escrowed = (owner: string, holder: ItemHolder): ItemEvent => ({ type: 'ItemEscrowed', data: { owner, holder } });
export const released = (holder: ItemHolder, to: string): ItemEvent => ({ type: 'ItemReleased', data: { holder, to } });
export const consumed = (owner: string): ItemEvent => ({ type: 'ItemConsumed', data: { owner } });
export const destroyed = (owner: string, reason = 'duplicated by a bug'): ItemEvent => ({ type: 'ItemDestroyed', data: { owner, reason } });

/** Commands, as the host hands them over after validation. */
export const mint = (owner = 'p1', templateId = 'longsword'): ItemCommand => ({ type: 'mint', data: { templateId, owner } });
export const transfer = (from: string, to: string): ItemCommand => ({ type: 'transfer', data: { from, to } });
export const consume = (owner?: string): ItemCommand => ({ type: 'consume', data: owner === undefined ? {} : { owner } });
export const destroy = (reason = 'duplicated by a bug'): ItemCommand => ({ type: 'destroy', data: { reason } });
export const escrow = (holder: ItemHolder, from: string): ItemCommand => ({ type: 'escrow', data: { holder, from } });
export const release = (holder: ItemHolder, to: string): ItemCommand => ({ type: 'release', data: { holder, to } });
export const voidEscrow = (holder: ItemHolder): ItemCommand => ({ type: 'voidEscrow', data: { holder } });
export const escrowVoided = (holder: ItemHolder, owner: string): ItemEvent => ({ type: 'ItemEscrowVoided', data: { holder, owner } });
