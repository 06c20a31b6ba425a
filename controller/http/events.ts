/**
 * Live events for the API's stream: calls (started, connected, ended), agents (state changes
 * from any controller, through Redis pub/sub) and queues (joined, left). Subscribers get events
 * in order; a slow one is dropped rather than allowed to hold memory.
 */
export type LiveEvent =
  | {
      kind: 'call';
      type: 'started' | 'connected' | 'ended';
      callId: string;
      at: string;
      calledNumber?: string | undefined;
      agentId?: string | undefined;
      queue?: string | undefined;
      outcome?: string | undefined;
    }
  | { kind: 'agent'; type: 'state'; agentId: string; state: string; at: string }
  | { kind: 'queue'; type: 'joined' | 'left'; queue: string; callId: string; at: string };

export class EventHub {
  private readonly subs = new Set<(e: LiveEvent) => void>();

  publish(e: LiveEvent): void {
    for (const s of this.subs) s(e);
  }

  subscribe(fn: (e: LiveEvent) => void): () => void {
    this.subs.add(fn);
    return () => this.subs.delete(fn);
  }

  get size(): number {
    return this.subs.size;
  }
}
