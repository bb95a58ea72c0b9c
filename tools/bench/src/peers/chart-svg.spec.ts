import { compactNumber, renderBarChart } from './chart-svg.js';

/** The width of every bar, in drawing order. */
const barWidths = (svg: string) =>
  [...svg.matchAll(/<rect class="bar" [^>]*width="([\d.]+)"/g)].map((m) => Number(m[1]));

describe('renderBarChart', () => {
  const chart = {
    title: 'Produce & consume',
    unit: 'records/s',
    series: ['produce', 'consume'],
    groups: [
      { label: 'disk <floor>', values: [10_000_000, undefined] },
      { label: 'broker', values: [100_000, 1_000_000] },
      { label: 'absent', values: [undefined, undefined] },
      { label: 'floor', values: [5_000_000, undefined], missing: 'not <measured>' },
    ],
  };
  const svg = renderBarChart(chart);

  it("is one SVG document with a bar per present value and its group's text (`not run` by default) for each missing one", () => {
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.split('\n')[1]).toBe('<title>Produce &amp; consume</title>');
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    expect(barWidths(svg)).toHaveLength(4);
    expect(svg.match(/>not run</g)).toHaveLength(3);
    expect(svg.match(/>not &lt;measured&gt;</g)).toHaveLength(1);
  });

  it('draws on a log axis: each tenfold is the same extra length', () => {
    const [disk, broker, brokerConsume] = barWidths(svg) as [number, number, number];
    expect(disk).toBeGreaterThan(brokerConsume);
    expect(brokerConsume).toBeGreaterThan(broker);
    expect(disk - brokerConsume).toBeCloseTo(brokerConsume - broker, 0);
  });

  it('labels the axis at every power of ten the values span, and each bar with its value', () => {
    for (const tick of ['10k', '100k', '1M', '10M']) expect(svg).toContain(`>${tick}</text>`);
    expect(svg).toContain('records/s (log scale)');
  });

  it('writes each value at the end of its bar', () => {
    const one = renderBarChart({ ...chart, groups: [{ label: 'b', values: [123_456, 7_890] }] });
    expect(one).toContain('>123k</text>');
    expect(one).toContain('>7.89k</text>');
  });

  it('escapes labels and titles', () => {
    expect(svg).toContain('Produce &amp; consume');
    expect(svg).toContain('disk &lt;floor&gt;');
    expect(svg).not.toContain('<floor>');
  });

  it('refuses values a log axis cannot draw and groups whose values do not match the series', () => {
    expect(() => renderBarChart({ ...chart, groups: [{ label: 'zero', values: [0, 1] }] })).toThrow(
      "group 'zero' has value 0; a log axis needs positive finite values",
    );
    expect(() => renderBarChart({ ...chart, groups: [{ label: 'short', values: [1] }] })).toThrow(
      "group 'short' has 1 values for 2 series",
    );
  });
});

describe('compactNumber', () => {
  it.each([
    [1500, '1.5k'],
    [2_000_000, '2M'],
    [123_456, '123k'],
    [0.25, '0.25'],
    [12.345, '12.3'],
    [3e9, '3G'],
  ])('writes %d as %s', (value, text) => {
    expect(compactNumber(value)).toBe(text);
  });
});
