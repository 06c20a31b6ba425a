/**
 * The speech-recognition contract the IVR uses for a speech menu node: one recorded caller
 * utterance (8 kHz mono 16-bit WAV) plus the node's intents in, the intent said (or none) out.
 *
 * Kept this small on purpose: another engine (a cloud API, a self-hosted Mandarin model) is ONE
 * adapter file that implements `SpeechRecognizer`; nothing else in the controller changes.
 * Adapters throw HotlineError with SPEECH_FAILED (engine missing or crashed, unreadable audio),
 * SPEECH_TIMEOUT (past `timeoutMs`), SPEECH_GRAMMAR_INVALID (intents it cannot recognise) and
 * CALL_ENDED (the signal aborted); "nothing recognised" is a normal result without `intent`.
 */
export interface Intent {
  id: string;
  /** Phrases in the caller's language; zh phrases in Chinese characters. */
  phrases: string[];
}

export interface RecognizeRequest {
  language: 'en' | 'zh';
  intents: Intent[];
}

export interface Recognition {
  /** The intent id, absent when nothing matched or the confidence was too low. */
  intent?: string;
  /** What the engine heard (may be empty). */
  text: string;
  /** 0..1 */
  confidence: number;
  /** Wall-clock time the engine took. */
  engineMs: number;
}

export interface RecognizeOptions {
  timeoutMs: number;
  signal?: AbortSignal;
}

export interface SpeechRecognizer {
  readonly name: string;
  recognize(wavPath: string, req: RecognizeRequest, opts: RecognizeOptions): Promise<Recognition>;
  close?(): Promise<void>;
}
