/**
 * A horizontal grouped bar chart as a standalone SVG document, written by hand (no dependency):
 * one group of bars per row, one bar per series, on a logarithmic axis because the rows span
 * orders of magnitude (an in-memory broker, a disk loop, a JavaScript broker). Each bar is
 * labelled with its value; a missing value is written out (`not run`) where its bar would be.
 */
export interface BarChart {
  title: string;
  /** Axis unit, e.g. `records/s`. */
  unit: string;
  /** Names of the bars in every group, in drawing order (the legend). */
  series: readonly string[];
  /**
   * One per row; `values[i]` belongs to `series[i]`, undefined when not measured, which is then
   * written as `missing` (default `not run`) where the bar would be.
   */
  groups: readonly { label: string; values: readonly (number | undefined)[]; missing?: string }[];
}

const WIDTH = 900;
const LABEL_WIDTH = 300;
const RIGHT_MARGIN = 90;
const TOP = 64;
const BAR_HEIGHT = 14;
const GROUP_GAP = 12;
const AXIS_HEIGHT = 36;
const COLOURS = ['#4c78a8', '#f58518', '#54a24b', '#b279a2'];

const escapeXml = (text: string): string =>
  text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');

/** 1500 as `1.5k`, 2e6 as `2M`, 0.25 as `0.25`: short enough for a bar's end. */
export function compactNumber(value: number): string {
  const units: [number, string][] = [
    [1e9, 'G'],
    [1e6, 'M'],
    [1e3, 'k'],
  ];
  for (const [size, suffix] of units) {
    if (Math.abs(value) >= size) return `${Number((value / size).toPrecision(3))}${suffix}`;
  }
  return `${Number(value.toPrecision(3))}`;
}

/**
 * The decades [10^lo, 10^hi] that hold every positive value, the smallest strictly above 10^lo
 * so that its bar has a length.
 */
function decades(values: readonly number[]): { lo: number; hi: number } {
  const logs = values.map(Math.log10);
  const lo = Math.ceil(Math.min(...logs)) - 1;
  const hi = Math.max(lo + 1, Math.ceil(Math.max(...logs)));
  return { lo, hi };
}

export function renderBarChart(chart: BarChart): string {
  for (const group of chart.groups) {
    if (group.values.length !== chart.series.length)
      throw new RangeError(
        `group '${group.label}' has ${group.values.length} values for ${chart.series.length} series`,
      );
    for (const value of group.values) {
      if (value !== undefined && !(value > 0 && Number.isFinite(value)))
        throw new RangeError(
          `group '${group.label}' has value ${value}; a log axis needs positive finite values`,
        );
    }
  }
  const present = chart.groups.flatMap((g) => g.values.filter((v): v is number => v !== undefined));
  const { lo, hi } = present.length > 0 ? decades(present) : { lo: 0, hi: 1 };
  const plotWidth = WIDTH - LABEL_WIDTH - RIGHT_MARGIN;
  const x = (value: number): number => LABEL_WIDTH + ((Math.log10(value) - lo) / (hi - lo)) * plotWidth;
  const groupHeight = chart.series.length * BAR_HEIGHT + GROUP_GAP;
  const plotHeight = chart.groups.length * groupHeight;
  const height = TOP + plotHeight + AXIS_HEIGHT;

  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="sans-serif" font-size="12">`,
    `<title>${escapeXml(chart.title)}</title>`,
    `<rect width="${WIDTH}" height="${height}" fill="#ffffff"/>`,
    `<text x="${WIDTH / 2}" y="22" text-anchor="middle" font-size="15" font-weight="bold">${escapeXml(chart.title)}</text>`,
  ];
  chart.series.forEach((name, i) => {
    const lx = LABEL_WIDTH + i * 150;
    out.push(
      `<rect x="${lx}" y="36" width="12" height="12" fill="${COLOURS[i % COLOURS.length]}"/>`,
      `<text x="${lx + 18}" y="46">${escapeXml(name)}</text>`,
    );
  });
  for (let decade = lo; decade <= hi; decade++) {
    const tx = x(10 ** decade).toFixed(1);
    out.push(
      `<line x1="${tx}" y1="${TOP - 4}" x2="${tx}" y2="${TOP + plotHeight}" stroke="#dddddd"/>`,
      `<text x="${tx}" y="${TOP + plotHeight + 16}" text-anchor="middle" fill="#555555">${compactNumber(10 ** decade)}</text>`,
    );
  }
  out.push(
    `<text x="${LABEL_WIDTH + plotWidth / 2}" y="${TOP + plotHeight + 32}" text-anchor="middle" fill="#555555">${escapeXml(chart.unit)} (log scale)</text>`,
  );
  chart.groups.forEach((group, g) => {
    const gy = TOP + g * groupHeight;
    const midY = gy + (chart.series.length * BAR_HEIGHT) / 2 + 4;
    out.push(`<text x="${LABEL_WIDTH - 8}" y="${midY}" text-anchor="end">${escapeXml(group.label)}</text>`);
    group.values.forEach((value, i) => {
      const by = gy + i * BAR_HEIGHT;
      if (value === undefined) {
        const text = escapeXml(group.missing ?? 'not run');
        out.push(`<text x="${LABEL_WIDTH + 4}" y="${by + 11}" fill="#999999">${text}</text>`);
        return;
      }
      const barWidth = Math.max(1, x(value) - LABEL_WIDTH);
      out.push(
        `<rect class="bar" x="${LABEL_WIDTH}" y="${by}" width="${barWidth.toFixed(1)}" height="${BAR_HEIGHT - 2}" fill="${COLOURS[i % COLOURS.length]}"><title>${escapeXml(`${group.label}, ${chart.series[i]}: ${value} ${chart.unit}`)}</title></rect>`,
        `<text x="${(LABEL_WIDTH + barWidth + 4).toFixed(1)}" y="${by + 11}">${compactNumber(value)}</text>`,
      );
    });
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
