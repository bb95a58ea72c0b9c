import type { ClusterOverview, TopicDetail, TopicSummary } from '../cluster/topics-service.js';
import { errorAnswer } from '../console-errors.js';
import type { BrowseQuery, BrowseResult } from '../messages/message-browser.js';
import type { ShownBytes } from '../messages/message-format.js';
import { formatBytes } from './byte-size.js';
import { type Html, html } from './html.js';
import { errorBox } from './layout.js';

/** What a page asked of the cluster: the answer, or the error to show in its place. */
export type Settled<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: unknown };

export function settle<T>(work: Promise<T>): Promise<Settled<T>> {
  return work.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
}

/** A region of a page: the data, or the error that took its place. */
export function region<T>(id: string, settled: Settled<T>, render: (value: T) => Html): Html {
  const inner = settled.ok ? render(settled.value) : errorBox(errorAnswer(settled.error).message);
  return html`<section id="${id}">${inner}</section>`;
}

/** A region the script refreshes in place every few seconds. */
export function live<T>(id: string, settled: Settled<T>, render: (value: T) => Html): Html {
  const inner = settled.ok ? render(settled.value) : errorBox(errorAnswer(settled.error).message);
  return html`<section id="${id}" data-live>${inner}</section>`;
}

const count = (n: number) => n.toLocaleString('en-US');
const warn = (n: number) => html`<td class="${n > 0 ? 'bad' : ''}">${count(n)}</td>`;
const topicHref = (name: string) => `/topics/${encodeURIComponent(name)}`;
/** A size cell: readable units, the exact bytes on hover. */
const sizeCell = (bytes: number | null) =>
  html`<td title="${bytes === null ? 'the cluster does not serve DescribeLogDirs' : `${count(bytes)} bytes on disk, all replicas`}">${formatBytes(bytes)}</td>`;

export function overviewView(o: ClusterOverview): Html {
  const stat = (label: string, value: Html | string | number, bad = false, title = '') =>
    html`<div class="stat ${bad ? 'bad' : ''}" title="${title}"><span>${label}</span><b>${value}</b></div>`;
  return html`<div class="stats">
  ${stat('Cluster id', o.clusterId ?? 'unknown')}
  ${stat('Controller', o.controller === null ? 'none' : `broker ${o.controller}`, o.controller === null)}
  ${stat('Brokers', o.brokers.length)}
  ${stat('Topics', count(o.topics))}
  ${stat('Partitions', count(o.partitions))}
  ${stat('Messages', count(o.messages))}
  ${stat('Under-replicated partitions', o.underReplicated, o.underReplicated > 0)}
  ${stat('Offline partitions', o.offline, o.offline > 0)}
  ${stat('Size on disk', formatBytes(o.size), false, o.size === null ? 'the cluster does not serve DescribeLogDirs' : `${count(o.size)} bytes, all replicas`)}
</div>
<h2>Brokers</h2>
<table><thead><tr><th>Node id</th><th>Host</th><th>Port</th><th>Rack</th><th>Role</th></tr></thead><tbody>
${o.brokers.map(
  (b) =>
    html`<tr><td>${b.nodeId}</td><td>${b.host}</td><td>${b.port}</td><td>${b.rack ?? '-'}</td><td>${b.nodeId === o.controller ? 'controller' : ''}</td></tr>`,
)}
</tbody></table>`;
}

export function topicsTable(topics: readonly TopicSummary[]): Html {
  if (topics.length === 0) return html`<p class="empty">No topics match.</p>`;
  return html`<table class="filterable"><thead><tr><th>Topic</th><th>Partitions</th><th>Replication factor</th><th>Messages</th><th>Size</th><th>Under-replicated</th><th>Offline</th></tr></thead><tbody>
${topics.map(
  (t) =>
    html`<tr data-name="${t.name}"><td><a href="${topicHref(t.name)}">${t.name}</a>${t.internal && html` <span class="badge">internal</span>`}</td><td>${t.partitions}</td><td>${t.replicationFactor}</td><td>${count(t.messages)}</td>${sizeCell(t.size)}${warn(t.underReplicated)}${warn(t.offline)}</tr>`,
)}
</tbody></table>`;
}

export function createTopicForm(): Html {
  return html`<details class="action"><summary>Create a topic</summary>
<form data-api="POST /api/topics" data-then="reload">
  <label>Name <input name="name" required pattern="[a-zA-Z0-9._\\-]{1,249}"></label>
  <label>Partitions <input name="partitions" type="number" min="1" value="3" required></label>
  <label>Replication factor <input name="replicationFactor" type="number" min="1" value="1" required></label>
  <label class="wide">Configs (name=value, one a line)<textarea name="configs" data-kv rows="3" placeholder="retention.ms=86400000"></textarea></label>
  <button type="submit">Create topic</button>
  <output></output>
</form></details>`;
}

export function partitionsTable(topic: TopicDetail): Html {
  return html`<p>${topic.partitions} partitions, replication factor ${topic.replicationFactor}, ${count(topic.messages)} messages, ${formatBytes(topic.size)} on disk.</p>
<table><thead><tr><th>Partition</th><th>Leader</th><th>Replicas</th><th>ISR</th><th>Earliest offset</th><th>Latest offset</th><th>Messages</th><th>Size</th></tr></thead><tbody>
${topic.partitionList.map(
  (p) =>
    html`<tr><td>${p.partition}</td><td class="${p.leader < 0 ? 'bad' : ''}">${p.leader < 0 ? 'none' : p.leader}</td><td>${p.replicas.join(', ')}</td><td class="${p.isr.length < p.replicas.length ? 'bad' : ''}">${p.isr.join(', ')}</td><td>${p.earliestOffset}</td><td>${p.latestOffset}</td><td>${count(p.messages)}</td>${sizeCell(p.size)}</tr>`,
)}
</tbody></table>`;
}

export function configsTable(topic: TopicDetail): Html {
  return html`<table><thead><tr><th>Config</th><th>Value</th><th>Source</th></tr></thead><tbody>
${topic.configs.map(
  (c) =>
    html`<tr class="${c.source === 'TOPIC_CONFIG' ? 'set' : ''}"><td>${c.name}</td><td>${c.sensitive ? '(sensitive)' : (c.value ?? '')}</td><td>${c.source}</td></tr>`,
)}
</tbody></table>`;
}

function bytes(shown: ShownBytes | null): Html {
  if (shown === null) return html`<span class="null">null</span>`;
  if (shown.kind === 'binary')
    return html`<pre class="hex" title="${shown.size} bytes, shown as hex">${shown.hex}</pre>`;
  return html`<pre class="${shown.kind}">${shown.text}</pre>`;
}

export function browseForm(topic: TopicDetail, query: Partial<Record<string, string>>): Html {
  const option = (value: string, label: string, current: string | undefined) =>
    html`<option value="${value}" ${value === (current ?? '') ? html`selected` : ''}>${label}</option>`;
  return html`<form method="get" class="browse">
  <label>From <select name="from">${option('latest', 'the end (newest)', query.from ?? 'latest')}${option('earliest', 'the beginning', query.from)}${option('offset', 'an offset', query.from)}${option('timestamp', 'a time', query.from)}</select></label>
  <label>Offset <input name="offset" value="${query.offset ?? ''}" inputmode="numeric" size="8"></label>
  <label>Time <input name="timestamp" value="${query.timestamp ?? ''}" placeholder="2026-12-01T10:00:00Z" size="20"></label>
  <label>Partition <select name="partition">${option('', 'all', query.partition)}${topic.partitionList.map((p) => option(String(p.partition), String(p.partition), query.partition))}</select></label>
  <label>Limit <input name="limit" type="number" min="1" max="500" value="${query.limit ?? '50'}"></label>
  <label>Filter <input name="filter" value="${query.filter ?? ''}" placeholder="text in key, value or headers"></label>
  <button type="submit">Show</button>
</form>`;
}

export function messagesTable(query: BrowseQuery, result: BrowseResult): Html {
  const note = html`<p class="note">${result.messages.length} messages${query.filter ? ` matching '${query.filter}' of ${result.scanned} read` : ''}${result.complete ? '' : ' (stopped after 3 s: the read did not reach the end of every partition)'}.</p>`;
  if (result.messages.length === 0) return html`${note}<p class="empty">No messages here.</p>`;
  return html`${note}<table class="messages"><thead><tr><th>Partition</th><th>Offset</th><th>Timestamp</th><th>Key</th><th>Value</th><th>Headers</th></tr></thead><tbody>
${result.messages.map(
  (m) =>
    html`<tr data-offset="${m.offset}"><td>${m.partition}</td><td>${m.offset}</td><td><time datetime="${new Date(m.timestamp).toISOString()}">${new Date(m.timestamp).toISOString().replace('T', ' ').replace('Z', '')}</time></td><td>${bytes(m.key)}</td><td>${bytes(m.value)}</td><td class="headers">${m.headers.map((hd) => html`<div><b>${hd.key}</b>: ${bytes(hd.value)}</div>`)}</td></tr>`,
)}
</tbody></table>`;
}

export function produceForm(topic: TopicDetail): Html {
  return html`<details class="action"><summary>Produce a message</summary>
<form data-api="POST /api/topics/${encodeURIComponent(topic.name)}/messages" data-then="reload">
  <label>Key <input name="key" placeholder="none"></label>
  <label>Partition <select name="partition" data-number><option value="">by the partitioner</option>${topic.partitionList.map((p) => html`<option>${p.partition}</option>`)}</select></label>
  <label class="wide">Value <textarea name="value" rows="3"></textarea></label>
  <label class="wide">Headers (name=value, one a line)<textarea name="headers" data-kv rows="2"></textarea></label>
  <button type="submit">Produce</button>
  <output></output>
</form></details>`;
}

export function deleteTopicForm(name: string): Html {
  return html`<details class="action danger"><summary>Delete this topic</summary>
<form data-api="DELETE /api/topics/${encodeURIComponent(name)}" data-confirm="${name}" data-then="/topics">
  <p>Deleting removes every partition and record of <b>${name}</b>. Type the topic name to confirm.</p>
  <label>Topic name <input name="confirm" autocomplete="off" required></label>
  <button type="submit" class="danger">Delete topic</button>
  <output></output>
</form></details>`;
}
