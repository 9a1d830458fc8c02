// The desk's charts, drawn as SVG: the order book's depth, bars (capital efficiency per
// margin mode) and a health gauge. Each mark carries its raw value (`data-raw`) and a
// `<title>` read on hover and by screen readers; geometry alone is in JS numbers.
import { big, decimal, FIXED_DECIMALS, toNumber } from './format.jsx';

/**
 * The book's depth: cumulative size from the best price outwards, bids left (green) and
 * asks right (red). `bids`/`asks`: `[{ price, totalSize, orders }]` best first (raw).
 */
export function DepthChart({ bids, asks, sizeDecimals, symbol, width = 560, height = 220 }) {
  const pad = { left: 56, right: 12, top: 12, bottom: 28 };
  const steps = (levels) => {
    let cumulative = 0n;
    return levels.map((level) => {
      cumulative += big(level.totalSize);
      return { ...level, cumulative };
    });
  };
  const bidSteps = steps(bids);
  const askSteps = steps(asks);
  const all = [...bidSteps, ...askSteps];
  if (all.length === 0) {
    return <p class="muted" data-testid="depth-empty">The {symbol} book is empty.</p>;
  }
  const prices = all.map((l) => toNumber(l.price, FIXED_DECIMALS));
  let low = Math.min(...prices);
  let high = Math.max(...prices);
  const margin = (high - low) * 0.1 || high * 0.005 || 1;
  low -= margin;
  high += margin;
  const maxSize = Math.max(...all.map((l) => toNumber(l.cumulative, sizeDecimals)));
  const x = (price) => pad.left + ((toNumber(price, FIXED_DECIMALS) - low) / (high - low)) * (width - pad.left - pad.right);
  const y = (size) => height - pad.bottom - (toNumber(size, sizeDecimals) / maxSize) * (height - pad.top - pad.bottom);
  const base = height - pad.bottom;
  const area = (levels, side) => {
    if (levels.length === 0) return '';
    const outward = side === 'bid' ? pad.left : width - pad.right;
    let path = `M ${x(levels[0].price)} ${base}`;
    levels.forEach((level, i) => {
      path += ` L ${x(level.price)} ${y(level.cumulative)}`;
      const next = levels[i + 1];
      path += ` L ${next ? x(next.price) : outward} ${y(level.cumulative)}`;
    });
    return `${path} L ${outward} ${base} Z`;
  };
  const ticks = [low + margin, (low + high) / 2, high - margin];
  return (
    <svg class="chart depth" viewBox={`0 0 ${width} ${height}`} role="img" aria-label={`${symbol} order book depth`} data-testid="depth-chart">
      <line x1={pad.left} y1={base} x2={width - pad.right} y2={base} class="axis" />
      <line x1={pad.left} y1={pad.top} x2={pad.left} y2={base} class="axis" />
      <text x={pad.left - 6} y={pad.top + 8} class="tick" text-anchor="end">{decimal(BigInt(Math.round(maxSize * 1e4)), 4, 2)}</text>
      <text x={pad.left - 6} y={base} class="tick" text-anchor="end">0</text>
      {ticks.map((t) => <text key={t} x={pad.left + ((t - low) / (high - low)) * (width - pad.left - pad.right)} y={height - 8} class="tick" text-anchor="middle">{t.toLocaleString('en-US', { maximumFractionDigits: 2 })}</text>)}
      <path d={area(bidSteps, 'bid')} class="bid-area" />
      <path d={area(askSteps, 'ask')} class="ask-area" />
      {[...bidSteps.map((l) => ['bid', l]), ...askSteps.map((l) => ['ask', l])].map(([side, level]) => (
        <circle
          key={`${side}${level.price}`}
          cx={x(level.price)}
          cy={y(level.cumulative)}
          r="3.5"
          class={`${side}-level`}
          data-side={side}
          data-price={big(level.price).toString()}
          data-size={big(level.totalSize).toString()}
          data-cumulative={level.cumulative.toString()}
        >
          <title>{`${side} ${decimal(level.price, FIXED_DECIMALS, 2)}: ${decimal(level.totalSize, sizeDecimals, 4)} (${level.orders} orders), ${decimal(level.cumulative, sizeDecimals, 4)} cumulative`}</title>
        </circle>
      ))}
    </svg>
  );
}

/**
 * Horizontal bars: `items` `[{ key, label, value (bigint, fixed point), highlight }]`,
 * scaled to the largest; each bar's text is the value with `unit`.
 */
export function BarChart({ items, label, unit = '×', width = 560, testid }) {
  const rowHeight = 34;
  const labelWidth = 140;
  const height = items.length * rowHeight + 8;
  const max = Math.max(...items.map((item) => toNumber(item.value ?? 0n, FIXED_DECIMALS)), 1e-9);
  // Scaled to the largest bar; an item without a value (nothing locked) draws no bar.
  return (
    <svg class="chart bars" viewBox={`0 0 ${width} ${height}`} role="img" aria-label={label} data-testid={testid}>
      {items.map((item, i) => {
        const value = item.value ?? 0n;
        const barWidth = Math.max(1, (toNumber(value, FIXED_DECIMALS) / max) * (width - labelWidth - 90));
        const top = 4 + i * rowHeight;
        // No value: nothing is locked, so there is no ratio to draw.
        const text = item.value === null ? 'nothing locked' : `${decimal(value, FIXED_DECIMALS, 2)}${unit}`;
        return (
          <g key={item.key} data-bar={item.key} data-raw={item.value === null ? '' : big(value).toString()}>
            <title>{`${item.label}: ${text} (raw ${big(value)})`}</title>
            <text x={labelWidth - 8} y={top + rowHeight / 2 + 4} text-anchor="end" class="bar-label">{item.label}</text>
            <rect x={labelWidth} y={top + 4} width={barWidth} height={rowHeight - 10} rx="3" class={item.highlight ? 'bar in-force' : 'bar'} />
            <text x={labelWidth + barWidth + 6} y={top + rowHeight / 2 + 4} class="bar-value">{text}</text>
          </g>
        );
      })}
    </svg>
  );
}

/**
 * Health as a half-dial: `equity` over `requirement` (maintenance), both raw settlement
 * units. 1× is the liquidation line; the needle stops at 4×.
 */
export function HealthGauge({ equity, requirement, decimals }) {
  const eq = big(equity);
  const req = big(requirement);
  const ratio = req > 0n ? Number((eq * 10_000n) / req) / 10_000 : null;
  const shown = ratio === null ? 4 : Math.max(0, Math.min(ratio, 4));
  const angle = Math.PI * (1 - shown / 4);
  const cx = 100;
  const cy = 100;
  const r = 80;
  const arc = (from, to) => {
    const a0 = Math.PI * (1 - from / 4);
    const a1 = Math.PI * (1 - to / 4);
    return `M ${cx + r * Math.cos(a0)} ${cy - r * Math.sin(a0)} A ${r} ${r} 0 0 1 ${cx + r * Math.cos(a1)} ${cy - r * Math.sin(a1)}`;
  };
  const state = ratio === null ? 'no requirement' : ratio < 1 ? 'liquidatable' : ratio < 1.5 ? 'close to liquidation' : 'healthy';
  const text = ratio === null ? '∞' : `${ratio.toFixed(2)}×`;
  return (
    <svg class="chart gauge" viewBox="0 0 200 124" role="img" aria-label={`health ${text}: ${state}`} data-testid="health-gauge" data-ratio={ratio ?? ''}>
      <title>{`equity ${decimal(eq, decimals, 2)} over maintenance ${decimal(req, decimals, 2)}: ${text}, ${state}`}</title>
      <path d={arc(0, 1)} class="gauge-danger" />
      <path d={arc(1, 1.5)} class="gauge-warn" />
      <path d={arc(1.5, 4)} class="gauge-ok" />
      <line x1={cx} y1={cy} x2={cx + (r - 8) * Math.cos(angle)} y2={cy - (r - 8) * Math.sin(angle)} class="needle" />
      <circle cx={cx} cy={cy} r="5" class="needle-hub" />
      <text x={cx} y={cy + 20} text-anchor="middle" class="gauge-value">{text} {state}</text>
    </svg>
  );
}
