/**
 * The controller's event-loop delay since the last scrape, from its Prometheus endpoint
 * (prom-client's default metrics reset the histogram at every scrape). Undefined if unreachable.
 */
export async function scrapeEventLoop(
  url: string,
): Promise<{ p99: number; max: number } | undefined> {
  const text = await fetch(url, { signal: AbortSignal.timeout(2000) }).then(
    (r) => (r.ok ? r.text() : ''),
    () => '',
  );
  const value = (name: string): number | undefined => {
    const m = new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.e+-]+)$`, 'm').exec(text);
    return m ? Math.round(Number(m[1]) * 1000) : undefined;
  };
  const p99 = value('nodejs_eventloop_lag_p99_seconds');
  const max = value('nodejs_eventloop_lag_max_seconds');
  return p99 === undefined || max === undefined ? undefined : { p99, max };
}
