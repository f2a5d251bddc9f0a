import { shared, type SharedModule } from './proto.js';

type UUID = SharedModule.UUID;

export type UuidForm = 'string' | 'structured';

/** Guid.Parse accepts these spellings: plain, hyphenated, or hyphenated in braces or parentheses. */
const GUID_FORMS = [
  /^([0-9a-f]{32})$/i,
  /^([0-9a-f]{8})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{12})$/i,
  /^\{([0-9a-f]{8})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{12})\}$/i,
  /^\(([0-9a-f]{8})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{12})\)$/i,
];

const hyphenate = (hex: string): string =>
  `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;

/** Thrown where the server fails to read an event id (a FormatException, or an empty Guid). */
export class InvalidEventIdError extends Error {}

/** The event id in the form the server prints a Guid: lower case, hyphenated. */
export const uuidText = (uuid: UUID | undefined): string => {
  if (uuid === undefined) throw new InvalidEventIdError('missing uuid');
  if (uuid.hasStructured()) {
    const structured = uuid.getStructured() as SharedModule.UUID.Structured;
    const half = (bits: string): string => BigInt.asUintN(64, BigInt(bits)).toString(16).padStart(16, '0');
    return hyphenate(half(structured.getMostSignificantBits()) + half(structured.getLeastSignificantBits()));
  }
  const text = uuid.getString();
  for (const form of GUID_FORMS) {
    const match = form.exec(text);
    if (match !== null) return hyphenate(match.slice(1).join('').toLowerCase());
  }
  throw new InvalidEventIdError(`Guid should contain 32 digits with 4 dashes (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx): ${text}`);
};

export const toUuid = (id: string, form: UuidForm): UUID => {
  const uuid = new shared.UUID();
  if (form === 'string') return uuid.setString(id);
  const hex = id.replaceAll('-', '');
  const signed = (digits: string): string => BigInt.asIntN(64, BigInt(`0x${digits}`)).toString();
  const structured = new shared.UUID.Structured()
    .setMostSignificantBits(signed(hex.slice(0, 16)))
    .setLeastSignificantBits(signed(hex.slice(16)));
  return uuid.setStructured(structured);
};
