import { html, type Raw } from '../http/html';

/**
 * Charts as inline SVG, rendered on the server: no script, no CDN, nothing to load. Each one is an
 * image with a title and a description a screen reader reads (role="img", aria-labelledby), its
 * figures are written on it, and the page puts the same figures in a table beside it. Colours
 * hold a contrast of at least 4.5:1 against white for the text drawn on them.
 */
export const CHART_COLORS = { primary: '#2456c8', second: '#0f7a55', warn: '#9a5b00', bad: '#a52a2a', muted: '#5b6475', target: '#1d2330' } as const;

const fmt = (n: number) => (Number.isInteger(n) ? n.toLocaleString('en') : n.toLocaleString('en', { maximumFractionDigits: 1 }));

export interface Bar {
  label: string;
  value: number;
  /** What is written after the bar; default the value. */
  text?: string;
  color?: string;
}

/** Horizontal bars, one per row: funnels, reasons, statuses. */
export function barChart(id: string, title: string, description: string, bars: readonly Bar[], width = 1100): Raw {
  const row = 30;
  const labelWidth = 260;
  const textRoom = 170;
  const height = Math.max(row * bars.length + 10, 40);
  const max = Math.max(1, ...bars.map((b) => b.value));
  const scale = (width - labelWidth - textRoom) / max;
  return html`<svg id="${id}" class="chart" role="img" aria-labelledby="${id}-title ${id}-desc" viewBox="0 0 ${width} ${height}" width="100%" preserveAspectRatio="xMinYMin meet">
    <title id="${id}-title">${title}</title><desc id="${id}-desc">${description}</desc>
    ${bars.length === 0 ? html`<text x="0" y="24" fill="${CHART_COLORS.muted}" font-size="14">Nothing to show yet.</text>` : ''}
    ${bars.map((bar, i) => {
      const y = 5 + i * row;
      const w = Math.max(bar.value > 0 ? 2 : 0, bar.value * scale);
      return html`<g data-bar="${bar.label}"><text x="${labelWidth - 10}" y="${y + 19}" text-anchor="end" font-size="14" fill="#1d2330">${bar.label}</text>
        <rect x="${labelWidth}" y="${y + 4}" width="${w.toFixed(1)}" height="${row - 10}" rx="2" fill="${bar.color ?? CHART_COLORS.primary}"></rect>
        <text x="${(labelWidth + w + 8).toFixed(1)}" y="${y + 19}" font-size="14" fill="#1d2330">${bar.text ?? fmt(bar.value)}</text></g>`;
    })}
  </svg>`;
}

export interface Series {
  name: string;
  color: string;
  values: readonly number[];
  /** The weekly target of this series, drawn as a dashed line in its colour. */
  target?: number | null;
}

/** Vertical grouped bars per week, with each series' target as a dashed line: MQL and SQL volume. */
export function weeklyChart(id: string, title: string, description: string, weeks: readonly string[], series: readonly Series[], width = 1100): Raw {
  const height = 300;
  const left = 50;
  const bottom = 50;
  const top = 36;
  const plotH = height - bottom - top;
  const max = Math.max(1, ...series.flatMap((s) => [...s.values, s.target ?? 0]));
  const step = (width - left - 10) / Math.max(1, weeks.length);
  const barW = Math.min(28, (step - 10) / series.length);
  const y = (v: number) => top + plotH - (v / max) * plotH;
  const ticks = [0, max / 2, max].map((v) => Math.round(v * 10) / 10);
  return html`<svg id="${id}" class="chart" role="img" aria-labelledby="${id}-title ${id}-desc" viewBox="0 0 ${width} ${height}" width="100%" preserveAspectRatio="xMinYMin meet">
    <title id="${id}-title">${title}</title><desc id="${id}-desc">${description}</desc>
    ${series.map((s, i) => html`<g><rect x="${left + i * 330}" y="6" width="14" height="14" fill="${s.color}"></rect><text x="${left + i * 330 + 20}" y="18" font-size="14" fill="#1d2330">${s.name}${s.target != null ? ` (target ${fmt(s.target)}/week, dashed)` : ''}</text></g>`)}
    ${ticks.map((v) => html`<g><line x1="${left}" x2="${width - 10}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="#e2e5ea"></line><text x="${left - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end" font-size="12" fill="${CHART_COLORS.muted}">${fmt(v)}</text></g>`)}
    ${weeks.map((week, w) => {
      const x0 = left + w * step + (step - barW * series.length) / 2;
      return html`<g data-week="${week}">${series.map((s, i) => {
        const v = s.values[w] ?? 0;
        return html`<rect x="${(x0 + i * barW).toFixed(1)}" y="${y(v).toFixed(1)}" width="${(barW - 2).toFixed(1)}" height="${(top + plotH - y(v)).toFixed(1)}" fill="${s.color}"><title>${s.name}, week of ${week}: ${fmt(v)}</title></rect>${v > 0 ? html`<text x="${(x0 + i * barW + (barW - 2) / 2).toFixed(1)}" y="${(y(v) - 4).toFixed(1)}" text-anchor="middle" font-size="11" fill="#1d2330">${fmt(v)}</text>` : ''}`;
      })}<text x="${(left + w * step + step / 2).toFixed(1)}" y="${height - bottom + 18}" text-anchor="middle" font-size="12" fill="#1d2330">${week.slice(5)}</text></g>`;
    })}
    ${series.filter((s) => s.target != null).map((s) => html`<line x1="${left}" x2="${width - 10}" y1="${y(s.target!).toFixed(1)}" y2="${y(s.target!).toFixed(1)}" stroke="${s.color}" stroke-width="2" stroke-dasharray="6 4"></line>`)}
    <text x="${left}" y="${height - 8}" font-size="12" fill="${CHART_COLORS.muted}">Week starting (month-day)</text>
  </svg>`;
}
