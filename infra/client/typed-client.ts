import type { CommandReply } from '../../actors/runtime/protocol/reply.js';
import type { CommandClient, CommandRequest } from './command-client.js';

/**
 * A declaration of the commands a client may send, category -> command -> data, e.g.
 *   type Commands = { item: { transfer: { to: string } } };
 * Self-referential so interfaces qualify too (they have no implicit index signature).
 */
export type CommandCatalog<C> = { readonly [Category in keyof C]: { readonly [Command in keyof C[Category]]: object } };

/** What a command may carry besides its data: ids and trace context. */
export type SendOptions = Pick<CommandRequest, 'commandId' | 'correlationId' | 'causationId' | 'traceparent' | 'tracestate'>;

export type TypedCommand<Data> = (actorId: string, data: Data, options?: SendOptions) => Promise<CommandReply>;

export interface TypedCommandClient<C extends CommandCatalog<C>> {
  /** A sender for one command, typed by its data; make it once and reuse it. */
  command<Category extends keyof C & string, Command extends keyof C[Category] & string>(
    category: Category,
    command: Command,
  ): TypedCommand<C[Category][Command]>;
}

/** Types a CommandClient by a catalog; the names still go through the client's validation. */
export const createTypedClient = <C extends CommandCatalog<C>>(client: CommandClient): TypedCommandClient<C> => ({
  command: (category, command) => (actorId, data, options) => {
    const fields = data as Readonly<Record<string, unknown>>;
    // No spread on the common path: this runs once per command sent.
    return client.send(
      options === undefined ? { category, command, actorId, data: fields } : { ...options, category, command, actorId, data: fields },
    );
  },
});
