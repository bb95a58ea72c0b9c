// The console's only script, served as it is (no build step). It does four things:
// refreshes the page's [data-live] regions every few seconds, filters table rows as one types,
// sends the action forms ([data-api]) to the JSON API and shows their answer in place, and draws
// each [data-lag-chart] with uPlot from /api/groups/:id/lag-history.

const REFRESH_MS = 3000;
const statusLine = () => document.getElementById('live-status');

function setStatus(text, failed) {
  const line = statusLine();
  if (!line) return;
  line.textContent = text;
  line.classList.toggle('bad', failed);
}

// --- live regions: the page fetched again, its [data-live] regions swapped in by id ---
async function refreshLive() {
  const regions = document.querySelectorAll('[data-live]');
  if (regions.length === 0 || document.visibilityState === 'hidden') return;
  try {
    const response = await fetch(location.href, { headers: { accept: 'text/html' } });
    const fresh = new DOMParser().parseFromString(await response.text(), 'text/html');
    for (const region of regions) {
      const next = fresh.getElementById(region.id);
      if (next && next.innerHTML !== region.innerHTML) region.innerHTML = next.innerHTML;
    }
    applyRowFilters();
    setStatus(`updated ${new Date().toLocaleTimeString()}`, false);
  } catch (error) {
    setStatus(`the console cannot be reached (${error.message}); retrying`, true);
  }
}

// --- row filters: input[data-filter-rows="#region"] hides rows whose data-name lacks the text ---
function applyRowFilters() {
  for (const input of document.querySelectorAll('input[data-filter-rows]')) {
    const needle = input.value.trim().toLowerCase();
    for (const row of document.querySelectorAll(`${input.dataset.filterRows} tr[data-name]`)) {
      row.hidden = needle !== '' && !row.dataset.name.toLowerCase().includes(needle);
    }
  }
}

function watchRowFilters() {
  for (const input of document.querySelectorAll('input[data-filter-rows]')) {
    input.addEventListener('input', () => {
      const url = new URL(location.href);
      if (input.value.trim() === '') url.searchParams.delete(input.name);
      else url.searchParams.set(input.name, input.value.trim());
      history.replaceState(null, '', url);
      applyRowFilters();
    });
  }
}

// --- action forms: <form data-api="METHOD /api/..."> sent as JSON ---
function kv(text) {
  const out = {};
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const at = line.indexOf('=');
    if (at < 1) throw new Error(`'${line}' is not name=value`);
    out[line.slice(0, at).trim()] = line.slice(at + 1).trim();
  }
  return out;
}

function formBody(form, submitter) {
  const body = {};
  for (const field of form.elements) {
    if (!field.name || field.name === 'confirm' || field.tagName === 'BUTTON') continue;
    const value = field.value;
    if (field.hasAttribute('data-kv')) body[field.name] = kv(value);
    else if (field.name === 'value') body.value = value;
    else if (value.trim() === '') continue;
    else if (field.type === 'number' || field.hasAttribute('data-number')) body[field.name] = Number(value);
    else if (field.hasAttribute('data-time'))
      body[field.name] = /^\d+$/.test(value.trim()) ? Number(value) : Date.parse(value);
    else body[field.name] = value.trim();
  }
  if (submitter?.name === 'dryRun') body.dryRun = submitter.value === 'true';
  return body;
}

function planTable(plan) {
  const rows = plan.partitions
    .map(
      (p) =>
        `<tr><td>${escapeHtml(p.topic)}</td><td>${p.partition}</td><td>${p.current ?? '-'}</td><td>${p.target}</td></tr>`,
    )
    .join('');
  return `<p>${plan.dryRun ? 'Dry run: nothing changed yet. These offsets would be committed:' : 'Offsets reset to:'}</p>
<table class="plan"><thead><tr><th>Topic</th><th>Partition</th><th>Committed now</th><th>New offset</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

async function submitAction(event) {
  const form = event.target;
  event.preventDefault();
  const output = form.querySelector('output');
  const [method, url] = form.dataset.api.split(' ');
  output.className = '';
  try {
    if (form.dataset.confirm !== undefined && form.elements.confirm.value !== form.dataset.confirm) {
      throw new Error(`type '${form.dataset.confirm}' to confirm`);
    }
    const body = formBody(form, event.submitter);
    output.textContent = 'Working…';
    const response = await fetch(url, {
      method,
      headers: { 'content-type': 'application/json' },
      body: method === 'DELETE' ? undefined : JSON.stringify(body),
    });
    const answer = response.status === 204 ? null : await response.json();
    if (!response.ok) {
      const message = Array.isArray(answer?.message) ? answer.message.join('; ') : answer?.message;
      throw new Error(message ?? `${response.status} ${response.statusText}`);
    }
    if (form.hasAttribute('data-dry-run')) {
      output.innerHTML = planTable(answer);
      const apply = form.querySelector('button[value="false"]');
      apply.disabled = !answer.dryRun;
      if (!answer.dryRun) refreshLive();
      return;
    }
    const then = form.dataset.then;
    if (then === 'reload') location.reload();
    else if (then) location.href = then;
    else output.textContent = 'Done.';
  } catch (error) {
    output.className = 'error';
    output.textContent = error.message;
  }
}

// --- lag charts: one group's ([data-lag-chart="id"]) or every group's ([data-lag-chart=""]) ---
const COLORS = ['#c2410c', '#1d4ed8', '#15803d', '#7e22ce', '#b45309', '#0e7490', '#be123c', '#4d7c0f'];

async function lagTable(groupId) {
  if (groupId === '') return (await fetch('/api/lag-history')).json();
  const { samples } = await (await fetch(`/api/groups/${encodeURIComponent(groupId)}/lag-history`)).json();
  return { times: samples.map((s) => s.time), series: [{ groupId, lags: samples.map((s) => s.lag) }] };
}

function drawLagChart(container) {
  const groupId = container.dataset.lagChart;
  let chart;
  let names = '';
  const draw = async () => {
    try {
      const { times, series } = await lagTable(groupId);
      if (times.length === 0 || typeof uPlot === 'undefined') return;
      const data = [times.map((t) => t / 1000), ...series.map((s) => s.lags)];
      // A group that appears or goes away changes the series: the chart is made again.
      const seriesNames = series.map((s) => s.groupId).join('\n');
      if (chart && seriesNames === names) chart.setData(data);
      else {
        chart?.destroy();
        container.textContent = '';
        names = seriesNames;
        chart = new uPlot(
          {
            width: Math.max(container.clientWidth - 16, 300),
            height: 220,
            scales: { y: { range: (_u, _min, max) => [0, Math.max(1, max * 1.1)] } },
            series: [
              {},
              ...series.map((s, i) => ({
                label: s.groupId,
                stroke: COLORS[i % COLORS.length],
                width: 2,
                spanGaps: false,
              })),
            ],
            axes: [{}, { label: 'records behind' }],
          },
          data,
          container,
        );
        container.dataset.ready = 'true';
      }
      const last = series[0]?.lags.at(-1);
      if (groupId !== '' && last !== undefined) container.dataset.lastLag = String(last);
    } catch (error) {
      setStatus(`lag history unavailable (${error.message})`, true);
    }
  };
  draw();
  setInterval(draw, REFRESH_MS);
}

document.addEventListener('DOMContentLoaded', () => {
  for (const form of document.querySelectorAll('form[data-api]'))
    form.addEventListener('submit', submitAction);
  watchRowFilters();
  applyRowFilters();
  for (const chart of document.querySelectorAll('[data-lag-chart]')) drawLagChart(chart);
  setInterval(refreshLive, REFRESH_MS);
});
