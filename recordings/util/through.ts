import { pipeline, type Readable, type Transform } from 'node:stream';

/**
 * Pipes a source through transforms and returns the last one: an error anywhere (a failed read, a
 * failed integrity check) destroys the whole chain and surfaces on the stream the caller reads.
 */
export function through(source: Readable, ...steps: Transform[]): Readable {
  if (steps.length === 0) return source;
  const last = steps[steps.length - 1] as Transform;
  pipeline([source, ...steps], () => undefined);
  return last;
}
