/**
 * The console page: self-contained apart from uPlot (served by this process), so it
 * works with no network. Polls /api/figures every second; looks actors up on demand.
 */
export const CONSOLE_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Shardkeep console</title>
<link rel="stylesheet" href="/assets/uplot.css">
<style>
  body { font: 14px/1.4 system-ui, sans-serif; margin: 0; background: #f6f7f9; color: #1d2330; }
  header { background: #1d2330; color: #fff; padding: 12px 24px; display: flex; gap: 32px; align-items: baseline; }
  header h1 { font-size: 18px; margin: 0; }
  .now { display: flex; gap: 24px; }
  .now div span { display: block; font-size: 11px; opacity: .7; text-transform: uppercase; }
  .now div b { font-size: 18px; }
  main { padding: 16px 24px; display: grid; grid-template-columns: repeat(auto-fill, minmax(420px, 1fr)); gap: 16px; }
  section { background: #fff; border-radius: 8px; padding: 12px 16px; box-shadow: 0 1px 2px rgba(0,0,0,.08); }
  section h2 { font-size: 14px; margin: 0 0 8px; }
  #lookup { grid-column: 1 / -1; }
  form { display: flex; gap: 8px; margin-bottom: 12px; }
  input, select, button { font: inherit; padding: 4px 8px; }
  pre { background: #f1f3f6; padding: 8px; overflow: auto; max-height: 320px; margin: 0; }
  table { border-collapse: collapse; width: 100%; font-size: 13px; }
  th, td { text-align: left; padding: 3px 6px; border-bottom: 1px solid #e4e7ec; vertical-align: top; }
  td code { font-size: 12px; }
  .error { color: #b42318; }
</style>
</head>
<body>
<header>
  <h1>Shardkeep</h1>
  <div class="now">
    <div><span>commands/s</span><b id="now-throughput">–</b></div>
    <div><span>p50 / p99 ms</span><b id="now-latency">–</b></div>
    <div><span>resident actors</span><b id="now-resident">–</b></div>
    <div><span>projection lag ms</span><b id="now-lag">–</b></div>
    <div><span>trade queue</span><b id="now-queue">–</b></div>
    <div><span>trades completed</span><b id="now-trades">–</b></div>
  </div>
</header>
<main>
  <section><h2>Throughput (commands/s)</h2><div id="chart-throughput"></div></section>
  <section><h2>Latency (ms)</h2><div id="chart-latency"></div></section>
  <section><h2>Resident actors</h2><div id="chart-resident"></div></section>
  <section><h2>Projection lag (ms)</h2><div id="chart-lag"></div></section>
  <section><h2>Trade queue depth</h2><div id="chart-queue"></div></section>
  <section id="lookup">
    <h2>Look up</h2>
    <form id="lookup-form">
      <select id="lookup-category">
        <option value="player">player</option><option value="item">item</option><option value="guild">guild</option>
        <option value="trade">trade</option><option value="auction">auction</option>
      </select>
      <input id="lookup-id" placeholder="id, e.g. sim-p1" required pattern="[A-Za-z0-9_-]{1,64}">
      <button type="submit">Show</button>
    </form>
    <div id="lookup-result"></div>
  </section>
</main>
<script src="/assets/uplot.js"></script>
<script>
const charts = {};
const series = {
  throughput: [['commands/s', 'commandsPerSecond', '#2563eb']],
  latency: [['p50', 'p50Ms', '#16a34a'], ['p99', 'p99Ms', '#dc2626']],
  resident: [['resident', 'residentActors', '#7c3aed']],
  lag: [['lag', 'projectionLagMs', '#ea580c']],
  queue: [['depth', 'tradeQueueDepth', '#0891b2']],
};
function chart(name, samples) {
  const data = [samples.map((s) => s.at / 1000), ...series[name].map(([, field]) => samples.map((s) => s[field]))];
  if (charts[name] === undefined) {
    const target = document.getElementById('chart-' + name);
    charts[name] = new uPlot({ width: target.clientWidth || 400, height: 180, series: [{}, ...series[name].map(([label, , stroke]) => ({ label, stroke, width: 2 }))] }, data, target);
  } else {
    charts[name].setData(data);
  }
}
const fmt = (n) => (n >= 100 ? n.toFixed(0) : n.toFixed(1));
async function refresh() {
  try {
    const { samples } = await (await fetch('/api/figures')).json();
    if (samples.length === 0) return;
    for (const name of Object.keys(series)) chart(name, samples);
    const last = samples[samples.length - 1];
    document.getElementById('now-throughput').textContent = fmt(last.commandsPerSecond);
    document.getElementById('now-latency').textContent = fmt(last.p50Ms) + ' / ' + fmt(last.p99Ms);
    document.getElementById('now-resident').textContent = last.residentActors;
    document.getElementById('now-lag').textContent = fmt(last.projectionLagMs);
    document.getElementById('now-queue').textContent = last.tradeQueueDepth;
    document.getElementById('now-trades').textContent = last.tradesCompleted;
  } catch (error) {
    console.error(error);
  }
}
function cell(text) { const td = document.createElement('td'); td.textContent = text; return td; }
async function lookUp(event) {
  event.preventDefault();
  const category = document.getElementById('lookup-category').value;
  const id = document.getElementById('lookup-id').value;
  const result = document.getElementById('lookup-result');
  result.textContent = 'loading…';
  const response = await fetch('/api/actors/' + category + '/' + encodeURIComponent(id));
  const view = await response.json();
  result.replaceChildren();
  if (!response.ok) {
    const p = document.createElement('p');
    p.className = 'error';
    p.textContent = view.error ?? (category + ' ' + id + ' does not exist');
    result.append(p);
    return;
  }
  const title = document.createElement('h3');
  title.textContent = category + ' ' + id + ' at revision ' + view.revision;
  const state = document.createElement('pre');
  state.id = 'lookup-state';
  state.textContent = JSON.stringify(view.state, null, 2);
  const table = document.createElement('table');
  table.id = 'lookup-events';
  const head = document.createElement('tr');
  for (const name of ['rev', 'event', 'when', 'issuer', 'command', 'correlation', 'data']) { const th = document.createElement('th'); th.textContent = name; head.append(th); }
  table.append(head);
  for (const entry of view.events) {
    const row = document.createElement('tr');
    row.append(cell(entry.revision), cell(entry.type), cell(entry.occurredAt), cell(entry.issuer ?? ''), cell(entry.commandId ?? ''), cell(entry.correlationId), cell(JSON.stringify(entry.data)));
    table.append(row);
  }
  const history = document.createElement('h3');
  history.textContent = category === 'item' ? 'Provenance (latest ' + view.events.length + ' events)' : 'Latest events';
  result.append(title, state, history, table);
}
document.getElementById('lookup-form').addEventListener('submit', lookUp);
refresh();
setInterval(refresh, 1000);
</script>
</body>
</html>
`;
