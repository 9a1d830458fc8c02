// Numbers as people read them: the chain's integers (token units, 18-decimal fixed point,
// Perbill parts) turned into decimal text with thousands separators. Every rendered number
// keeps its raw value in `data-raw` and on hover (`title`), so nothing shown is unverifiable.

import { big, decimal, FIXED_DECIMALS } from './units.js';

export { big, decimal, FIXED_DECIMALS, grouped, parseDecimal, PERBILL, toNumber, blocksAsTime } from './units.js';

/**
 * A number as the desk shows it: `text`, with its raw integer in `data-raw` and the hover
 * text `raw: <integer> (<what the integer counts>)`.
 */
export function Num({ raw, text, what, class: className = '', testid }) {
  const rawText = raw === null || raw === undefined ? '' : big(raw).toString();
  const negative = rawText.startsWith('-');
  return (
    <span
      class={`num ${negative ? 'neg' : ''} ${className}`}
      data-raw={rawText}
      data-testid={testid}
      title={rawText ? `raw: ${rawText}${what ? ` (${what})` : ''}` : undefined}
    >{text}</span>
  );
}

/** A token amount: `value` smallest units of a `decimals`-decimal token, `dp` shown. */
export function Amount({ value, decimals, symbol, dp = 4, testid }) {
  if (value === null || value === undefined) return <span class="num muted">-</span>;
  return <Num raw={value} testid={testid} what={`units of 10^-${decimals}${symbol ? ` ${symbol}` : ''}`} text={`${decimal(value, decimals, dp)}${symbol ? ` ${symbol}` : ''}`} />;
}

/** A fixed-point price (USD per whole unit). */
export function Price({ value, dp = 2, testid }) {
  if (value === null || value === undefined) return <span class="num muted">-</span>;
  return <Num raw={value} testid={testid} what="USD, 18 decimals" text={decimal(value, FIXED_DECIMALS, dp)} />;
}

/** A fixed-point ratio shown as a multiple ("20.00×"). */
export function Ratio({ value, dp = 2, testid }) {
  if (value === null || value === undefined) return <span class="num muted">-</span>;
  return <Num raw={value} testid={testid} what="18 decimals" text={`${decimal(value, FIXED_DECIMALS, dp)}×`} />;
}

/** A fixed-point value shown plainly (greeks, rates). */
export function Fixed({ value, dp = 4, suffix = '', testid }) {
  if (value === null || value === undefined) return <span class="num muted">-</span>;
  return <Num raw={value} testid={testid} what="18 decimals" text={`${decimal(value, FIXED_DECIMALS, dp)}${suffix}`} />;
}

/** A fixed-point fraction shown in percent ("0.0100%"). */
export function FixedPercent({ value, dp = 4, testid }) {
  if (value === null || value === undefined) return <span class="num muted">-</span>;
  return <Num raw={value} testid={testid} what="fraction, 18 decimals" text={`${decimal(big(value) * 100n, FIXED_DECIMALS, dp)}%`} />;
}

/** A Perbill in percent. */
export function Percent({ value, dp = 2, testid }) {
  if (value === null || value === undefined) return <span class="num muted">-</span>;
  return <Num raw={value} testid={testid} what="parts per billion" text={`${decimal(big(value), 7, dp)}%`} />;
}

/** An account, shortened, with the whole address on hover. */
export function Address({ value, name }) {
  const text = String(value);
  return <span class="address" title={text} data-address={text}>{name ? `${name} ` : ''}{text.slice(0, 6)}…{text.slice(-4)}</span>;
}

/** Text of a symbol stored as bytes ("0x4254432d50455250" is "BTC-PERP"). */
export function symbolText(bytes) {
  if (bytes === null || bytes === undefined) return '';
  if (typeof bytes.toUtf8 === 'function') return bytes.toUtf8();
  return String(bytes);
}

/** An oracle key (`{ Price: 'BTC' }`) as text ("BTC price"). */
export function oracleKeyText(key) {
  if (!key) return '-';
  const json = typeof key.toJSON === 'function' ? key.toJSON() : key;
  const [kind, asset] = Object.entries(json)[0];
  const label = { price: 'price', impliedVolatility: 'implied vol' }[kind] ?? kind;
  return `${asset} ${label}`;
}
