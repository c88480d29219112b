import autocannon from 'autocannon';
import { BenchFailure, type Measurement } from './load.ts';

/** One generated request: a fresh body and headers for every request autocannon sends. */
export interface GeneratedRequest {
  /** POST unless said otherwise. */
  method?: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body: string;
}

export interface GeneratedScenario {
  label: string;
  /** Origin of the server, e.g. http://127.0.0.1:1234. */
  baseUrl: string;
  /** Shown in the report (the generated requests all go to the same path). */
  url: string;
  /** Every response must have this status (201 for POSTs that create something). */
  expectStatus: number;
  /** Called by autocannon before every request (`setupRequest`). */
  next(): GeneratedRequest;
}

export interface LoadSettings {
  connections: number;
  warmupSeconds: number;
  durationSeconds: number;
}

export interface GeneratedMeasurement extends Measurement {
  /** Responses per status code in the measured run and the warm-up together. */
  statusCodes: Record<string, number>;
  /** Responses that had `expectStatus`, warm-up included. */
  succeeded: number;
  /** The slowest response of the warm-up and the measured run (ms). */
  slowestMs: number;
}

/**
 * POSTs generated requests (autocannon `requests` + `setupRequest`, pipelining 1): a discarded warm-up, then
 * the measured run. Every response of both must have `expectStatus`, with no errors or timeouts.
 */
export async function measureGenerated(
  scenario: GeneratedScenario,
  settings: LoadSettings,
): Promise<GeneratedMeasurement> {
  const warmup =
    settings.warmupSeconds > 0 ? await fire(scenario, settings, settings.warmupSeconds, 'warm-up') : null;
  const result = await fire(scenario, settings, settings.durationSeconds, 'measured run');
  const statusCodes: Record<string, number> = {};
  for (const run of [warmup, result]) {
    for (const [code, stat] of Object.entries(run?.statusCodeStats ?? {})) {
      statusCodes[code] = (statusCodes[code] ?? 0) + (stat.count ?? 0);
    }
  }
  return {
    label: scenario.label,
    url: scenario.url,
    requestsPerSecond: result.requests.mean,
    totalRequests: result['2xx'],
    latencyP50: result.latency.p50,
    latencyP975: result.latency.p97_5,
    latencyP99: result.latency.p99,
    latencyMean: result.latency.mean,
    durationSeconds: result.duration,
    statusCodes,
    succeeded: statusCodes[String(scenario.expectStatus)] ?? 0,
    slowestMs: Math.max(result.latency.max, warmup?.latency.max ?? 0),
  };
}

async function fire(
  scenario: GeneratedScenario,
  settings: LoadSettings,
  seconds: number,
  phase: string,
): Promise<autocannon.Result> {
  const result = await autocannon({
    url: scenario.baseUrl,
    connections: settings.connections,
    pipelining: 1,
    duration: seconds,
    requests: [
      {
        method: 'POST',
        setupRequest: (request) => {
          const generated = scenario.next();
          return { ...request, method: 'POST', ...generated };
        },
      },
    ],
  });
  const codes = Object.entries(result.statusCodeStats ?? {});
  const unexpected = codes.filter(
    ([code, stat]) => code !== String(scenario.expectStatus) && (stat.count ?? 0) > 0,
  );
  if (unexpected.length === 0 && result.errors === 0 && result.timeouts === 0 && result['2xx'] > 0)
    return result;
  const summary = codes.map(([code, stat]) => `${code}×${stat.count ?? 0}`).join(', ');
  throw new BenchFailure(
    `${scenario.label} (${phase}): not every response was ${scenario.expectStatus} — status codes: ${summary || 'none'}, ` +
      `errors=${result.errors}, timeouts=${result.timeouts}` +
      (codes.some(([code]) => code === '422')
        ? ' (422: insufficient funds? fund the fans more generously)'
        : ''),
  );
}
