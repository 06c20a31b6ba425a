import type { RoutingConfig } from './config-schema.js';

/** A cross-reference problem, located by its path in agents.yaml or queues.yaml. */
export interface RoutingProblem {
  file: 'agents' | 'queues';
  path: (string | number)[];
  message: string;
}

/**
 * The checks a schema cannot make alone: declared skills, unique ids, escalation timeouts,
 * overflow targets that exist and chains that end. One function for the files at load and for
 * changes made at run time.
 */
export function checkRouting(
  config: Pick<RoutingConfig, 'skills' | 'agents' | 'queues'>,
): RoutingProblem[] {
  const problems: RoutingProblem[] = [];
  const skills = new Set(config.skills);
  const agentIds = new Map<string, number>();
  config.agents.forEach((a, i) => {
    if (agentIds.has(a.id))
      problems.push({
        file: 'agents',
        path: ['agents', i, 'id'],
        message: `duplicate of agents.${String(agentIds.get(a.id))}`,
      });
    agentIds.set(a.id, i);
    for (const s of Object.keys(a.skills)) {
      if (!skills.has(s))
        problems.push({
          file: 'agents',
          path: ['agents', i, 'skills', s],
          message: 'unknown skill (declare it in queues.yaml skills)',
        });
    }
  });
  const queueIds = new Map<string, number>();
  config.queues.forEach((q, i) => {
    if (queueIds.has(q.id))
      problems.push({
        file: 'queues',
        path: ['queues', i, 'id'],
        message: `duplicate of queues.${String(queueIds.get(q.id))}`,
      });
    queueIds.set(q.id, i);
    if (!skills.has(q.skill))
      problems.push({
        file: 'queues',
        path: ['queues', i, 'skill'],
        message: `unknown skill ${q.skill}`,
      });
    q.steps.forEach((step, s) => {
      if (s < q.steps.length - 1 && step.timeoutSeconds === undefined) {
        problems.push({
          file: 'queues',
          path: ['queues', i, 'steps', s, 'timeoutSeconds'],
          message: 'every step but the last needs a timeout',
        });
      }
    });
  });
  config.queues.forEach((q, i) => {
    if (q.overflow?.type === 'queue' && !queueIds.has(q.overflow.target)) {
      problems.push({
        file: 'queues',
        path: ['queues', i, 'overflow', 'target'],
        message: `unknown queue ${q.overflow.target}`,
      });
    }
  });
  // Overflow chains must end: a -> b -> a would bounce a caller forever.
  config.queues.forEach((q, i) => {
    const seen = [q.id];
    let next = q.overflow?.type === 'queue' ? q.overflow.target : undefined;
    while (next !== undefined) {
      if (seen.includes(next)) {
        problems.push({
          file: 'queues',
          path: ['queues', i, 'overflow'],
          message: `loop ${[...seen, next].join(' -> ')}`,
        });
        break;
      }
      seen.push(next);
      const target = config.queues[queueIds.get(next) ?? -1];
      next = target?.overflow?.type === 'queue' ? target.overflow.target : undefined;
    }
  });
  return problems;
}

export const describeProblem = (p: RoutingProblem): string =>
  `${p.path.map(String).join('.')}: ${p.message}`;
