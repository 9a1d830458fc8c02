#!/usr/bin/env node
// Feeds oracle values to the clearing chain, as an oracle operator would.
//
//   node scripts/feed-prices.mjs --csv prices.csv
//   node scripts/feed-prices.mjs --walk BTC=60000,ETH=3000 --seed 7 --count 20
//
// Values come from a CSV file (exact decimals) or from a seeded random walk (a
// reproducible moving market for demos and tests). Each feed is one `oracle.feedValues`
// signed by an `oracleOperators` member; the tool waits for it to be in a block before
// the next one, because the chain takes at most one feed per operator per block. After
// each feed it prints what it fed and the combined (median) value the chain now holds.
// `--help` for the options. Needs `npm ci` in scripts/.
//
// The pure helpers (decimal and key parsing, CSV grouping, the walk) are exported for
// e2e/feed-prices.test.mjs; main() runs only when this file is executed directly.
import { readFileSync, realpathSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { submit } from './lib/tx.mjs';
import { FIXED, FIXED_DECIMALS } from './lib/units.mjs';

const U128_MAX = (1n << 128n) - 1n;

/**
 * `PricedAsset` variants, in runtime/src/oracle.rs; new assets are appended there. With
 * each key at most once per feed, a feed carries at most 2 values per asset, well under
 * the chain's `MaxFeedValues` of 32.
 */
export const PRICED_ASSETS = ['USDC', 'BTC', 'ETH', 'DOT'];

/** The shortest interval the chain can honour: one feed per operator per block (3 s). */
export const MIN_INTERVAL_SECONDS = 3;

/** Decimals a walk's values are rounded to: enough for any price, short enough to read. */
export const WALK_DECIMALS = 6;

/** A mistake in the command line or the input file: printed without a stack, exit code 2. */
export class UsageError extends Error {
  name = 'UsageError';
}

// --- exact decimals ------------------------------------------------------------------

/**
 * The `FixedU128` integer of a plain decimal string, exactly: '3000.5' is
 * 3000.5 * 10^18 = 3000500000000000000000n. Parsed digit by digit with BigInt, because a
 * double cannot hold most 18-decimal values (0.1 + 0.2 !== 0.3) nor prices past 2^53 wei.
 */
export function parseFixed(text) {
  const s = String(text).trim();
  if (s === '') throw new Error('empty value');
  if (s.startsWith('-')) throw new Error(`"${s}" is negative; oracle values are unsigned`);
  const match = /^(\d+)(?:\.(\d+))?$/.exec(s);
  if (!match) {
    throw new Error(`"${s}" is not a plain decimal number (expected e.g. 60000 or 3000.5)`);
  }
  const [, whole, fraction = ''] = match;
  if (fraction.length > FIXED_DECIMALS) {
    throw new Error(`"${s}" has ${fraction.length} decimals; FixedU128 takes at most ${FIXED_DECIMALS}`);
  }
  const value = BigInt(whole) * FIXED + BigInt(fraction.padEnd(FIXED_DECIMALS, '0'));
  if (value > U128_MAX) {
    throw new Error(`"${s}" is too large; FixedU128 holds at most ${formatFixed(U128_MAX)}`);
  }
  return value;
}

/** The shortest decimal string of a `FixedU128` integer: parseFixed's inverse. */
export function formatFixed(value) {
  const whole = value / FIXED;
  const fraction = (value % FIXED).toString().padStart(FIXED_DECIMALS, '0').replace(/0+$/, '');
  return fraction ? `${whole}.${fraction}` : `${whole}`;
}

// --- oracle keys ---------------------------------------------------------------------

/**
 * The `OracleKey` a label names: 'BTC' (or 'PRICE:BTC') is `{ Price: 'BTC' }`, 'IV:BTC'
 * is `{ ImpliedVolatility: 'BTC' }`. Case-insensitive, so that hand-written files work.
 */
export function parseKey(text) {
  const s = String(text).trim();
  const match = /^(?:(IV|PRICE):)?([A-Z0-9]+)$/i.exec(s);
  const asset = match?.[2].toUpperCase();
  if (!match || !PRICED_ASSETS.includes(asset)) {
    throw new Error(`unknown key "${s}": expected an asset (${PRICED_ASSETS.join(', ')}),`
      + ' optionally prefixed IV: for its implied volatility, e.g. BTC or IV:BTC');
  }
  return match[1]?.toUpperCase() === 'IV' ? { ImpliedVolatility: asset } : { Price: asset };
}

/** The label of an `OracleKey` as parseKey reads it, for output: 'BTC' or 'IV:BTC'. */
export function keyLabel(key) {
  return key.ImpliedVolatility ? `IV:${key.ImpliedVolatility}` : key.Price;
}

/** A feed entry: the key, its label, the exact value and the decimal string fed. */
function entry(key, value) {
  return { key, label: keyLabel(key), value, text: formatFixed(value) };
}

// --- CSV -----------------------------------------------------------------------------

/**
 * The feeds of a CSV file: rows `key,value` (each row is one feed) or `step,key,value`
 * (consecutive rows with the same step are one feed, so that e.g. BTC and ETH move in the
 * same block). Steps are fed in file order, not sorted. A header row, blank lines and
 * `#` comments are skipped. Returns `[{ step, line, values: [{ key, label, value, text }] }]`
 * with `step` null without a step column; errors name the line.
 */
export function parseCsv(text, source = 'CSV') {
  const fail = (line, message) => { throw new UsageError(`${source} line ${line}: ${message}`); };
  const rows = [];
  text.replace(/^\uFEFF/, '').split(/\r?\n/).forEach((raw, index) => {
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    // Spreadsheets may quote cells; no cell of this format holds a comma, so a plain
    // split is enough once the quotes are gone.
    const cells = trimmed.split(',').map((cell) => cell.trim().replace(/^"(.*)"$/, '$1').trim());
    rows.push({ line: index + 1, cells });
  });
  if (rows.length === 0) throw new UsageError(`${source} has no rows`);

  const columns = rows[0].cells.length;
  if (columns !== 2 && columns !== 3) {
    fail(rows[0].line, `expected key,value or step,key,value; found ${columns} columns`);
  }
  // The first row is a header if its key cell is no key and its value cell is not even
  // number-like ("key,value", "asset,price"); a bad first data row still gets its error.
  const isHeader = (() => {
    const cells = rows[0].cells;
    try { parseKey(cells[columns - 2]); return false; } catch { /* not a key */ }
    return !/^[-+.\d]/.test(cells[columns - 1]);
  })();

  const steps = [];
  const endedSteps = new Map();
  for (const { line, cells } of isHeader ? rows.slice(1) : rows) {
    if (cells.length !== columns) fail(line, `expected ${columns} columns like the first row; found ${cells.length}`);
    const [keyCell, valueCell] = cells.slice(-2);
    let key;
    let value;
    try {
      key = parseKey(keyCell);
      value = parseFixed(valueCell);
    } catch (error) {
      fail(line, error.message);
    }
    // A zero price or volatility is valid FixedU128 but never a real market value:
    // feeding it would be a typo that liquidates or freezes accounts.
    if (value === 0n) fail(line, `${keyLabel(key)} = 0 is refused; oracle values must be positive`);

    const step = columns === 3 ? cells[0] : null;
    if (step === '') fail(line, 'empty step');
    let current = steps.at(-1);
    if (step === null || current?.step !== step) {
      if (step !== null && endedSteps.has(step)) {
        fail(line, `step "${step}" already ended at line ${endedSteps.get(step)}; keep a step's rows together`);
      }
      if (current && current.step !== null) endedSteps.set(current.step, current.lastLine);
      current = { step, line, lastLine: line, values: [] };
      steps.push(current);
    }
    if (current.values.some((v) => v.label === keyLabel(key))) {
      fail(line, `${keyLabel(key)} appears twice in step "${step}"`);
    }
    current.values.push(entry(key, value));
    current.lastLine = line;
  }
  if (steps.length === 0) throw new UsageError(`${source} has a header but no rows`);
  return steps.map(({ step, line, values }) => ({ step, line, values }));
}

// --- the seeded random walk ----------------------------------------------------------

/**
 * The starting points of a walk, 'BTC=60000,IV:ETH=0.7': `[{ key, label, start }]` with
 * `start` the exact decimal string given. Starts must be positive: a multiplicative walk
 * from zero stays at zero.
 */
export function parseWalkSpec(text) {
  const points = String(text).split(',').map((part) => part.trim()).filter(Boolean).map((part) => {
    const [keyText, startText, extra] = part.split('=');
    if (startText === undefined || extra !== undefined) {
      throw new UsageError(`--walk: "${part}" is not KEY=START, e.g. BTC=60000`);
    }
    try {
      const key = parseKey(keyText);
      const value = parseFixed(startText);
      if (value === 0n) throw new Error(`${keyLabel(key)} starts at 0; a walk needs a positive start`);
      return { key, label: keyLabel(key), start: startText.trim() };
    } catch (error) {
      throw new UsageError(`--walk: ${error.message}`);
    }
  });
  if (points.length === 0) throw new UsageError('--walk: no KEY=START given');
  const labels = points.map((p) => p.label);
  const twice = labels.find((label, i) => labels.indexOf(label) !== i);
  if (twice) throw new UsageError(`--walk: ${twice} given twice`);
  return points;
}

/**
 * mulberry32: a tiny 32-bit PRNG, uniform in [0, 1). Not cryptographic; chosen because
 * its whole state is the seed, so `--seed` alone reproduces a run.
 */
export function mulberry32(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal draws from uniform ones (Box–Muller; the pair's second half is kept). */
export function normalSource(uniform) {
  let spare = null;
  return () => {
    if (spare !== null) {
      const z = spare;
      spare = null;
      return z;
    }
    // 1 - u is in (0, 1], so the logarithm is finite.
    const radius = Math.sqrt(-2 * Math.log(1 - uniform()));
    const angle = 2 * Math.PI * uniform();
    spare = radius * Math.sin(angle);
    return radius * Math.cos(angle);
  };
}

/**
 * A double as an exact decimal string with at most `decimals` places, trailing zeros
 * trimmed. toFixed is exactly specified by ECMAScript (unlike String(x), which may use
 * exponents), so the string and the fixed-point value fed are the same everywhere.
 */
function toDecimalString(x, decimals) {
  if (!(x < 1e21)) throw new Error(`walk value ${x} out of range`);
  return x.toFixed(decimals).replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '');
}

/**
 * The feeds of a seeded random walk, without end: the first is the start values as given;
 * each next one multiplies every value by (1 + vol * z), z standard normal, drawn per key
 * in the order given. Values are rounded to `decimals` places and floored at the smallest
 * positive one, so a wild `vol` never feeds zero or less. The same points, seed and vol
 * give the same sequence (on the same Node.js: Math.log and Math.cos are not required to
 * round identically across engines).
 */
export function* randomWalk(points, { seed = 1, vol = 0.01, decimals = WALK_DECIMALS } = {}) {
  const normal = normalSource(mulberry32(seed));
  const floor = 10 ** -decimals;
  const state = points.map((p) => Number(p.start));
  yield { step: 0, values: points.map((p) => entry(p.key, parseFixed(p.start))) };
  for (let step = 1; ; step += 1) {
    const values = points.map((p, i) => {
      state[i] = Math.max(state[i] * (1 + vol * normal()), floor);
      return entry(p.key, parseFixed(toDecimalString(state[i], decimals)));
    });
    yield { step, values };
  }
}

// --- command line --------------------------------------------------------------------

export const USAGE = `Feeds oracle values to the clearing chain as an oracle operator.

usage: node scripts/feed-prices.mjs [--ws URL] [--key URI] [--interval S] [--count N]
                                    (--csv FILE | --walk KEY=START[,KEY=START...] [--seed S] [--vol V])

  --ws URL        node to submit to (default ws://127.0.0.1:9944)
  --key URI       operator's secret URI (default $FEED_PRICES_KEY, else //Alice, the dev
                  chain's operator; local_testnet's are //Alice, //Bob and //Charlie)
  --interval S    seconds from one feed to the next, at least ${MIN_INTERVAL_SECONDS} (one block; default 6)
  --count N       number of feeds (default: every step of the CSV; 10 for a walk)
  --csv FILE      rows key,value (one feed per row) or step,key,value (consecutive rows
                  with the same step are one feed); header optional, # comments skipped
  --walk SPEC     seeded random walk from KEY=START, e.g. BTC=60000,ETH=3000; the first
                  feed is the start values, each next one moves every value by a factor
                  (1 + vol * z), z standard normal, rounded to ${WALK_DECIMALS} decimals
  --seed S        walk seed, an integer 0..4294967295 (default 1): same seed, same walk
  --vol V         walk volatility per step (default 0.01 = 1 %)
  --help          this text

Keys: an asset (${PRICED_ASSETS.join(', ')}) is the USD price of one whole token (BTC,60000.5);
IV:ASSET is its annualised implied volatility as a fraction (IV:BTC,0.65 = 65 %).
Values are exact decimals with at most ${FIXED_DECIMALS} places (FixedU128).

Each feed waits for its block before the next. A feed refused with oracle.NoPermission
(the key is not an oracleOperators member) stops the tool; other failures are reported
and it goes on, stopping after 3 in a row. Ctrl-C stops after the feed in flight.
Exit code: 0 every feed included (also after Ctrl-C), 1 a feed failed or no connection,
2 bad command line or input.`;

/** Whole number within [min, max] from a command-line string, else a UsageError. */
function integerOption(name, text, min, max) {
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) {
    throw new UsageError(`--${name} must be an integer from ${min} to ${max}; got "${text}"`);
  }
  return Number(text);
}

/** The options of a command line (argv without node and script), validated. */
export function parseCli(argv, env = {}) {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        ws: { type: 'string', default: 'ws://127.0.0.1:9944' },
        key: { type: 'string' },
        interval: { type: 'string', default: '6' },
        count: { type: 'string' },
        csv: { type: 'string' },
        walk: { type: 'string' },
        seed: { type: 'string' },
        vol: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }).values;
  } catch (error) {
    throw new UsageError(error.message);
  }
  if (parsed.help) return { help: true };

  if ((parsed.csv === undefined) === (parsed.walk === undefined)) {
    throw new UsageError('give exactly one of --csv FILE and --walk KEY=START[,...]');
  }
  if (parsed.csv !== undefined && (parsed.seed !== undefined || parsed.vol !== undefined)) {
    throw new UsageError('--seed and --vol apply to --walk only');
  }
  const interval = Number(parsed.interval);
  if (!Number.isFinite(interval) || interval < MIN_INTERVAL_SECONDS) {
    throw new UsageError(`--interval must be a number of seconds, at least ${MIN_INTERVAL_SECONDS}`
      + ` (the chain takes one feed per operator per block); got "${parsed.interval}"`);
  }
  const vol = parsed.vol === undefined ? 0.01 : Number(parsed.vol);
  if (parsed.vol?.trim() === '' || !Number.isFinite(vol) || vol < 0) {
    throw new UsageError(`--vol must be a non-negative number, e.g. 0.01; got "${parsed.vol}"`);
  }
  return {
    help: false,
    ws: parsed.ws,
    key: parsed.key ?? env.FEED_PRICES_KEY ?? '//Alice',
    interval,
    count: parsed.count === undefined ? undefined : integerOption('count', parsed.count, 1, Number.MAX_SAFE_INTEGER),
    csv: parsed.csv,
    walk: parsed.walk === undefined ? undefined : parseWalkSpec(parsed.walk),
    seed: parsed.seed === undefined ? 1 : integerOption('seed', parsed.seed, 0, 0xffffffff),
    vol,
  };
}

// --- talking to the chain ------------------------------------------------------------

const now = () => new Date().toISOString().replace(/\.\d+Z$/, 'Z');
const listValues = (values) => values.map((v) => `${v.label}=${v.text}`).join(' ');

async function main(argv) {
  let options;
  try {
    options = parseCli(argv, process.env);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`feed-prices: ${error.message}\n(--help for usage)`);
    return 2;
  }
  if (options.help) {
    console.log(USAGE);
    return 0;
  }

  // Everything the run will feed is known and checked before touching the network, so a
  // typo in line 900 of a CSV fails now, not half an hour into the run.
  let feeds;
  let total;
  let source;
  if (options.csv !== undefined) {
    let text;
    try {
      text = readFileSync(options.csv, 'utf8');
    } catch (error) {
      console.error(`feed-prices: cannot read ${options.csv}: ${error.message}`);
      return 2;
    }
    let steps;
    try {
      steps = parseCsv(text, options.csv);
    } catch (error) {
      if (!(error instanceof UsageError)) throw error;
      console.error(`feed-prices: ${error.message}`);
      return 2;
    }
    total = Math.min(options.count ?? steps.length, steps.length);
    source = `csv ${options.csv} (${steps.length} step${steps.length === 1 ? '' : 's'})`;
    if (options.count > steps.length) source += `; --count ${options.count} capped to the file's ${steps.length}`;
    feeds = steps.values();
  } else {
    total = options.count ?? 10;
    source = `walk ${listValues(options.walk.map((p) => ({ label: p.label, text: p.start })))},`
      + ` seed ${options.seed}, vol ${options.vol} per step`;
    feeds = randomWalk(options.walk, { seed: options.seed, vol: options.vol });
  }

  // Imported here so that the tests of the helpers above load no polkadot-js.
  const [{ ApiPromise, WsProvider }, { Keyring }, { u8aEq }, { cryptoWaitReady }] = await Promise.all([
    import('@polkadot/api'), import('@polkadot/keyring'), import('@polkadot/util'), import('@polkadot/util-crypto'),
  ]);
  await cryptoWaitReady();
  const provider = new WsProvider(options.ws);
  let api;
  try {
    api = await ApiPromise.create({ provider, throwOnConnect: true, noInitWarn: true });
  } catch (error) {
    // Stops the provider's reconnect loop, which would otherwise keep the process alive.
    await provider.disconnect().catch(() => {});
    console.error(`feed-prices: cannot connect to ${options.ws}: ${error.message ?? error}`);
    return 1;
  }

  let stopping = false;
  const abort = new AbortController();
  const onSigint = () => {
    if (stopping) {
      console.error('feed-prices: second Ctrl-C, exiting now');
      process.exit(130);
    }
    stopping = true;
    abort.abort();
    console.log('Ctrl-C: stopping after the feed in flight (again to exit now)');
  };
  process.on('SIGINT', onSigint);

  try {
    const keyring = new Keyring({ type: 'sr25519', ss58Format: api.registry.chainSS58 ?? 42 });
    let operator;
    try {
      operator = keyring.addFromUri(options.key);
    } catch (error) {
      console.error(`feed-prices: --key is not a valid secret URI: ${error.message}`);
      return 2;
    }
    const blockMs = Number(api.consts.timestamp.minimumPeriod.toBigInt()) * 2; // Aura: MinimumPeriodTimesTwo
    if (options.interval * 1000 < blockMs) {
      console.error(`feed-prices: --interval ${options.interval} is shorter than this chain's block time`
        + ` (${blockMs / 1000} s); an operator can feed once per block`);
      return 2;
    }
    const [chain, header, members] = await Promise.all([
      api.rpc.system.chain(), api.rpc.chain.getHeader(), api.query.oracleOperators.members(),
    ]);
    const isOperator = members.some((member) => u8aEq(member.toU8a(), operator.publicKey));

    console.log(`feeding the oracle of "${chain}" at ${options.ws} (block #${header.number.toNumber()}, ${blockMs / 1000} s blocks)`);
    console.log(`  operator ${operator.address}${isOperator ? '' : ' (NOT an oracleOperators member)'}`);
    console.log(`  source   ${source}`);
    console.log(`  plan     ${total} feed${total === 1 ? '' : 's'}, one every ${options.interval} s`);
    if (!isOperator) {
      // Still submitted: the chain's verdict (oracle.NoPermission) is the authoritative one.
      console.log('  warning: the chain will refuse these feeds unless root adds this account to oracleOperators');
    }

    // Sleeps are measured from the previous feed's start, so inclusion time does not add
    // to the interval; a feed that took longer than the interval is followed at once.
    const timeoutMs = Math.max(60_000, 10 * blockMs);
    const width = String(total).length;
    let fed = 0;
    let failed = 0;
    let failedInARow = 0;
    let nextStart = Date.now();
    for (let i = 0; i < total && !stopping; i += 1) {
      const wait = nextStart - Date.now();
      if (wait > 0) {
        try {
          await sleep(wait, undefined, { signal: abort.signal });
        } catch {
          break; // Ctrl-C while waiting: nothing in flight.
        }
      }
      nextStart = Date.now() + options.interval * 1000;
      const { values } = feeds.next().value;
      const tag = `[${String(i + 1).padStart(width)}/${total}]`;
      const tx = api.tx.oracle.feedValues(values.map((v) => [v.key, v.value]));

      // In a block, with `error` the failed dispatch's `section.name` (and `errorDocs` its
      // docs); rejected if the pool refuses it or no block includes it within `timeoutMs`.
      let result;
      try {
        result = await submit(api, tx, operator, { timeoutMs });
      } catch (error) {
        failed += 1;
        failedInARow += 1;
        console.log(`${tag} ${now()}  not fed: ${error.message ?? error}  (${listValues(values)})`);
        if (failedInARow >= 3) {
          console.error('feed-prices: 3 feeds in a row failed; stopping');
          break;
        }
        continue;
      }
      const blockNumber = (await api.rpc.chain.getHeader(result.blockHash)).number.toNumber();
      if (result.error) {
        failed += 1;
        failedInARow += 1;
        console.log(`${tag} ${now()}  #${blockNumber}  ${result.error}${result.errorDocs ? ` (${result.errorDocs})` : ''}`
          + `  not fed: ${listValues(values)}`);
        if (result.error === 'oracle.NoPermission') {
          console.error(`feed-prices: ${operator.address} is not an oracle operator on this chain; stopping`);
          break;
        }
        if (failedInARow >= 3) {
          console.error('feed-prices: 3 feeds in a row failed; stopping');
          break;
        }
        continue;
      }
      fed += 1;
      failedInARow = 0;
      // Read at the feed's own block: the median it produced, not a later one.
      const atBlock = await api.at(result.blockHash);
      const combined = await Promise.all(values.map((v) => atBlock.query.oracle.values(v.key)));
      const combinedText = values.map((v, k) => `${v.label}=${
        combined[k].isSome ? formatFixed(combined[k].unwrap().value.toBigInt()) : 'none'}`).join(' ');
      console.log(`${tag} ${now()}  #${blockNumber}  fed ${listValues(values)}  combined ${combinedText}`);
    }

    const ending = stopping ? 'stopped by Ctrl-C' : 'done';
    console.log(`${ending}: ${fed} fed, ${failed} failed`);
    return failed > 0 ? 1 : 0;
  } finally {
    process.off('SIGINT', onSigint);
    await api.disconnect();
  }
}

// Run only when executed (node scripts/feed-prices.mjs), not when a test imports the
// helpers. realpath, because Node resolves symlinks for the main module's URL too.
const invokedPath = process.argv[1] && (() => {
  try { return realpathSync(process.argv[1]); } catch { return process.argv[1]; }
})();
if (invokedPath && import.meta.url === pathToFileURL(invokedPath).href) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error) => {
      console.error(`feed-prices failed: ${error.stack ?? error}`);
      process.exit(1);
    },
  );
}
