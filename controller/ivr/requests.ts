import type { Redis } from 'ioredis';

export interface CallbackRequest {
  callId: string;
  flow: string;
  /** The number to call back: needed in full to do it, so it is kept only here, for the retention. */
  number: string;
  /** Keyed hash of the number that called (erasure finds the request by it, whatever was typed). */
  callerHash?: string | undefined;
  slot: string;
  requestedAt: string;
}

export interface VoicemailMessage {
  callId: string;
  flow: string;
  mailbox: string;
  callerMasked: string;
  /** Keyed hash of the caller number (erasure finds the message by it). */
  callerHash?: string | undefined;
  /** The audio's name in the media server's recording folder (`<name>.wav`). */
  recording: string;
  durationMs?: number | undefined;
  leftAt: string;
}

/** Which caller an erasure is about: the numbers as given, and their keyed hashes. */
export interface CallerRef {
  numbers: readonly string[];
  hashes: readonly string[];
}

export const DEFAULT_REQUEST_RETENTION_SECONDS = 30 * 86_400;

/**
 * Appends an entry and drops those older than the retention from the front of the list (entries
 * are appended in time order), in one step so two controllers never drop each other's. The key's
 * own TTL only clears a list nobody adds to any more.
 */
const PUSH_KEEPING = `
redis.call('RPUSH', KEYS[1], ARGV[1])
redis.call('EXPIRE', KEYS[1], ARGV[2])
local dropped = 0
while true do
  local head = redis.call('LINDEX', KEYS[1], 0)
  if not head then break end
  local ok, entry = pcall(cjson.decode, head)
  local at = ok and type(entry) == 'table' and entry[ARGV[4]] or nil
  if type(at) == 'string' and at >= ARGV[3] then break end
  redis.call('LPOP', KEYS[1])
  dropped = dropped + 1
end
return dropped
`;

/**
 * What callers leave for later: callback requests and voicemail messages, in Redis lists that the
 * API and supervisors read. Each entry is kept for the retention (default 30 days) after it was
 * made: older ones are dropped whenever one is added, and a list nobody adds to expires whole.
 */
export class IvrRequests {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly retentionSeconds = DEFAULT_REQUEST_RETENTION_SECONDS,
    private readonly now: () => Date = () => new Date(),
  ) {}

  private get cutoff(): string {
    return new Date(this.now().getTime() - this.retentionSeconds * 1000).toISOString();
  }

  private async push(key: string, entry: object, timeField: string): Promise<void> {
    await this.redis.eval(
      PUSH_KEEPING,
      1,
      key,
      JSON.stringify(entry),
      this.retentionSeconds,
      this.cutoff,
      timeField,
    );
  }

  async addCallback(req: CallbackRequest): Promise<void> {
    await this.push(`${this.prefix}callbacks`, req, 'requestedAt');
  }

  /** Requests within their retention (a list not added to lately may hold older ones until it expires). */
  async callbacks(): Promise<CallbackRequest[]> {
    const cutoff = this.cutoff;
    return (await this.redis.lrange(`${this.prefix}callbacks`, 0, -1))
      .map((s) => JSON.parse(s) as CallbackRequest)
      .filter((r) => r.requestedAt >= cutoff);
  }

  async addVoicemail(msg: VoicemailMessage): Promise<void> {
    await this.push(`${this.prefix}voicemail:${msg.mailbox}`, msg, 'leftAt');
  }

  async voicemails(mailbox: string): Promise<VoicemailMessage[]> {
    const cutoff = this.cutoff;
    return (await this.redis.lrange(`${this.prefix}voicemail:${mailbox}`, 0, -1))
      .map((s) => JSON.parse(s) as VoicemailMessage)
      .filter((m) => m.leftAt >= cutoff);
  }

  /**
   * Removes a caller's callback requests (to one of the numbers, or made from them) and voicemail
   * messages (by the caller's hash; messages left before hashes were kept cannot be matched and
   * go at the end of their retention). Returns what was removed, so the audio can go too.
   */
  async eraseCaller(
    who: CallerRef,
    opts: { dryRun?: boolean } = {},
  ): Promise<{ callbacks: CallbackRequest[]; voicemails: VoicemailMessage[] }> {
    const m = matchers(who);
    const callbacks = await this.eraseFrom(`${this.prefix}callbacks`, m.callback, opts);
    const voicemails: VoicemailMessage[] = [];
    for (const key of await this.scan(`${this.prefix}voicemail:*`))
      voicemails.push(...(await this.eraseFrom(key, m.voicemail, opts)));
    return { callbacks, voicemails };
  }

  private async eraseFrom<T>(
    key: string,
    matches: (entry: T) => boolean,
    opts: { dryRun?: boolean },
  ): Promise<T[]> {
    const found: T[] = [];
    for (const raw of await this.redis.lrange(key, 0, -1)) {
      let entry: T;
      try {
        entry = JSON.parse(raw) as T;
      } catch {
        continue;
      }
      if (!matches(entry)) continue;
      found.push(entry);
      // By value: entries added or dropped meanwhile do not shift what is removed.
      if (!opts.dryRun) await this.redis.lrem(key, 0, raw);
    }
    return found;
  }

  private async scan(pattern: string): Promise<string[]> {
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = await this.redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
      cursor = next;
      keys.push(...batch);
    } while (cursor !== '0');
    return [...new Set(keys)];
  }
}

/**
 * Which requests are a caller's: a callback to one of the numbers or asked for from them, a
 * voicemail left from them (by hash: messages keep the number masked only).
 */
export function matchers(who: CallerRef): {
  callback: (r: CallbackRequest) => boolean;
  voicemail: (m: VoicemailMessage) => boolean;
} {
  const numbers = new Set(who.numbers.map(digitsOf));
  const hashes = new Set(who.hashes);
  return {
    callback: (r) =>
      numbers.has(digitsOf(r.number)) || (r.callerHash !== undefined && hashes.has(r.callerHash)),
    voicemail: (m) => m.callerHash !== undefined && hashes.has(m.callerHash),
  };
}

/** The reference implementation and test double (no retention: tests hold a few entries briefly). */
export class MemoryIvrRequests implements Pick<
  IvrRequests,
  'addCallback' | 'addVoicemail' | 'eraseCaller'
> {
  readonly callbacks: CallbackRequest[] = [];
  readonly voicemails: VoicemailMessage[] = [];

  async addCallback(req: CallbackRequest): Promise<void> {
    this.callbacks.push(structuredClone(req));
  }

  async addVoicemail(msg: VoicemailMessage): Promise<void> {
    this.voicemails.push(structuredClone(msg));
  }

  async eraseCaller(
    who: CallerRef,
    opts: { dryRun?: boolean } = {},
  ): Promise<{ callbacks: CallbackRequest[]; voicemails: VoicemailMessage[] }> {
    const m = matchers(who);
    const take = <T>(list: T[], match: (e: T) => boolean): T[] => {
      const found = list.filter(match);
      if (!opts.dryRun) for (const e of found) list.splice(list.indexOf(e), 1);
      return found;
    };
    return {
      callbacks: take(this.callbacks, m.callback),
      voicemails: take(this.voicemails, m.voicemail),
    };
  }
}

/** A number as its digits (and a leading +): how it is compared. */
export function digitsOf(number: string): string {
  return number.replace(/[^0-9+]/g, '');
}
