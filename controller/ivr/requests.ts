import type { Redis } from 'ioredis';

export interface CallbackRequest {
  callId: string;
  flow: string;
  /** The number to call back: needed in full to do it, so it is kept only here, with a TTL. */
  number: string;
  slot: string;
  requestedAt: string;
}

export interface VoicemailMessage {
  callId: string;
  flow: string;
  mailbox: string;
  callerMasked: string;
  recording: string;
  durationMs?: number | undefined;
  leftAt: string;
}

/**
 * What callers leave for later: callback requests and voicemail messages, in Redis lists that the
 * API and supervisors read. Kept 30 days.
 */
export class IvrRequests {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async addCallback(req: CallbackRequest): Promise<void> {
    const key = `${this.prefix}callbacks`;
    await this.redis.multi().rpush(key, JSON.stringify(req)).expire(key, 30 * 86_400).exec();
  }

  async callbacks(): Promise<CallbackRequest[]> {
    return (await this.redis.lrange(`${this.prefix}callbacks`, 0, -1)).map((s) => JSON.parse(s) as CallbackRequest);
  }

  async addVoicemail(msg: VoicemailMessage): Promise<void> {
    const key = `${this.prefix}voicemail:${msg.mailbox}`;
    await this.redis.multi().rpush(key, JSON.stringify(msg)).expire(key, 30 * 86_400).exec();
  }

  async voicemails(mailbox: string): Promise<VoicemailMessage[]> {
    return (await this.redis.lrange(`${this.prefix}voicemail:${mailbox}`, 0, -1)).map((s) => JSON.parse(s) as VoicemailMessage);
  }
}
