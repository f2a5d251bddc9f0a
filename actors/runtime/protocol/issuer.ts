/**
 * Who sent a command, as the transport authenticated it: the subject a command is
 * published on names its issuer, and NATS permissions restrict each credential to its
 * own subjects. Never read from the payload.
 */
export type Issuer =
  | { readonly kind: 'player'; readonly id: string }
  /** A trusted game server: may act for any player and issue privileged commands. */
  | { readonly kind: 'server'; readonly id: string };

export const formatIssuer = (issuer: Issuer): string => `${issuer.kind}:${issuer.id}`;
