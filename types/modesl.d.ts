/** The part of modesl's wire parser the ESL reader uses (modesl ships no types). */
declare module 'modesl/lib/esl/Parser.js' {
  import type { EventEmitter } from 'node:events';

  interface ModeslEvent {
    headers: { name: string; value: string }[];
    getHeader(name: string): string | null;
    getBody(): string;
    getType(): string;
  }

  class Parser {
    constructor(socket: EventEmitter);
    /** Bytes held while a frame is incomplete (undocumented, read for the size guard). */
    buffer: Buffer;
    bodyLen: number;
    on(
      event: 'esl::event',
      listener: (
        event: ModeslEvent,
        headers: Record<string, string | number>,
        body?: string,
      ) => void,
    ): this;
    on(event: 'error', listener: (err: unknown) => void): this;
  }
  export = Parser;
}
