/** What a command did, enough to answer its retry exactly as the first time. */
export interface AppliedCommand {
  /** Stream revision of the command's last event. */
  readonly revision: bigint;
  /** Domain types of the events it appended, in order. */
  readonly events: readonly string[];
}

/**
 * The commands an actor applied most recently, oldest first, bounded. It is rebuilt
 * from event metadata on activation and carried in snapshots, so a retry is recognised
 * after passivation, a restart or on another host, as long as it falls in the window.
 */
export interface AppliedCommands {
  get(commandId: string): AppliedCommand | undefined;
  /** Records events of `commandId`; consecutive events of one command extend its entry. */
  record(commandId: string, revision: bigint, eventType: string): void;
  entries(): [string, AppliedCommand][];
  readonly size: number;
}

export const createAppliedCommands = (limit: number, initial: readonly [string, AppliedCommand][] = []): AppliedCommands => {
  // A Map iterates in insertion order: the first key is the oldest command.
  const applied = new Map<string, AppliedCommand>(initial.slice(-limit));
  return {
    get: (commandId) => applied.get(commandId),
    record: (commandId, revision, eventType) => {
      const existing = applied.get(commandId);
      if (existing !== undefined) {
        applied.set(commandId, { revision, events: [...existing.events, eventType] });
        return;
      }
      applied.set(commandId, { revision, events: [eventType] });
      if (applied.size > limit) {
        const oldest = applied.keys().next();
        if (oldest.done !== true) applied.delete(oldest.value);
      }
    },
    entries: () => [...applied.entries()],
    get size() {
      return applied.size;
    },
  };
};
