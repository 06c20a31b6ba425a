import type { FlowNode } from '../schema.js';
import type { NodeHandler } from '../run-state.js';
import { answer } from './answer.js';
import { branch } from './branch.js';
import { callback } from './callback.js';
import { gatherNode } from './gather.js';
import { hangup } from './hangup.js';
import { http } from './http.js';
import { language } from './language.js';
import { menu } from './menu.js';
import { play } from './play.js';
import { queue } from './queue.js';
import { say } from './say.js';
import { set } from './set.js';
import { transfer } from './transfer.js';
import { voicemail } from './voicemail.js';

/** Every verb a flow may use, one handler each. */
export const HANDLERS: { [V in FlowNode['verb']]: NodeHandler<Extract<FlowNode, { verb: V }>> } = {
  answer,
  play,
  say,
  menu,
  gather: gatherNode,
  branch,
  set,
  http,
  queue,
  transfer,
  voicemail,
  callback,
  language,
  hangup,
};
