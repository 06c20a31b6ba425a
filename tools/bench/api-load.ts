/**
 * The API benchmark's load generator, run as its own process so it does not share the
 * controller's event loop: `concurrency` keep-alive clients send requests for `durationMs` and the
 * latencies are printed as JSON. Each client may use its own path (its own agent).
 */
interface LoadSpec {
  base: string;
  key: string;
  concurrency: number;
  durationMs: number;
  /** Per client: a list of requests it cycles through. */
  plans: { method: string; path: string; body?: unknown }[][];
}

const spec = JSON.parse(process.argv[2] ?? '{}') as LoadSpec;
const latencies: number[] = [];
const statuses = new Map<number, number>();
const end = Date.now() + spec.durationMs;

async function client(plan: { method: string; path: string; body?: unknown }[]): Promise<void> {
  for (let i = 0; Date.now() < end; i++) {
    const req = plan[i % plan.length];
    if (!req) return;
    const t = process.hrtime.bigint();
    const res = await fetch(`${spec.base}${req.path}`, {
      method: req.method,
      headers: {
        'x-api-key': spec.key,
        ...(req.body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(req.body === undefined ? {} : { body: JSON.stringify(req.body) }),
    });
    await res.arrayBuffer();
    latencies.push(Number(process.hrtime.bigint() - t) / 1e6);
    statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
  }
}

const started = Date.now();
await Promise.all(
  Array.from({ length: spec.concurrency }, (_, i) =>
    client(spec.plans[i % spec.plans.length] ?? []),
  ),
);
const seconds = (Date.now() - started) / 1000;
latencies.sort((a, b) => a - b);
const q = (p: number): number =>
  latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? NaN;
process.stdout.write(
  `${JSON.stringify({ requests: latencies.length, rps: latencies.length / seconds, p50Ms: q(0.5), p90Ms: q(0.9), p99Ms: q(0.99), maxMs: latencies[latencies.length - 1], statuses: Object.fromEntries(statuses) })}\n`,
);
