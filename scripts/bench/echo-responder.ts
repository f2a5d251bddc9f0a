import { pathToFileURL } from 'node:url';
import { encodeReply, success } from '../../actors/runtime/protocol/reply.js';
import { connectNats, createNatsRequestBus } from '../../infra/nats/index.js';

/**
 * The responder of the client benchmark, run in its own process so that its CPU is not
 * charged to the requesters being compared. It answers every request with one fixed,
 * pre-encoded success reply: as cheap as echoing the payload back, and a reply the typed
 * client can decode (an echoed envelope would decode as INTERNAL, a slower error path).
 *
 * Protocol with the parent (IPC): sends 'ready' once serving; exits on 'stop' or disconnect.
 */
export const BENCH_SUBJECTS = 'mmo.cmd.>';
export const BENCH_REPLY = encodeReply(success(1n, ['BenchPinged']));

const serve = async (url: string): Promise<void> => {
  const nc = await connectNats({ servers: url, name: 'bench-responder' });
  await createNatsRequestBus(nc).serve(BENCH_SUBJECTS, 'bench', (request) => request.respond(BENCH_REPLY));
  const stop = async (): Promise<void> => {
    await nc.drain();
    process.exit(0);
  };
  process.on('message', (message) => {
    if (message === 'stop') void stop();
  });
  process.on('disconnect', () => void stop());
  process.send?.('ready');
};

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const url = process.argv[2];
  if (url === undefined) throw new Error('usage: echo-responder.ts <nats-url>');
  await serve(url);
}
