import { rm } from 'node:fs/promises';
import type { Recognition, SpeechRecognizer } from '../../../media/speech/types.js';
import { HotlineError } from '../../../lib/errors.js';
import type { Media, Recording } from '../../media-server/types.js';
import type { CallContext } from '../../session/context.js';
import type { FlowRun, IvrDeps } from '../run-state.js';
import { ignored } from '../../../lib/settle.js';

export interface ListenOptions {
  prompt: Media[];
  intents: { id: string; phrases: string[] }[];
  /** How long the caller has to start speaking (or press a key) after the prompt. */
  noInputMs: number;
  /** Longest utterance. */
  maxSpeechMs: number;
  /** Quiet that ends an utterance. */
  endSilenceMs: number;
  minConfidence: number;
}

export type Heard =
  | { kind: 'key'; digit: string }
  | { kind: 'speech'; recognition: Recognition }
  | { kind: 'silence' }
  | { kind: 'not-understood'; recognition?: Recognition | undefined };

/**
 * One spoken-or-keyed answer: the prompt plays while a spy records the caller's side; speaking or
 * a key stops the prompt (barge-in); the utterance ends at the quiet after it, is recognised
 * against the node's intents, and the audio is deleted. The caller's voice is never kept.
 */
export async function listen(
  call: CallContext,
  run: FlowRun,
  deps: IvrDeps & { speech: SpeechRecognizer },
  o: ListenOptions,
): Promise<Heard> {
  const opts = { timeoutMs: call.commandTimeoutMs, signal: call.signal };
  if (!run.talkDetection) {
    await call.channel.detectTalking({ ...opts, silenceMs: o.endSilenceMs, thresholdMs: 120 });
    run.talkDetection = true;
  }
  const name = `speech-${call.channel.id}-${run.path.length}-${run.turns}`;
  let key: string | undefined;
  let talking = false;
  let spoke = false;
  let wake: (() => void) | undefined;
  const off = call.channel.on((ev) => {
    if (ev.type === 'dtmf' && key === undefined && !talking) key = ev.digit;
    else if (ev.type === 'talking-started') talking = true;
    else if (ev.type === 'talking-finished' && talking) spoke = true;
    else return;
    wake?.();
  });
  // Until `pred` holds, the call ends, or `ms` passes. The timer always finishes the wait: a
  // wall-clock check there could find it a millisecond early and leave the wait with no deadline.
  const until = (pred: () => boolean, ms: number): Promise<void> =>
    new Promise((resolve, reject) => {
      if (pred() || call.signal.aborted) return call.signal.aborted ? reject(ended()) : resolve();
      const finish = (): void => {
        clearTimeout(timer);
        call.signal.removeEventListener('abort', finish);
        wake = undefined;
        if (call.signal.aborted) reject(ended());
        else resolve();
      };
      const timer = setTimeout(finish, ms);
      call.signal.addEventListener('abort', finish, { once: true });
      wake = () => {
        if (pred()) finish();
      };
    });
  let recording: Recording | undefined;
  try {
    const playback = await call.channel.play(o.prompt, opts);
    recording = await call.channel.recordCaller({
      ...opts,
      name,
      format: 'wav',
      maxDurationSeconds: Math.ceil((120_000 + o.noInputMs + o.maxSpeechMs) / 1000),
    });
    let promptDone = false;
    void playback.done.then(() => {
      promptDone = true;
      wake?.();
    });
    await until(() => promptDone || talking || key !== undefined, 120_000);
    if (!promptDone) {
      await playback.stop(opts).catch(ignored(call.log, 'stopping the prompt on barge-in'));
      call.note('barge-in');
    }
    if (!talking && key === undefined) await until(() => talking || key !== undefined, o.noInputMs);
    if (key !== undefined) return { kind: 'key', digit: key };
    if (!talking) return { kind: 'silence' };
    await until(() => spoke, o.maxSpeechMs);
    await recording.stop(opts);
    await recording.done;
    const recognition = await deps.speech.recognize(
      call.server.recordingFile(name, 'wav'),
      { language: run.language, intents: o.intents },
      { timeoutMs: 5000, signal: call.signal },
    );
    call.note(
      `heard ${recognition.intent ?? '(nothing)'} ${recognition.confidence.toFixed(2)} in ${recognition.engineMs} ms`,
    );
    deps.stats
      .speech(
        run.flow.flow,
        run.path.at(-1) ?? '',
        recognition.intent !== undefined,
        recognition.confidence,
      )
      .catch(ignored(call.log, 'counting the speech turn'));
    if (recognition.intent !== undefined && recognition.confidence >= o.minConfidence)
      return { kind: 'speech', recognition };
    return { kind: 'not-understood', recognition };
  } catch (err) {
    if (call.signal.aborted) throw ended();
    // An engine that crashed or timed out is a turn not understood, never a dropped call.
    if (err instanceof HotlineError && err.code.startsWith('SPEECH_')) {
      call.log.warn({ err, code: err.code }, 'speech recognition failed');
      call.note(`speech failed (${err.code})`);
      return { kind: 'not-understood' };
    }
    throw err;
  } finally {
    off();
    await recording
      ?.stop({ timeoutMs: call.commandTimeoutMs })
      .catch(ignored(call.log, 'stopping the recording of the speech turn'));
    await rm(call.server.recordingFile(name, 'wav'), { force: true }).catch(
      ignored(call.log, 'removing the recording of the speech turn'),
    );
  }
}

function ended(): HotlineError {
  return new HotlineError('CALL_ENDED', 'call ended during a speech turn');
}
