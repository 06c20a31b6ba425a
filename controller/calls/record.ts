/**
 * The controller's own record of a call: what it did and heard, kept in Redis so any controller,
 * the CLI and the tests can read it. Caller numbers are stored masked (and as a keyed hash, to find
 * a caller's records when they ask for them to be erased); keys the caller typed that the flow
 * marks sensitive are stored as `*`.
 */
export type CallOutcome =
  | 'completed'
  | 'no-input'
  | 'caller-hangup'
  | 'rejected'
  /** Refused by overload control (too many calls in progress, or arriving too fast). */
  | 'refused'
  | 'failed'
  | 'connected'
  | 'abandoned'
  | 'queue-timeout'
  | 'overflow'
  | 'transferred'
  | 'voicemail'
  | 'callback';

export interface CallRecord {
  id: string;
  controller: string;
  mediaServer: string;
  sipCallId?: string | undefined;
  calledNumber: string;
  callerMasked: string;
  /**
   * Keyed hash of the caller number (the caller-hash secret of the recordings key file): finds a
   * caller's records for erasure, cannot be turned back into the number. Never shown by the API.
   */
  callerHash?: string | undefined;
  startedAt: string;
  answeredAt?: string | undefined;
  endedAt?: string | undefined;
  state: 'active' | 'ended';
  /** The queue the caller waited in, the agent who took the call, and how long that took. */
  queue?: string | undefined;
  agentId?: string | undefined;
  queueWaitMs?: number | undefined;
  /** The conversation's recording in the recordings catalogue. */
  recordingId?: string | undefined;
  /** DTMF keys the controller heard, in order; sensitive ones (typed numbers) as `*`. */
  digits: string;
  outcome?: CallOutcome | undefined;
  hangupBy?: 'caller' | 'controller' | undefined;
  cause?: string | undefined;
  /** The IVR flow (name and version) the call ran, the nodes it passed and how many questions it took. */
  flow?: string | undefined;
  flowVersion?: string | undefined;
  path?: string[] | undefined;
  turns?: number | undefined;
  /** Served by the IVR alone: ended in the flow without reaching an agent or a transfer. */
  selfServed?: boolean | undefined;
  /** What happened, in milliseconds since the call reached the controller. */
  timeline: { atMs: number; what: string }[];
}

export interface CallRecordStore {
  save(record: CallRecord): Promise<void>;
  get(id: string): Promise<CallRecord | undefined>;
  findBySipCallId(sipCallId: string): Promise<CallRecord | undefined>;
  /** A caller's records still kept, by the caller's keyed hash (erasure requests). */
  findByCaller(callerHash: string): Promise<CallRecord[]>;
  /** Deletes a record and what points at it. */
  remove(id: string): Promise<void>;
}

/** What the API shows of a record: all but the caller's keyed hash (of use only to erasure). */
export function publicRecord(record: CallRecord): Omit<CallRecord, 'callerHash'> {
  const { callerHash: _hash, ...rest } = record;
  return rest;
}

/** The reference implementation and test double. */
export class MemoryCallRecordStore implements CallRecordStore {
  private readonly byId = new Map<string, CallRecord>();
  private readonly bySip = new Map<string, string>();

  save(record: CallRecord): Promise<void> {
    this.byId.set(record.id, structuredClone(record));
    if (record.sipCallId) this.bySip.set(record.sipCallId, record.id);
    return Promise.resolve();
  }

  async findByCaller(callerHash: string): Promise<CallRecord[]> {
    return [...this.byId.values()]
      .filter((r) => r.callerHash === callerHash)
      .map((r) => structuredClone(r));
  }

  async remove(id: string): Promise<void> {
    const r = this.byId.get(id);
    this.byId.delete(id);
    if (r?.sipCallId && this.bySip.get(r.sipCallId) === id) this.bySip.delete(r.sipCallId);
  }

  get(id: string): Promise<CallRecord | undefined> {
    const r = this.byId.get(id);
    return Promise.resolve(r && structuredClone(r));
  }

  async findBySipCallId(sipCallId: string): Promise<CallRecord | undefined> {
    const id = this.bySip.get(sipCallId);
    return id === undefined ? undefined : this.get(id);
  }
}
