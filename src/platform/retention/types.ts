/**
 * One kind of history that is kept for a retention period and then deleted: delivered events,
 * handled-event markers, dead queue jobs. Each table's owner writes its own pruner, so the sweeper
 * knows no table and no owner's rules (what "delivered" means is the bus's business).
 */
export interface Pruner {
  /** What it prunes, for logs (e.g. `events`). */
  readonly name: string;
  /**
   * Deletes up to `limit` rows that became history before `before` (epoch ms), oldest first, in
   * one short statement or transaction; returns how many. Fewer than `limit` means it is done for
   * now.
   */
  pruneBatch(before: number, limit: number): Promise<number>;
}
