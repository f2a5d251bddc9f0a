import type { InventoryDiff } from '../inventories/inventory-diff.js';

/**
 * A read below L1 in progress. Concurrent misses of a key share it, and notifications
 * that arrive while it runs are kept on it, because the value it brings back may predate
 * them: diffs are applied to that value before it enters L1, any other invalidation keeps
 * the value out of L1.
 */
export class Flight<T> {
  invalidated = false;
  readonly diffs: InventoryDiff[] = [];
  result!: Promise<T>;

  constructor(readonly id: string) {}
}

/** The flights of one kind of value in progress, one per key. */
export class Flights<T> {
  private readonly flights = new Map<string, Flight<T>>();

  get(id: string): Flight<T> | undefined {
    return this.flights.get(id);
  }

  /** Runs `fetch` as the key's flight, which is in the table before `fetch` starts and leaves it when it settles. */
  start(id: string, fetch: (flight: Flight<T>) => Promise<T>): Flight<T> {
    const flight = new Flight<T>(id);
    this.flights.set(id, flight);
    flight.result = (async () => {
      try {
        return await fetch(flight);
      } finally {
        if (this.flights.get(id) === flight) this.flights.delete(id);
      }
    })();
    return flight;
  }

  invalidateAll(): void {
    for (const flight of this.flights.values()) flight.invalidated = true;
  }
}
