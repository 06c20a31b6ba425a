import type { Redis } from 'ioredis';
import type { CallRecordStore } from '../calls/record.js';
import type { Logger } from 'pino';
import type { FlowDirectory } from '../ivr/directory.js';
import type { IvrStats } from '../ivr/stats.js';
import type { MediaServer } from '../media-server/types.js';
import type { RoutingService } from '../acd/service.js';
import type { EraseDeps } from '../privacy/erase.js';
import type { SessionRunner } from '../session/runner.js';
import type { RecordingCapture } from '../../recordings/capture.js';
import type { RecordingsDeps } from '../../recordings/deps.js';
import type { ApiKeyStore } from './auth/api-keys.js';
import type { TokenSigner } from './auth/tokens.js';
import type { EventHub } from './events.js';
import type { ApiMetrics } from './metrics.js';

/** Everything the control API reaches, passed in by the composition root. */
export interface ApiDeps {
  servers: MediaServer[];
  runner: SessionRunner;
  redis: Redis;
  store: CallRecordStore;
  redisReady: () => boolean;
  routing: RoutingService;
  flows: FlowDirectory;
  recordings?: { deps: RecordingsDeps; capture: RecordingCapture } | undefined;
  /** What erasing a caller's data reaches; absent: the erase endpoint answers 503. */
  privacy?: EraseDeps | undefined;
  /** Today's IVR figures per flow (for /metrics). */
  ivrStats?: IvrStats | undefined;
  keys: ApiKeyStore;
  tokens: TokenSigner;
  events: EventHub;
  metrics: ApiMetrics;
  log: Logger;
  limits: { bodyBytes: number; perSecond: number; burst: number };
  /** How digits are dialled out (flows.transferEndpoint). */
  transferEndpoint: string;
  /** Endpoints a supervisor may be rung on (api.superviseEndpoints). */
  superviseEndpoints: RegExp;
  version: string;
}
