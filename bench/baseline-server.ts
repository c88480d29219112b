import Fastify from 'fastify';

/** The baseline: the smallest Fastify 5 server there is. Started by bench/run.ts as a child process. */
const port = Number(process.env.PORT ?? 3000);
const host = process.env.HOST ?? '127.0.0.1';

const app = Fastify({ logger: false });
app.get('/', async () => ({ hello: 'world' }));
// The page baseline of bench/widgets.ts: the smallest page whose content an inline script renders.
app.get('/page', async (_request, reply) =>
  reply
    .type('text/html; charset=utf-8')
    .send(
      '<!doctype html><meta charset="utf-8"><title>baseline</title><main id="app"></main>' +
        '<script>document.getElementById("app").textContent = "Hello, fans";</script>',
    ),
);

await app.listen({ port, host });

const stop = () => {
  app.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
