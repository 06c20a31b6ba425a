// ari-client ships no types. We use it only for the event WebSocket (connect, start, events);
// commands go through our own REST client, which keeps HTTP status codes and deadlines.
declare module 'ari-client' {
  import type { EventEmitter } from 'node:events';
  export interface AriClient extends EventEmitter {
    start(apps: string | string[]): Promise<void>;
    stop(): void;
  }
  export function connect(url: string, user: string, pass: string): Promise<AriClient>;
  const client: { connect: typeof connect };
  export default client;
}
