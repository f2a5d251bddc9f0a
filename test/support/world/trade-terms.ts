/**
 * A trade as its two players agree it: who proposes to whom, what each side puts in, and
 * when the proposal expires (ten minutes on when not given).
 */
export interface TradeTerms {
  readonly tradeId: string;
  readonly initiator: string;
  readonly counterparty: string;
  readonly initiatorItems?: readonly string[];
  readonly initiatorGold?: number;
  readonly counterpartyItems?: readonly string[];
  readonly counterpartyGold?: number;
  /** Epoch milliseconds. */
  readonly expiresAt?: number;
}
