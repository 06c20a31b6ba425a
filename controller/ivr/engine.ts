import type { CallOutcome } from '../calls/record.js';
import { HotlineError } from '../../lib/errors.js';
import type { CallContext } from '../session/context.js';
import { HANDLERS } from './nodes/index.js';
import type { FlowRun, IvrDeps, NodeHandler, Step } from './run-state.js';
import type { Flow, FlowNode } from './schema.js';
import { ignored } from '../../lib/settle.js';

/** A flow that goes round this many nodes without ending is stopped (a caller stuck in a loop). */
const MAX_STEPS = 200;

/**
 * Walks a call through its flow, node by node, on the version it started with. Every node's exit
 * is counted; the call's path, turns and whether the IVR alone served it go into its record.
 * A hang-up anywhere ends the walk (every verb ends when the call ends).
 */
export async function runFlow(call: CallContext, flow: Flow, deps: IvrDeps): Promise<CallOutcome> {
  const run: FlowRun = {
    flow,
    language: flow.language,
    vars: {},
    path: [],
    turns: 0,
    reachedPerson: false,
    talkDetection: false,
    scope() {
      return {
        caller: call.channel.info.callerNumber,
        called: call.channel.info.calledNumber,
        language: this.language,
        vars: this.vars,
      };
    },
  };
  call.record.flow = flow.flow;
  call.record.flowVersion = flow.version;
  call.record.path = run.path;
  call.note(`flow ${flow.flow}@${flow.version}`);
  let outcome: CallOutcome = 'failed';
  let id: string | undefined = flow.start;
  try {
    for (let steps = 0; id !== undefined; steps++) {
      if (steps >= MAX_STEPS)
        throw new HotlineError(
          'FLOW_INVALID',
          `flow ${flow.flow} ran ${MAX_STEPS} nodes without ending`,
        );
      const node: FlowNode | undefined = flow.nodes[id];
      if (!node) throw new HotlineError('FLOW_INVALID', `flow ${flow.flow}: no node ${id}`);
      run.path.push(id);
      call.record.turns = run.turns;
      const step: Step = await (HANDLERS[node.verb] as NodeHandler)(call, node, run, deps);
      deps.stats.exit(flow.flow, id, step.exit).catch(ignored(call.log, 'counting the node exit'));
      if ('end' in step) {
        outcome = step.end;
        id = undefined;
      } else {
        id = step.next;
      }
    }
    return outcome;
  } catch (err) {
    if (call.signal.aborted && id !== undefined)
      deps.stats
        .exit(flow.flow, id, 'caller-hangup')
        .catch(ignored(call.log, 'counting the node exit on hang-up'));
    throw err;
  } finally {
    call.record.turns = run.turns;
    // Served by the IVR alone: the flow ran to a normal end without a person. A hang-up mid-menu,
    // a voicemail or a callback request is not (someone still has to act).
    call.record.selfServed = outcome === 'completed' && !run.reachedPerson;
    deps.stats
      .call(flow.flow, run.turns, call.record.selfServed)
      .catch(ignored(call.log, 'counting the call for the flow'));
  }
}
