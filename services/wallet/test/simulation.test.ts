import { testBackends } from '@pcf/kernel/testing';
import { describe, expect, it } from 'vitest';
import { runSimulation, settingsFromEnv } from './simulation.run.ts';

/**
 * Deterministic simulation: a seeded stream of commands (sends, deposits and webhooks — redelivered, forged,
 * racing —, holds, captures, voids, refunds, credits, conversions, retries with one key, injected database
 * faults) run against the platform and a reference model; any disagreement fails with the seed and step to
 * replay (services/wallet/test/simulation/replay.ts).
 */
for (const backend of testBackends()) {
  describe(`wallet simulation (${backend.name})`, () => {
    it('agrees with the reference model at every step and leaves an audit-clean ledger', async () => {
      const settings = { ...settingsFromEnv(10_000), strict: true };
      const report = await runSimulation(backend, settings);
      expect(report.findings).toEqual([]);
      expect(report.audit).toMatchObject({ ok: true, problems: [] });
      expect(report.stats.send ?? 0).toBeGreaterThan(0);
    }, 400_000);
  });
}
