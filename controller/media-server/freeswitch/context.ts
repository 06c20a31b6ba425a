import type { FreeswitchServerConfig } from '../../config/schema.js';
import { HotlineError } from '../../../lib/errors.js';
import type { Logger } from '../../log/logger.js';
import type { Unsubscribe, WaitOptions } from '../../../lib/wait.js';
import type { RecordingEvent } from '../types.js';
import { eslError, type EslConnection } from './connection.js';
import type { FsEvent } from './translate.js';

export type ConferenceEvent = Extract<FsEvent, { kind: 'conference' }>;

/** What the channels, bridges and recordings of one FreeSWITCH share. */
export class FsContext {
  /** channelId -> the conference (bridge) it is in, with its member id there. */
  readonly members = new Map<string, { conference: string; memberId: string }>();
  /** Server-side recording path -> listener waiting for its start and end. */
  readonly recordings = new Map<string, (event: RecordingEvent) => void>();
  /** Channels whose hang-up could not be sent (FreeSWITCH unreachable); resync sends it again. */
  readonly pendingHangups = new Set<string>();
  /** playbackId -> channelId, for playbacks still running. */
  readonly playbacks = new Map<string, string>();
  private readonly conferenceListeners = new Set<(event: ConferenceEvent) => void>();
  connection: EslConnection | undefined;

  constructor(
    readonly config: FreeswitchServerConfig,
    readonly log: Logger,
  ) {}

  conn(): EslConnection {
    const c = this.connection;
    if (!c?.isOpen)
      throw new HotlineError(
        'MEDIA_NOT_CONNECTED',
        `${this.config.id}: not connected to FreeSWITCH`,
      );
    return c;
  }

  /** `api <command>`; a `-ERR` answer becomes a typed error. */
  async api(command: string, opts: WaitOptions & { silent?: boolean }): Promise<string> {
    const body = await this.conn().api(command, opts);
    // Commands that write nothing on success (uuid_break, uuid_send_dtmf): mod_event_socket then
    // answers `-ERR no reply` itself.
    if (opts.silent && body.trim() === '-ERR no reply') return '';
    if (body.startsWith('-ERR') || body.startsWith('-USAGE'))
      throw eslError(body, `FreeSWITCH ${command.split(' ', 1)[0] ?? ''}`);
    return body;
  }

  /** `bgapi <command>`, waiting for the job's result; a `-ERR` result becomes a typed error. */
  async job(command: string, opts: WaitOptions): Promise<string> {
    const body = await this.conn().bgapi(command, opts).result;
    if (body.startsWith('-ERR'))
      throw eslError(body, `FreeSWITCH ${command.split(' ', 1)[0] ?? ''}`);
    return body;
  }

  onConference(listener: (event: ConferenceEvent) => void): Unsubscribe {
    this.conferenceListeners.add(listener);
    return () => this.conferenceListeners.delete(listener);
  }

  conference(event: ConferenceEvent): void {
    if (event.action === 'add-member')
      this.members.set(event.channelId, { conference: event.conference, memberId: event.memberId });
    if (
      event.action === 'del-member' &&
      this.members.get(event.channelId)?.conference === event.conference
    )
      this.members.delete(event.channelId);
    for (const listener of [...this.conferenceListeners]) listener(event);
  }
}
