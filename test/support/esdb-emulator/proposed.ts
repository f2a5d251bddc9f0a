import type { ExpectedVersion } from './commit-check.js';
import type { ProposedRecord } from './log.js';
import { fromUInt64 } from './positions.js';
import type { SharedModule } from './proto.js';
import { InvalidEventIdError, uuidText } from './uuid.js';

/** Either kind of proposed message: Append's and BatchAppend's carry the same fields. */
interface ProposedMessage {
  getId(): SharedModule.UUID | undefined;
  getMetadataMap(): { get(key: string): string | undefined };
  getData_asU8(): Uint8Array;
  getCustomMetadata_asU8(): Uint8Array;
}

/** Thrown where the server finds a required metadata property missing. */
export class MissingMetadataError extends Error {
  constructor(readonly property: string) {
    super(`Required Metadata Property '${property}' is missing`);
  }
}

/** Only `application/json` is remembered as such: any other content type reads back as octet-stream. */
export const proposedRecord = (message: ProposedMessage): ProposedRecord => {
  const metadata = message.getMetadataMap();
  const type = metadata.get('type');
  if (type === undefined) throw new MissingMetadataError('type');
  const contentType = metadata.get('content-type');
  if (contentType === undefined) throw new MissingMetadataError('content-type');
  const id = uuidText(message.getId());
  if (id === '00000000-0000-0000-0000-000000000000') throw new InvalidEventIdError('Empty eventId provided.');
  return {
    id,
    type,
    isJson: contentType === 'application/json',
    data: message.getData_asU8(),
    metadata: message.getCustomMetadata_asU8(),
  };
};

/** Event.SizeOnDisk, which the append size limit counts: type characters count twice. */
export const sizeOnDisk = (event: ProposedRecord): number => event.data.length + event.metadata.length + event.type.length * 2;

/** The expected-revision choice of Append, Delete and Tombstone options. */
export interface RevisionChoice {
  hasRevision(): boolean;
  getRevision(): string;
  hasNoStream(): boolean;
  hasAny(): boolean;
  hasStreamExists(): boolean;
}

export const expectedVersionOf = (options: RevisionChoice): ExpectedVersion | undefined => {
  if (options.hasRevision()) return fromUInt64(options.getRevision());
  if (options.hasNoStream()) return 'no_stream';
  if (options.hasAny()) return 'any';
  if (options.hasStreamExists()) return 'stream_exists';
  return undefined;
};
