import type { AnyRoute } from '../route.js';
import { agentRoutes } from './agents.js';
import { adminRoutes } from './routing-admin.js';
import { authRoutes } from './auth.js';
import { callRoutes } from './calls.js';
import { eventRoutes } from './events.js';
import { flowRoutes } from './flows.js';
import { healthRoutes } from './health.js';
import { privacyRoutes } from './privacy.js';
import { recordingRoutes } from './recordings.js';

/** Every endpoint of the API, in the order the reference lists them. */
export const allRoutes: readonly AnyRoute[] = [
  ...healthRoutes,
  ...authRoutes,
  ...callRoutes,
  ...agentRoutes,
  ...adminRoutes,
  ...flowRoutes,
  ...recordingRoutes,
  ...eventRoutes,
  ...privacyRoutes,
];
