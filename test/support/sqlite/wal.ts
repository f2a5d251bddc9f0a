import { existsSync, readFileSync } from 'node:fs';

const WAL_HEADER_BYTES = 32;
const FRAME_HEADER_BYTES = 24;

interface WalState {
  /** Identify one generation of the WAL: SQLite picks new ones whenever it resets it. */
  readonly salts: string;
  readonly commits: number;
}

/**
 * Frames whose header carries a database size are commit frames: one per committed
 * transaction (see "WAL File Format" at sqlite.org/fileformat.html). Only frames with
 * the header's salts belong to the current generation; later ones are leftovers.
 */
const readWal = (file: string): WalState => {
  const path = `${file}-wal`;
  const wal = existsSync(path) ? readFileSync(path) : Buffer.alloc(0);
  if (wal.length < WAL_HEADER_BYTES) return { salts: '', commits: 0 };
  const pageSize = wal.readUInt32BE(8);
  const salt1 = wal.readUInt32BE(16);
  const salt2 = wal.readUInt32BE(20);
  const frameBytes = FRAME_HEADER_BYTES + pageSize;
  let commits = 0;
  for (let offset = WAL_HEADER_BYTES; offset + frameBytes <= wal.length; offset += frameBytes) {
    if (wal.readUInt32BE(offset + 8) !== salt1 || wal.readUInt32BE(offset + 12) !== salt2) break;
    if (wal.readUInt32BE(offset + 4) !== 0) commits += 1;
  }
  return { salts: `${salt1}/${salt2}`, commits };
};

/**
 * Counts the transactions committed to `file` (an open store's, in WAL mode) from now
 * on, by reading its WAL. Throws if SQLite reset the WAL meanwhile (after an automatic
 * checkpoint, i.e. beyond ~1 000 pages written), since the count would then be wrong.
 */
export const countCommits = (file: string): (() => number) => {
  const start = readWal(file);
  return () => {
    const now = readWal(file);
    // No WAL yet at the start (a store reopened after a clean close): its first generation counts.
    if (start.salts !== '' && now.salts !== start.salts) throw new Error(`the WAL of ${file} was reset; write less between two counts`);
    return now.commits - start.commits;
  };
};
