import { type Html, html } from './html.js';

export interface PageOptions {
  readonly title: string;
  /** Which item of the navigation is this page's. */
  readonly section: 'overview' | 'topics' | 'groups';
  readonly readOnly: boolean;
  /** Extra scripts (uPlot on the group pages). */
  readonly chart?: boolean;
}

/**
 * The frame of every page. Regions marked `data-live` are refreshed by /assets/console.js, which
 * fetches the page again every few seconds and swaps those regions in, so lists and lag move
 * without a reload; everything else (forms, browse results) stays as the user left it.
 */
export function layout(options: PageOptions, body: Html): string {
  const nav = (section: PageOptions['section'], href: string, label: string) =>
    html`<a href="${href}" class="${options.section === section ? 'active' : ''}">${label}</a>`;
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${options.title} · Runnel console</title>
<link rel="stylesheet" href="/assets/console.css">
${options.chart && html`<link rel="stylesheet" href="/assets/uplot/uPlot.min.css"><script src="/assets/uplot/uPlot.iife.min.js"></script>`}
<script src="/assets/console.js" defer></script>
</head>
<body>
<header>
  <strong>Runnel console</strong>
  <nav>${nav('overview', '/', 'Overview')}${nav('topics', '/topics', 'Topics')}${nav('groups', '/groups', 'Consumer groups')}</nav>
  ${options.readOnly && html`<span class="badge">read-only</span>`}
  <span id="live-status" class="live-status" role="status"></span>
</header>
<main>
<h1>${options.title}</h1>
${body}
</main>
</body>
</html>
`.text;
}

/** An error where the data would have been: the page around it stays usable. */
export function errorBox(message: string): Html {
  return html`<div class="error" role="alert">${message}</div>`;
}

export function errorPage(status: number, message: string): string {
  return layout(
    { title: `Error ${status}`, section: 'overview', readOnly: false },
    html`${errorBox(message)}<p><a href="/">Back to the overview</a></p>`,
  );
}
