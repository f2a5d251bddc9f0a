import { encodeReply, success } from '../../actors/runtime/protocol/reply.js';
import { createCommandClient } from '../../infra/client/index.js';
const reply = encodeReply(success(1n, ['BenchPinged']));
const transport = { request: () => Promise.resolve(reply), close: async () => {} };
const client = createCommandClient({ transport, issuer: { kind: 'server', id: 'bench' } });
const N = 3_000_000;
const t = performance.now();
for (let i = 0; i < N; i++) await client.send({ category: 'bench', actorId: 'actor12', command: 'ping', data: { n: 1 } });
console.log(((performance.now() - t) * 1000 / N).toFixed(3));
