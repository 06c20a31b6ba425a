/**
 * The controller's own record of a call: what it did and heard, kept in Redis so any controller,
 * the CLI and the tests can read it. Caller numbers are stored masked.
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
  /** DTMF digits the controller heard, in order. */
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

  get(id: string): Promise<CallRecord | undefined> {
    const r = this.byId.get(id);
    return Promise.resolve(r && structuredClone(r));
  }

  async findBySipCallId(sipCallId: string): Promise<CallRecord | undefined> {
    const id = this.bySip.get(sipCallId);
    return id === undefined ? undefined : this.get(id);
  }
}
