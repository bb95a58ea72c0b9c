import type { GroupDetail, GroupSummary } from '../groups/groups-service.js';
import { type Html, html } from './html.js';

const count = (n: number) => n.toLocaleString('en-US');
const groupHref = (id: string) => `/groups/${encodeURIComponent(id)}`;

/** The groups list: total lag per group, the first of the two clicks to "which partition, how much". */
export function groupsTable(groups: readonly GroupSummary[]): Html {
  if (groups.length === 0) return html`<p class="empty">No consumer groups.</p>`;
  return html`<table><thead><tr><th>Group</th><th>State</th><th>Members</th><th>Topics</th><th>Total lag</th><th>Partitions behind</th></tr></thead><tbody>
${[...groups]
  .sort((a, b) => b.totalLag - a.totalLag || a.groupId.localeCompare(b.groupId))
  .map(
    (g) =>
      html`<tr data-group="${g.groupId}"><td><a href="${groupHref(g.groupId)}">${g.groupId}</a></td><td>${g.state}</td><td>${g.members}</td><td>${g.topics.join(', ')}</td><td class="lag ${g.totalLag > 0 ? 'bad' : ''}">${count(g.totalLag)}</td><td>${g.partitionsBehind}</td></tr>`,
  )}
</tbody></table>`;
}

/** The second click: per partition committed offset, end offset and lag, and who reads it. */
export function groupDetailView(group: GroupDetail): Html {
  return html`<div class="stats">
  <div class="stat"><span>State</span><b>${group.state}</b></div>
  <div class="stat"><span>Members</span><b>${group.members}</b></div>
  <div class="stat"><span>Assignor</span><b>${group.protocol || '-'}</b></div>
  <div class="stat ${group.totalLag > 0 ? 'bad' : ''}"><span>Total lag</span><b class="total-lag">${count(group.totalLag)}</b></div>
</div>
<h2>Lag per partition</h2>
${
  group.offsets.length === 0
    ? html`<p class="empty">No committed offsets.</p>`
    : html`<table class="offsets"><thead><tr><th>Topic</th><th>Partition</th><th>Committed offset</th><th>End offset</th><th>Lag</th><th>Member</th></tr></thead><tbody>
${[...group.offsets]
  .sort((a, b) => (b.lag ?? 0) - (a.lag ?? 0) || a.topic.localeCompare(b.topic) || a.partition - b.partition)
  .map(
    (p) =>
      html`<tr data-partition="${p.topic}/${p.partition}"><td>${p.topic}</td><td>${p.partition}</td><td>${p.committed ?? '-'}</td><td title="${p.end === null ? 'the topic no longer exists; the group still holds its offsets' : ''}">${p.end ?? '-'}</td><td class="lag ${(p.lag ?? 0) > 0 ? 'bad' : ''}">${p.lag === null ? '-' : count(p.lag)}</td><td>${p.memberId ?? '-'}</td></tr>`,
  )}
</tbody></table>`
}
<h2>Members</h2>
${
  group.memberList.length === 0
    ? html`<p class="empty">No members: the group's offsets may be reset.</p>`
    : html`<table><thead><tr><th>Member</th><th>Client id</th><th>Host</th><th>Assigned partitions</th></tr></thead><tbody>
${group.memberList.map(
  (m) =>
    html`<tr><td>${m.memberId}${m.groupInstanceId && html` <span class="badge">${m.groupInstanceId}</span>`}</td><td>${m.clientId}</td><td>${m.clientHost}</td><td>${m.assignment.map((a) => `${a.topic} [${a.partitions.join(', ')}]`).join('; ')}</td></tr>`,
)}
</tbody></table>`
}`;
}

/**
 * The uPlot chart of sampled lag: one group's from /api/groups/:id/lag-history, or every group's
 * (groupId '') from /api/lag-history; the script draws and updates it.
 */
export function lagChart(groupId: string): Html {
  return html`<h2>${groupId === '' ? 'Total lag per group' : 'Lag'} over the last minutes</h2>
<div class="chart" data-lag-chart="${groupId}"><p class="empty">Collecting samples…</p></div>`;
}

export function resetForm(group: GroupDetail): Html {
  return html`<details class="action"><summary>Reset offsets</summary>
<form data-api="POST /api/groups/${encodeURIComponent(group.groupId)}/reset-offsets" data-dry-run>
  <p>Only while the group has no members (its consumers stopped). A dry run shows the new offsets first.</p>
  <label>Topic <select name="topic"><option value="">every topic it committed</option>${group.topics.map((t) => html`<option>${t}</option>`)}</select></label>
  <label>To <select name="to"><option value="earliest">earliest</option><option value="latest">latest</option><option value="timestamp">a time</option><option value="offset">an offset</option></select></label>
  <label>Time <input name="timestamp" data-time placeholder="2026-12-01T10:00:00Z"></label>
  <label>Offset <input name="offset" inputmode="numeric"></label>
  <button type="submit" name="dryRun" value="true">Dry run</button>
  <button type="submit" name="dryRun" value="false" class="danger" disabled>Reset offsets</button>
  <output></output>
</form></details>`;
}
