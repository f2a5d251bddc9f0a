import { z } from 'zod';
import { createEventCodec, createEventRegistry } from '../../events/catalog/index.js';
import { HOLDER_KINDS, itemEventDefinitions, type ItemEvent } from '../../events/item.js';
import { actorType, type ActorDefinition, type ActorType, type SnapshotCodec } from '../runtime/actor-definition.js';
import {
  ConsumeData,
  DestroyData,
  EscrowData,
  ITEM_CATEGORY,
  MintData,
  ReleaseData,
  VoidEscrowData,
  TransferData,
  type ItemCommand,
} from './commands.js';
import { itemDecider } from './decider.js';
import { SETTLEMENTS_REMEMBERED, type ItemState } from './state.js';

export const itemEventCodec = createEventCodec(createEventRegistry<ItemEvent>(itemEventDefinitions));

const HolderSnapshot = z.strictObject({ kind: z.enum(HOLDER_KINDS), id: z.string() });
const minted = {
  templateId: z.string(),
  owner: z.string(),
  settlements: z.array(z.strictObject({ holder: HolderSnapshot, owner: z.string(), to: z.string(), voided: z.literal(true).optional() })).max(SETTLEMENTS_REMEMBERED),
};
const ItemStateSnapshot = z.discriminatedUnion('status', [
  z.strictObject({ status: z.literal('unminted') }),
  z.strictObject({ status: z.literal('owned'), ...minted }),
  z.strictObject({ status: z.literal('escrowed'), holder: HolderSnapshot, ...minted }),
  z.strictObject({ status: z.literal('consumed'), ...minted }),
  z.strictObject({ status: z.literal('destroyed'), reason: z.string(), ...minted }),
]);

/**
 * The state is plain strings, arrays and maps, so it is its own snapshot payload. Reading
 * one back is validated: a snapshot that does not parse throws, and the host then rebuilds
 * the item from its events instead of trusting it. Bump `version` when the state changes
 * shape.
 */
export const itemSnapshotCodec: SnapshotCodec<ItemState> = {
  version: 1,
  encode: (state) => state,
  decode: (payload) => ItemStateSnapshot.parse(payload),
};

export const itemDefinition: ActorDefinition<ItemState, ItemCommand, ItemEvent> = {
  category: ITEM_CATEGORY,
  decider: itemDecider,
  commands: {
    mint: { schema: MintData, issuers: ['server'] },
    transfer: { schema: TransferData },
    consume: { schema: ConsumeData },
    destroy: { schema: DestroyData, issuers: ['server'] },
    escrow: { schema: EscrowData, issuers: ['server'] },
    release: { schema: ReleaseData, issuers: ['server'] },
    voidEscrow: { schema: VoidEscrowData, issuers: ['server'] },
  },
  events: itemEventCodec,
  snapshot: itemSnapshotCodec,
};

/** The item actor for a host: `createActorHost({ actors: [itemActor()], … })`. */
export const itemActor = (): ActorType => actorType(itemDefinition);
