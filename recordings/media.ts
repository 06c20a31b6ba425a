import type { WaitOptions } from '../lib/wait.js';

/*
 * What recording needs of a media server, stated here so recordings/ depends on no part of the
 * controller: the controller's media-server Bridge, Recording and MediaServer satisfy these.
 */

/** How a recording ended, as the media server tells it. */
export type RecordingEnd =
  | { type: 'recording-finished' | 'recording-started'; name: string }
  | { type: 'recording-failed'; name: string; reason: string };

/** A recording the media server is making. */
export interface MediaRecording {
  /** Resolves when the recording is finished (stopped, or the bridge went away). */
  readonly done: Promise<RecordingEnd>;
  stop(opts: WaitOptions): Promise<void>;
  pause(opts: WaitOptions): Promise<void>;
  resume(opts: WaitOptions): Promise<void>;
}

/** A conversation's bridge, which can be recorded. */
export interface RecordableBridge {
  record(opts: WaitOptions & { name: string; format: 'wav' }): Promise<MediaRecording>;
}

/** Where the media server writes a recording, as this process can read it. */
export interface RecordingFiles {
  recordingFile(name: string, format: 'wav'): string;
}
