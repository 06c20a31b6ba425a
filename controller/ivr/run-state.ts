import type { CallOutcome } from '../calls/record.js';
import type { RoutingService } from '../acd/service.js';
import type { SpeechRecognizer } from '../../media/speech/types.js';
import type { CallContext } from '../session/context.js';
import type { IvrRequests } from './requests.js';
import type { Flow, FlowNode, Language } from './schema.js';
import type { IvrStats } from './stats.js';
import type { TemplateScope } from './template.js';

/** What the IVR needs besides the call, built once by the composition root. */
export interface IvrDeps {
  routing?: RoutingService | undefined;
  stats: Pick<IvrStats, 'exit' | 'call' | 'speech'>;
  requests: Pick<IvrRequests, 'addCallback' | 'addVoicemail'>;
  /** The caller's region (router's region table); undefined when unknown. */
  regionOf(callerNumber: string): string | undefined;
  /** How numbers given to `transfer` are dialled, e.g. `PJSIP/{number}@carrier`. */
  transferEndpoint: string;
  now(): Date;
  /** Speech recognition for menus with intents; absent: those menus are keypad only. */
  speech?: SpeechRecognizer | undefined;
}

/** One call's walk through its flow. */
export interface FlowRun {
  readonly flow: Flow;
  language: Language;
  vars: Record<string, unknown>;
  path: string[];
  /** Questions put to the caller (menu, gather, language choice, each try counted). */
  turns: number;
  /** Set once the caller reached a person (agent or transfer). */
  reachedPerson: boolean;
  /** Talk detection is on for this call (turned on at the first speech turn). */
  talkDetection: boolean;
  scope(): TemplateScope;
}

/** A node's result: the next node, or the end of the call, with the exit name for analytics. */
export type Step = { next: string; exit: string } | { end: CallOutcome; exit: string };

export type NodeHandler<N extends FlowNode = FlowNode> = (
  call: CallContext,
  node: N,
  run: FlowRun,
  deps: IvrDeps,
) => Promise<Step>;
