import autocannon from 'autocannon';
import type { BenchSettings } from './settings.ts';

export interface Scenario {
  /** Row label, e.g. "platform GET /v1/auth/me". */
  label: string;
  url: string;
  headers?: Record<string, string>;
}

export interface Measurement {
  label: string;
  url: string;
  requestsPerSecond: number;
  totalRequests: number;
  latencyP50: number;
  latencyP975: number;
  latencyP99: number;
  latencyMean: number;
  durationSeconds: number;
}

/** Runs a discarded warm-up, then the measured run; every response of both must be 2xx. */
export async function measure(scenario: Scenario, settings: BenchSettings): Promise<Measurement> {
  await fire(scenario, settings, settings.warmupSeconds, 'warm-up');
  const result = await fire(scenario, settings, settings.durationSeconds, 'measured run');
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
  };
}

async function fire(
  scenario: Scenario,
  settings: BenchSettings,
  seconds: number,
  phase: string,
): Promise<autocannon.Result> {
  const result = await autocannon({
    url: scenario.url,
    method: 'GET',
    headers: scenario.headers ?? {},
    connections: settings.connections,
    pipelining: settings.pipelining,
    duration: seconds,
  });
  assertAllSucceeded(scenario, phase, result);
  return result;
}

export class BenchFailure extends Error {
  override name = 'BenchFailure';
}

function assertAllSucceeded(scenario: Scenario, phase: string, result: autocannon.Result): void {
  if (result.non2xx === 0 && result.errors === 0 && result.timeouts === 0 && result['2xx'] > 0) return;
  const codes = Object.entries(result.statusCodeStats ?? {})
    .map(([code, stat]) => `${code}×${stat.count ?? 0}`)
    .join(', ');
  throw new BenchFailure(
    `${scenario.label} (${phase}): not every response was 2xx — 2xx=${result['2xx']}, non2xx=${result.non2xx}, ` +
      `errors=${result.errors}, timeouts=${result.timeouts}${codes ? `, status codes: ${codes}` : ''}`,
  );
}
