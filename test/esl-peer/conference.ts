import type { Channel } from './channel.js';
import { touch } from './frame.js';
import { basicChannelHeaders } from './events.js';
import type { Header } from './frames.js';
import { writeSilenceWav } from './wav.js';
import { type World, newUuid } from './world.js';

/**
 * mod_conference, reduced to what the events and API replies show (conference_member.c,
 * conference_record.c, conference_api.c, mod_conference.c):
 * - a conference is created by its first member and destroyed when no channel member is left
 *   (CFLAG_DYNAMIC), with `conference-create` / `conference-destroy` events;
 * - members get ids from one counter shared by all conferences (next_member_id), recordings
 *   too (a recording is a member without a channel);
 * - every event is CUSTOM conference::maintenance with conference_event_add_data
 *   (Conference-Name/-Domain/-Size/-Ghosts/-Profile-Name/-Unique-ID) and, for member events,
 *   conference_member_add_event_data (Floor, the channel's basic data, Video, Hear, See, Speak,
 *   Talking, Mute-Detect, Member-ID, Member-Type member|moderator, Member-Ghost, Energy-Level,
 *   Current-Energy);
 * - files play one after the other (the fnode chain), per conference and per member; each
 *   one that ends or is stopped fires play-file-done / play-file-member-done;
 * - an `endconf` member leaving (or, with `mintwo`, fewer than two members after two) ends the
 *   conference: the other members' channels are hung up unless hangup_after_conference=false.
 */
export interface MemberFlags {
  hear: boolean;
  speak: boolean;
  moderator: boolean;
  endconf: boolean;
  mintwo: boolean;
  ghost: boolean;
}

export interface Member extends MemberFlags {
  readonly id: number;
  readonly ch: Channel;
  readonly joinedAt: number;
  files: ConfFile[];
  /** Ends this member's conference application (kick, hup, destruct, transfer). */
  end: (() => void) | undefined;
}

interface ConfFile {
  file: string;
  ms: number;
  member: Member | undefined;
  startedAt: number;
  cancel: (() => void) | undefined;
}

export interface ConfRecording {
  readonly id: number;
  readonly path: string;
  readonly startedAt: number;
  pausedMs: number;
  pausedAt: number | undefined;
}

export function parseFlags(spec: string): MemberFlags {
  const set = new Set(spec.split('|').map((f) => f.trim().toLowerCase()));
  return {
    hear: !set.has('deaf'),
    speak: !set.has('mute'),
    moderator: set.has('moderator'),
    endconf: set.has('endconf'),
    mintwo: set.has('mintwo'),
    ghost: set.has('ghost'),
  };
}

export class Conference {
  readonly uuid = newUuid();
  readonly createdAt = Date.now();
  members: Member[] = [];
  recordings: ConfRecording[] = [];
  files: ConfFile[] = [];
  locked = false;
  private endCount = 0;
  private min = 0;
  private reachedMin = false;
  private destroyed = false;

  constructor(
    readonly world: World,
    readonly name: string,
    readonly profile: string,
  ) {
    world.conferences.set(name, this);
    this.fire('conference-create');
  }

  get count(): number {
    return this.members.filter((m) => !m.ghost).length;
  }

  get ghosts(): number {
    return this.members.filter((m) => m.ghost).length;
  }

  conferenceHeaders(): Header[] {
    return [
      ['Conference-Name', this.name],
      ['Conference-Domain', this.world.opts.domain],
      ['Conference-Size', String(this.count)],
      ['Conference-Ghosts', String(this.ghosts)],
      ['Conference-Profile-Name', this.profile],
      ['Conference-Unique-ID', this.uuid],
    ];
  }

  memberHeaders(m: Member): Header[] {
    return [
      ...this.conferenceHeaders(),
      ['Floor', 'false'],
      ...basicChannelHeaders(m.ch),
      ['Video', 'false'],
      ['Hear', String(m.hear)],
      ['See', 'true'],
      ['Speak', String(m.speak)],
      ['Talking', 'false'],
      ['Mute-Detect', 'false'],
      ['Member-ID', String(m.id)],
      ['Member-Type', m.moderator ? 'moderator' : 'member'],
      ['Member-Ghost', String(m.ghost)],
      ['Energy-Level', '100'],
      ['Current-Energy', '0'],
    ];
  }

  fire(action: string, extra: Header[] = [], member?: Member, trailing: Header[] = []): void {
    const base = this.world.factory.base('CUSTOM', { subclass: 'conference::maintenance' });
    const data = member ? this.memberHeaders(member) : this.conferenceHeaders();
    this.world.fire({
      name: 'CUSTOM',
      subclass: 'conference::maintenance',
      headers: [...base, ...data, ...extra, ['Action', action], ...trailing],
    });
  }

  member(id: number): Member | undefined {
    return this.members.find((m) => m.id === id);
  }

  join(ch: Channel, flags: MemberFlags): Member {
    const m: Member = {
      ...flags,
      id: this.world.nextMemberId(),
      ch,
      joinedAt: Date.now(),
      files: [],
      end: undefined,
    };
    this.members.unshift(m);
    if (m.endconf) this.endCount++;
    if (m.mintwo) this.min = 2;
    if (this.min && this.count >= this.min) this.reachedMin = true;
    ch.setVar('conference_member_id', String(m.id));
    ch.setVar('conference_moderator', String(m.moderator));
    ch.setVar('conference_ghost', String(m.ghost));
    ch.setVar('conference_uuid', this.uuid);
    ch.setVar('conference_name', this.name);
    this.fire('add-member', [], m);
    return m;
  }

  /** conference_member_del: the member is out; then endconf / mintwo / empty conference. */
  leave(m: Member): void {
    const at = this.members.indexOf(m);
    if (at < 0) return;
    for (const f of m.files) f.cancel?.();
    m.files = [];
    this.members.splice(at, 1);
    let destruct = false;
    if (m.endconf && --this.endCount === 0) destruct = true;
    if (this.reachedMin && this.count < this.min) destruct = true;
    this.fire('del-member', [], m);
    if (destruct) this.destruct();
    else if (this.count === 0) this.destroy();
  }

  /** CFLAG_DESTRUCT: every member's channel is hung up (hangup_after_conference) or let go. */
  destruct(): void {
    for (const f of this.files) f.cancel?.();
    this.files = [];
    for (const m of [...this.members]) {
      if (!this.members.includes(m)) continue;
      if (m.ch.vars.get('hangup_after_conference') === 'false') m.end?.();
      else m.ch.hangup('NORMAL_CLEARING', 'local');
    }
    if (!this.destroyed) this.destroy();
  }

  private destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    for (const r of [...this.recordings]) this.stopRecording(r);
    for (const f of this.files) f.cancel?.();
    this.files = [];
    this.fire('conference-destroy');
    if (this.world.conferences.get(this.name) === this) this.world.conferences.delete(this.name);
  }

  /** Queues a file on the conference or one member; false when the file cannot be opened. */
  play(file: string, member?: Member): boolean {
    const media = this.world.media(file);
    if (media.kind === 'notfound') return false;
    const node: ConfFile = {
      file,
      ms: media.kind === 'timed' ? media.ms : Infinity,
      member,
      startedAt: 0,
      cancel: undefined,
    };
    const chain = member ? member.files : this.files;
    chain.push(node);
    if (chain.length === 1) this.startFile(node);
    return true;
  }

  private startFile(node: ConfFile): void {
    node.startedAt = Date.now();
    if (Number.isFinite(node.ms))
      node.cancel = this.world.timers.after(node.ms, () => this.fileDone(node, true));
  }

  private fileDone(node: ConfFile, completed: boolean): void {
    node.cancel?.();
    const chain = node.member ? node.member.files : this.files;
    const at = chain.indexOf(node);
    if (at < 0) return;
    chain.splice(at, 1);
    const ms = Date.now() - node.startedAt;
    const timing: Header[] = [
      ['seconds', String(Math.floor(ms / 1000))],
      ['milliseconds', String(ms)],
      ['samples', String(ms * 8)],
    ];
    if (node.member) {
      node.member.ch.note({
        type: 'conference-play',
        conference: this.name,
        file: node.file,
        completed,
      });
      this.fire('play-file-member-done', timing, node.member, [['File', node.file]]);
    } else {
      for (const m of this.members)
        m.ch.note({ type: 'conference-play', conference: this.name, file: node.file, completed });
      this.fire('play-file-done', timing, undefined, [['File', node.file]]);
    }
    const next = chain[0];
    if (at === 0 && next) this.startFile(next);
  }

  /** conference_file_stop / conference_member_stop_file: how many files were stopped. */
  stop(which: 'current' | 'all', member?: Member): number {
    const chain = member ? member.files : this.files;
    const victims = which === 'all' ? [...chain] : chain.slice(0, 1);
    for (const node of victims) this.fileDone(node, false);
    return victims.length;
  }

  startRecording(path: string): boolean {
    if (!touch(path)) {
      this.fire('start-recording', [
        ['Path', path],
        ['Error', 'File could not be opened for recording'],
      ]);
      return false;
    }
    const rec: ConfRecording = {
      id: this.world.nextMemberId(),
      path,
      startedAt: Date.now(),
      pausedMs: 0,
      pausedAt: undefined,
    };
    this.recordings.unshift(rec);
    this.fire('start-recording', [['Path', path]]);
    return true;
  }

  stopRecording(rec: ConfRecording): void {
    const at = this.recordings.indexOf(rec);
    if (at < 0) return;
    this.recordings.splice(at, 1);
    const now = Date.now();
    const ms = Math.max(
      0,
      now - rec.startedAt - rec.pausedMs - (rec.pausedAt ? now - rec.pausedAt : 0),
    );
    const samples = writeSilenceWav(rec.path, ms);
    this.fire('stop-recording', [
      ['Path', rec.path],
      ['Other-Recordings', this.recordings.length ? 'true' : 'false'],
      ['Samples-Out', String(samples)],
      ['Samplerate', '8000'],
      ['Milliseconds-Elapsed', String(Math.floor(samples / 8))],
    ]);
  }

  pauseRecording(rec: ConfRecording, pause: boolean): void {
    const now = Date.now();
    if (pause && rec.pausedAt === undefined) rec.pausedAt = now;
    if (!pause && rec.pausedAt !== undefined) {
      rec.pausedMs += now - rec.pausedAt;
      rec.pausedAt = undefined;
    }
    this.fire(pause ? 'pause-recording' : 'resume-recording', [
      ['Path', rec.path],
      ['Other-Recordings', this.recordings.length ? 'true' : 'false'],
    ]);
  }
}
