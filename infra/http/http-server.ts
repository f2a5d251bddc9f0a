import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

/**
 * The process's own HTTP endpoint: `/metrics` for Prometheus and the web console. Bound
 * to loopback by default: it answers questions about players and items, so it is an
 * operator's tool, not a public one.
 */
export type Route = (request: IncomingMessage, url: URL) => Promise<{ readonly status: number; readonly type: string; readonly body: string }> | undefined;

export interface HttpServer {
  readonly port: number;
  close(): Promise<void>;
}

const answer = (response: ServerResponse, status: number, type: string, body: string): void => {
  response.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
  response.end(body);
};

export const startHttpServer = async (options: { readonly host: string; readonly port: number; readonly routes: readonly Route[]; readonly onError: (error: unknown, context: string) => void }): Promise<HttpServer> => {
  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (request.method !== 'GET') return answer(response, 405, 'text/plain', 'only GET\n');
    for (const route of options.routes) {
      const handled = route(request, url);
      if (handled === undefined) continue;
      handled.then(
        ({ status, type, body }) => answer(response, status, type, body),
        (error: unknown) => {
          options.onError(error, `GET ${url.pathname}`);
          answer(response, 500, 'text/plain', 'internal error\n');
        },
      );
      return;
    }
    answer(response, 404, 'text/plain', 'not found\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : options.port;
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};

/** GET /metrics in the Prometheus text format. */
export const metricsRoute =
  (render: () => Promise<string>): Route =>
  (_request, url) =>
    url.pathname === '/metrics' ? render().then((body) => ({ status: 200, type: 'text/plain; version=0.0.4; charset=utf-8', body })) : undefined;
