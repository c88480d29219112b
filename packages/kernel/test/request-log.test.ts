import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpApp } from '../src/http/app.ts';
import { SLOW_REQUEST_MS } from '../src/http/request-log.ts';

type Line = { level: number; msg: string; status?: number; url?: string; reqId?: string };

/** The request log's level policy, read from the JSON lines the app writes. */
describe('request log', () => {
  let app: FastifyInstance;
  afterEach(() => app?.close());

  async function linesAt(logLevel: 'info' | 'debug', requests: string[]): Promise<Line[]> {
    const lines: Line[] = [];
    const logStream = new Writable({
      write(chunk, _encoding, done) {
        lines.push(JSON.parse(String(chunk)) as Line);
        done();
      },
    });
    app = createHttpApp({ logLevel, bodyLimit: 1024, trustProxy: false, logStream });
    app.get('/ok', async () => ({ ok: true }));
    app.get('/boom', async () => {
      throw new Error('kaput');
    });
    app.get('/slow', async () => {
      await new Promise((resolve) => setTimeout(resolve, SLOW_REQUEST_MS + 50));
      return { ok: true };
    });
    for (const url of requests) await app.inject({ method: 'GET', url });
    return lines.filter((l) => l.msg === 'request completed' || l.msg === 'request errored');
  }

  it('logs failures, client errors and slow requests at info, and successful requests only at debug', async () => {
    const info = await linesAt('info', ['/ok', '/missing', '/boom', '/slow']);
    expect(info.map((l) => [l.url, l.status, l.level])).toEqual([
      ['/missing', 404, 30],
      ['/boom', 500, 50],
      ['/slow', 200, 40],
    ]);
    expect(info.every((l) => typeof l.reqId === 'string')).toBe(true);
    await app.close();
    const debug = await linesAt('debug', ['/ok']);
    expect(debug.map((l) => [l.url, l.status, l.level])).toEqual([['/ok', 200, 20]]);
  });
});
