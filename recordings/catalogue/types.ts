import type { AuditEntry, PendingCapture, RecordingEntry, Tier } from './entry.js';

export interface SearchQuery {
  /** Start time range (ms since the epoch), inclusive. */
  from?: number | undefined;
  to?: number | undefined;
  agentId?: string | undefined;
  queue?: string | undefined;
  number?: string | undefined;
  callerHash?: string | undefined;
  limit?: number | undefined;
}

/**
 * The recordings index. Redis in production, memory in unit tests; both pass one contract suite
 * (test/contract/catalogue.contract.ts). Losing it loses nothing: `rebuild` recreates it from the
 * sidecars in storage.
 */
export interface Catalogue {
  get(id: string): Promise<RecordingEntry | undefined>;
  /** Creates or replaces an entry and its indexes in one atomic step (a move's commit point). */
  put(entry: RecordingEntry): Promise<void>;
  remove(id: string): Promise<void>;
  /** Ids on `tier` that started at or before `startedBefore`, oldest first. */
  due(tier: Tier, startedBefore: number, limit: number): Promise<string[]>;
  /** Ids with copies left to clean after a committed move. */
  withStale(limit: number): Promise<string[]>;
  /** Ids on any tier, oldest first (verify, rotate). */
  all(afterStart: number, limit: number): Promise<{ ids: string[]; next: number | undefined }>;
  search(q: SearchQuery): Promise<RecordingEntry[]>;
  counts(): Promise<Record<Tier, number>>;
  /**
   * A short exclusive hold on one recording, so two workers never move it at once. It lapses after
   * `ttlMs` unless extended: a worker that dies frees its recordings within seconds.
   */
  lock(id: string, ttlMs: number): Promise<CatalogueLock | undefined>;
  addPending(p: PendingCapture): Promise<void>;
  removePending(id: string): Promise<void>;
  listPending(): Promise<PendingCapture[]>;
  /** A lease a controller renews while it records: other sweeps leave that recording alone. */
  touchLive(id: string, ttlMs: number): Promise<void>;
  endLive(id: string): Promise<void>;
  isLive(id: string): Promise<boolean>;
  audit(a: AuditEntry): Promise<void>;
  audits(recordingId: string): Promise<AuditEntry[]>;
  /** Counters the worker reports (moves, failures by code) for metrics and the CLI. */
  count(name: string, by?: number): Promise<void>;
  counters(): Promise<Record<string, number>>;
}

export interface CatalogueLock {
  release(): Promise<void>;
  /** False when the lock had already lapsed (and may be someone else's now). */
  extend(): Promise<boolean>;
}

export function matches(e: RecordingEntry, q: SearchQuery): boolean {
  const start = Date.parse(e.startedAt);
  return (
    (q.from === undefined || start >= q.from) &&
    (q.to === undefined || start <= q.to) &&
    (q.agentId === undefined || e.agentId === q.agentId) &&
    (q.queue === undefined || e.queue === q.queue) &&
    (q.number === undefined || e.number === q.number) &&
    (q.callerHash === undefined || e.callerHash === q.callerHash)
  );
}
