import { html } from './html.js';

describe('html', () => {
  it('escapes what it interpolates, but not markup it made, and joins arrays', () => {
    const name = '<script>alert("x")</script>';
    const row = html`<td>${name}</td>`;
    expect(html`<tr>${row}</tr>${[html`<i>${'a&b'}</i>`, "'"]}${null}${false}${0}`.text).toBe(
      '<tr><td>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</td></tr><i>a&amp;b</i>&#39;0',
    );
  });
});
