import type { MediaServerConfig } from '../config/schema.js';
import type { Logger } from '../log/logger.js';
import { AsteriskServer } from './asterisk/server.js';
import { FreeswitchServer } from './freeswitch/server.js';
import type { MediaServer } from './types.js';

/** One adapter per configured media server, by its kind. */
export function createMediaServer(config: MediaServerConfig, log: Logger): MediaServer {
  switch (config.kind) {
    case 'asterisk':
      return new AsteriskServer(config, log);
    case 'freeswitch':
      return new FreeswitchServer(config, log);
  }
}
