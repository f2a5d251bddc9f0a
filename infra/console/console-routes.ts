import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { ActorType } from '../../actors/runtime/actor-definition.js';
import type { EventStore } from '../../events/store/index.js';
import type { Route } from '../http/http-server.js';
import { CONSOLE_PAGE } from './console-page.js';
import type { FiguresHistory } from './figures-history.js';
import { lookUpActor } from './lookups.js';

/**
 * The web console: one page (charts of the live figures, and a lookup of any player,
 * guild, item, trade or auction with its state and latest events), the uPlot assets it
 * draws with, and the JSON it reads.
 */
const require = createRequire(import.meta.url);
const asset = (path: string): string => readFileSync(require.resolve(path), 'utf8');

const json = (body: unknown, status = 200) => ({ status, type: 'application/json; charset=utf-8', body: JSON.stringify(body) });
const ID = /^[A-Za-z0-9_-]{1,64}$/;

export const consoleRoutes = (options: { readonly store: EventStore; readonly actors: readonly ActorType[]; readonly history: FiguresHistory }): Route[] => {
  const uplotScript = asset('uplot/dist/uPlot.iife.min.js');
  const uplotStyle = asset('uplot/dist/uPlot.min.css');
  const types = new Map(options.actors.map((type) => [type.category, type]));
  return [
    (_request, url) => (url.pathname === '/' ? Promise.resolve({ status: 200, type: 'text/html; charset=utf-8', body: CONSOLE_PAGE }) : undefined),
    (_request, url) => (url.pathname === '/assets/uplot.js' ? Promise.resolve({ status: 200, type: 'text/javascript; charset=utf-8', body: uplotScript }) : undefined),
    (_request, url) => (url.pathname === '/assets/uplot.css' ? Promise.resolve({ status: 200, type: 'text/css; charset=utf-8', body: uplotStyle }) : undefined),
    (_request, url) => (url.pathname === '/api/figures' ? Promise.resolve(json({ samples: options.history.samples() })) : undefined),
    (_request, url) => {
      const match = /^\/api\/actors\/([a-z]+)\/([^/]+)$/.exec(url.pathname);
      if (match === null) return undefined;
      const [, category = '', id = ''] = match;
      const type = types.get(category);
      if (type === undefined) return Promise.resolve(json({ error: `no actor category ${category}` }, 404));
      if (!ID.test(id)) return Promise.resolve(json({ error: 'ids are 1 to 64 of A-Z a-z 0-9 _ -' }, 400));
      return lookUpActor(options.store, type, id).then((view) => json(view, view.exists ? 200 : 404));
    },
  ];
};
