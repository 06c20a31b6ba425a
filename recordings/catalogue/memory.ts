import type { AuditEntry, PendingCapture, RecordingEntry, Tier } from './entry.js';
import { matches, type Catalogue, type CatalogueLock, type SearchQuery } from './types.js';

/** The reference catalogue and test double. */
export class MemoryCatalogue implements Catalogue {
  readonly entries = new Map<string, RecordingEntry>();
  private readonly locks = new Map<string, { until: number }>();
  private readonly pending = new Map<string, PendingCapture>();
  private readonly audited: AuditEntry[] = [];
  private readonly stats = new Map<string, number>();

  private sorted(): RecordingEntry[] {
    return [...this.entries.values()].sort(
      (a, b) => Date.parse(a.startedAt) - Date.parse(b.startedAt) || a.id.localeCompare(b.id),
    );
  }

  async get(id: string): Promise<RecordingEntry | undefined> {
    const e = this.entries.get(id);
    return e && structuredClone(e);
  }
  async put(entry: RecordingEntry): Promise<void> {
    this.entries.set(entry.id, structuredClone(entry));
  }
  async remove(id: string): Promise<void> {
    this.entries.delete(id);
  }
  async due(tier: Tier, startedBefore: number, limit: number): Promise<string[]> {
    return this.sorted()
      .filter((e) => e.tier === tier && Date.parse(e.startedAt) <= startedBefore)
      .slice(0, limit)
      .map((e) => e.id);
  }
  async withStale(limit: number): Promise<string[]> {
    return this.sorted()
      .filter((e) => (e.stale?.length ?? 0) > 0)
      .slice(0, limit)
      .map((e) => e.id);
  }
  async all(
    afterStart: number,
    limit: number,
  ): Promise<{ ids: string[]; next: number | undefined }> {
    const list = this.sorted().filter((e) => Date.parse(e.startedAt) >= afterStart);
    const page = list.slice(0, limit);
    const rest = list[limit];
    return { ids: page.map((e) => e.id), next: rest ? Date.parse(rest.startedAt) : undefined };
  }
  async search(q: SearchQuery): Promise<RecordingEntry[]> {
    return this.sorted()
      .filter((e) => matches(e, q))
      .slice(0, q.limit ?? 100);
  }
  async counts(): Promise<Record<Tier, number>> {
    const out: Record<Tier, number> = { hot: 0, warm: 0, cold: 0 };
    for (const e of this.entries.values()) out[e.tier]++;
    return out;
  }
  async lock(id: string, ttlMs: number): Promise<CatalogueLock | undefined> {
    const held = this.locks.get(id);
    if (held !== undefined && held.until > Date.now()) return undefined;
    const mine = { until: Date.now() + ttlMs };
    this.locks.set(id, mine);
    return {
      release: async () => {
        if (this.locks.get(id) === mine) this.locks.delete(id);
      },
      extend: async () => {
        if (this.locks.get(id) !== mine || mine.until <= Date.now()) return false;
        mine.until = Date.now() + ttlMs;
        return true;
      },
    };
  }
  async addPending(p: PendingCapture): Promise<void> {
    this.pending.set(p.id, p);
  }
  async removePending(id: string): Promise<void> {
    this.pending.delete(id);
  }
  async listPending(): Promise<PendingCapture[]> {
    return [...this.pending.values()];
  }
  private readonly leases = new Map<string, number>();
  async touchLive(id: string, ttlMs: number): Promise<void> {
    this.leases.set(id, Date.now() + ttlMs);
  }
  async endLive(id: string): Promise<void> {
    this.leases.delete(id);
  }
  async isLive(id: string): Promise<boolean> {
    return (this.leases.get(id) ?? 0) > Date.now();
  }
  async audit(a: AuditEntry): Promise<void> {
    this.audited.push(a);
  }
  async audits(recordingId: string): Promise<AuditEntry[]> {
    return this.audited.filter((a) => a.recordingId === recordingId);
  }
  async count(name: string, by = 1): Promise<void> {
    this.stats.set(name, (this.stats.get(name) ?? 0) + by);
  }
  async counters(): Promise<Record<string, number>> {
    return Object.fromEntries(this.stats);
  }
}
