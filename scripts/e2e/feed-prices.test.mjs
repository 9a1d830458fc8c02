// The price feeder's pure helpers (scripts/feed-prices.mjs): exact decimals, keys, CSV
// grouping, the seeded walk and the command line; then the tool itself against a dev node.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startDevChain, stopDevNode } from './lib/dev-node.mjs';
import {
  UsageError, formatFixed, keyLabel, mulberry32, normalSource, parseCli,
  parseCsv, parseFixed, parseKey, parseWalkSpec, randomWalk,
} from '../feed-prices.mjs';

const E18 = 10n ** 18n;
const U128_MAX = (1n << 128n) - 1n;

describe('parseFixed: decimal strings to FixedU128, exactly', () => {
  it('converts whole and fractional values without floating point', () => {
    assert.equal(parseFixed('60000'), 60000n * E18);
    assert.equal(parseFixed('3000.5'), 3000500000000000000000n);
    assert.equal(parseFixed('65000.5'), 65_000_500_000_000_000_000_000n);
    assert.equal(parseFixed('0.65'), 650000000000000000n);
    assert.equal(parseFixed(' 0.3 '), 300000000000000000n); // 0.1 + 0.2 !== 0.3 in doubles
    assert.equal(parseFixed('0.000000000000000001'), 1n);
    assert.equal(parseFixed('9007199254740993'), 9007199254740993n * E18); // 2^53 + 1
    assert.equal(parseFixed('1.123456789012345678'), 1123456789012345678n);
    assert.equal(parseFixed('0'), 0n);
    assert.equal(parseFixed('007.50'), 7500000000000000000n);
  });

  it('takes the largest FixedU128 and nothing above it', () => {
    assert.equal(parseFixed(formatFixed(U128_MAX)), U128_MAX);
    assert.throws(() => parseFixed(formatFixed(U128_MAX + 1n)), /too large/);
  });

  it('refuses more than 18 decimals, negatives and non-decimals with a clear message', () => {
    assert.throws(() => parseFixed('1.0000000000000000001'), /has 19 decimals; FixedU128 takes at most 18/);
    assert.throws(() => parseFixed('-1'), /"-1" is negative/);
    assert.throws(() => parseFixed('-0.5'), /negative/);
    for (const bad of ['1e3', 'abc', '1.', '.5', '1,5', '0x10', '+1', '1 000', 'NaN', 'Infinity']) {
      assert.throws(() => parseFixed(bad), /is not a plain decimal number/, bad);
    }
    assert.throws(() => parseFixed(''), /empty value/);
  });

  it('formats back to the shortest decimal string', () => {
    for (const text of ['60000', '3000.5', '0.65', '0.000000000000000001', '1.123456789012345678']) {
      assert.equal(formatFixed(parseFixed(text)), text);
    }
    assert.equal(formatFixed(parseFixed('3000.500')), '3000.5');
  });
});

describe('parseKey: labels to OracleKey', () => {
  it('reads prices and implied volatilities, case-insensitively', () => {
    assert.deepEqual(parseKey('BTC'), { Price: 'BTC' });
    assert.deepEqual(parseKey('eth'), { Price: 'ETH' });
    assert.deepEqual(parseKey('PRICE:DOT'), { Price: 'DOT' });
    assert.deepEqual(parseKey('IV:BTC'), { ImpliedVolatility: 'BTC' });
    assert.deepEqual(parseKey(' iv:usdc '), { ImpliedVolatility: 'USDC' });
  });

  it('labels keys the way it reads them', () => {
    assert.equal(keyLabel({ Price: 'BTC' }), 'BTC');
    assert.equal(keyLabel({ ImpliedVolatility: 'ETH' }), 'IV:ETH');
    assert.equal(keyLabel(parseKey('iv:dot')), 'IV:DOT');
  });

  it('refuses unknown assets and prefixes', () => {
    for (const bad of ['XRP', 'IV:', 'VOL:BTC', 'IV:XRP', '', 'BTC-PERP']) {
      assert.throws(() => parseKey(bad), /unknown key .*expected an asset \(USDC, BTC, ETH, DOT\)/, bad);
    }
  });
});

describe('parseCsv: rows to feeds', () => {
  const summary = (steps) => steps.map((s) => ({ step: s.step, line: s.line, fed: s.values.map((v) => `${v.label}=${v.text}`) }));

  it('makes each key,value row its own feed, header optional', () => {
    const expected = [
      { step: null, line: 2, fed: ['BTC=60000'] },
      { step: null, line: 3, fed: ['ETH=3000.5'] },
      { step: null, line: 5, fed: ['IV:BTC=0.65'] },
    ];
    assert.deepEqual(summary(parseCsv('key,value\nBTC,60000\nETH,3000.5\n\nIV:BTC,0.65\n')), expected);
    const withoutHeader = parseCsv('# a comment\nBTC,60000\neth, 3000.50\n\niv:btc,0.65');
    assert.deepEqual(summary(withoutHeader), expected);
    assert.equal(withoutHeader[1].values[0].value, 3000500000000000000000n);
    assert.deepEqual(withoutHeader[2].values[0].key, { ImpliedVolatility: 'BTC' });
  });

  it('groups consecutive rows of a step into one feed, in file order', () => {
    const csv = '\uFEFFstep,key,value\r\n1,BTC,60000\r\n1,ETH,3000\r\n1,IV:BTC,0.6\r\n2,BTC,60100.25\r\n10,ETH,2990\r\n3,BTC,"60200"\r\n';
    assert.deepEqual(summary(parseCsv(csv)), [
      { step: '1', line: 2, fed: ['BTC=60000', 'ETH=3000', 'IV:BTC=0.6'] },
      { step: '2', line: 5, fed: ['BTC=60100.25'] },
      { step: '10', line: 6, fed: ['ETH=2990'] },
      { step: '3', line: 7, fed: ['BTC=60200'] },
    ]);
  });

  it('names the line of a bad value or key', () => {
    const refuses = (csv, pattern) => assert.throws(() => parseCsv(csv, 'p.csv'),
      (e) => e instanceof UsageError && pattern.test(e.message), csv);
    refuses('BTC,60000\nETH,-3000\n', /^p\.csv line 2: "-3000" is negative/);
    refuses('key,value\nBTC,1.0000000000000000001', /^p\.csv line 2: "1\.0+1" has 19 decimals; FixedU128 takes at most 18$/);
    refuses('BTC,60000\n\nXRP,1', /^p\.csv line 3: unknown key "XRP"/);
    refuses('BTC,abc', /^p\.csv line 1: "abc" is not a plain decimal/);
    refuses('step,key,value\n1,BTC,1e5', /^p\.csv line 2: "1e5" is not a plain decimal/);
    refuses('BTC,0', /^p\.csv line 1: BTC = 0 is refused/);
  });

  it('refuses malformed files', () => {
    assert.throws(() => parseCsv(''), /has no rows/);
    assert.throws(() => parseCsv('key,value\n'), /has a header but no rows/);
    assert.throws(() => parseCsv('BTC'), /line 1: expected key,value or step,key,value; found 1 columns/);
    assert.throws(() => parseCsv('1,BTC,60000\nETH,3000'), /line 2: expected 3 columns like the first row; found 2/);
    assert.throws(() => parseCsv('1,BTC,60000\n1,btc,60001'), /line 2: BTC appears twice in step "1"/);
    assert.throws(() => parseCsv('1,BTC,60000\n2,BTC,60001\n1,ETH,3000'), /line 3: step "1" already ended at line 1/);
    assert.throws(() => parseCsv(',BTC,60000'), /line 1: empty step/);
  });
});

describe('the seeded random walk', () => {
  const points = parseWalkSpec('BTC=60000, ETH=3000.5,IV:BTC=0.6');
  const take = (generator, n) => Array.from({ length: n }, () => generator.next().value);
  const texts = (steps) => steps.map((s) => s.values.map((v) => `${v.label}=${v.text}`).join(' '));

  it('reads KEY=START lists and refuses bad ones', () => {
    assert.deepEqual(points.map((p) => [p.label, p.start]), [['BTC', '60000'], ['ETH', '3000.5'], ['IV:BTC', '0.6']]);
    assert.deepEqual(points[2].key, { ImpliedVolatility: 'BTC' });
    assert.throws(() => parseWalkSpec('BTC'), /"BTC" is not KEY=START/);
    assert.throws(() => parseWalkSpec('BTC=1=2'), /not KEY=START/);
    assert.throws(() => parseWalkSpec('BTC=0'), /starts at 0/);
    assert.throws(() => parseWalkSpec('BTC=-5'), /negative/);
    assert.throws(() => parseWalkSpec('XRP=1'), /unknown key/);
    assert.throws(() => parseWalkSpec('BTC=1,btc=2'), /BTC given twice/);
    assert.throws(() => parseWalkSpec(' , '), /no KEY=START/);
  });

  it('feeds the start values first, exactly as given', () => {
    const [first] = take(randomWalk(points), 1);
    assert.equal(first.step, 0);
    assert.deepEqual(first.values.map((v) => [v.label, v.text, v.value]), [
      ['BTC', '60000', 60000n * E18], ['ETH', '3000.5', 3000500000000000000000n], ['IV:BTC', '0.6', 6n * 10n ** 17n],
    ]);
  });

  it('repeats itself for a seed and differs between seeds', () => {
    const a = texts(take(randomWalk(points, { seed: 42, vol: 0.01 }), 50));
    const b = texts(take(randomWalk(points, { seed: 42, vol: 0.01 }), 50));
    const c = texts(take(randomWalk(points, { seed: 43, vol: 0.01 }), 50));
    assert.deepEqual(a, b);
    assert.notDeepEqual(a.slice(1), c.slice(1));
    assert.equal(a[0], c[0]); // both start where they were told to
    assert.notEqual(a[1], a[2]); // it moves
    // Pinned, so that a change to the PRNG, the draw order or the rounding shows up as a
    // changed walk (a recorded demo's seed would no longer replay it).
    assert.deepEqual(texts(take(randomWalk(parseWalkSpec('BTC=60000,IV:BTC=0.6'), { seed: 1 }), 4)), [
      'BTC=60000 IV:BTC=0.6',
      'BTC=60842.603267 IV:BTC=0.600145',
      'BTC=61582.300027 IV:BTC=0.599272',
      'BTC=61267.998207 IV:BTC=0.614723',
    ]);
  });

  it('moves by about vol per step', () => {
    const steps = take(randomWalk(parseWalkSpec('BTC=60000'), { seed: 7, vol: 0.01 }), 2001);
    const prices = steps.map((s) => Number(s.values[0].text));
    const returns = prices.slice(1).map((p, i) => p / prices[i] - 1);
    const sd = Math.sqrt(returns.reduce((sum, r) => sum + r * r, 0) / returns.length);
    assert.ok(sd > 0.009 && sd < 0.011, `step returns' standard deviation ${sd}`);
  });

  it('feeds exact decimals with at most 6 places, always positive', () => {
    // vol 3 would take an unfloored multiplicative walk below zero within a few steps.
    for (const vol of [0.01, 0.5, 3]) {
      for (const step of take(randomWalk(points, { seed: 5, vol }), 500)) {
        for (const v of step.values) {
          assert.ok(v.value > 0n, `step ${step.step}: ${v.label}=${v.text} with vol ${vol}`);
          assert.match(v.text, /^\d+(\.\d{1,6})?$/);
          assert.equal(parseFixed(v.text), v.value);
        }
      }
    }
    const wild = take(randomWalk(parseWalkSpec('DOT=5'), { seed: 9, vol: 3 }), 500);
    assert.ok(wild.some((s) => s.values[0].text === '0.000001'), 'the floor is reached and holds');
  });

  it('draws uniforms in [0, 1) and standard normals', () => {
    const uniform = mulberry32(1);
    const normal = normalSource(mulberry32(1));
    const n = 20_000;
    let mean = 0;
    let square = 0;
    for (let i = 0; i < n; i += 1) {
      const u = uniform();
      assert.ok(u >= 0 && u < 1);
      const z = normal();
      mean += z / n;
      square += (z * z) / n;
    }
    assert.ok(Math.abs(mean) < 0.03, `mean ${mean}`);
    assert.ok(Math.abs(square - 1) < 0.05, `variance ${square}`);
    assert.equal(mulberry32(123)(), mulberry32(123)());
    assert.notEqual(mulberry32(1)(), mulberry32(2)());
  });
});

describe('parseCli', () => {
  it('fills in the defaults', () => {
    const options = parseCli(['--walk', 'BTC=60000']);
    assert.equal(options.ws, 'ws://127.0.0.1:9944');
    assert.equal(options.key, '//Alice');
    assert.equal(options.interval, 6);
    assert.equal(options.count, undefined);
    assert.equal(options.seed, 1);
    assert.equal(options.vol, 0.01);
    assert.deepEqual(options.walk.map((p) => p.label), ['BTC']);
    assert.equal(parseCli(['--csv', 'p.csv'], { FEED_PRICES_KEY: '//Bob' }).key, '//Bob');
    assert.equal(parseCli(['--csv', 'p.csv', '--key=//Charlie'], { FEED_PRICES_KEY: '//Bob' }).key, '//Charlie');
    assert.deepEqual(parseCli(['--help']), { help: true });
  });

  it('reads every option', () => {
    const options = parseCli(['--ws', 'ws://h:1', '--interval', '3.5', '--count', '20',
      '--walk', 'BTC=1,IV:ETH=0.7', '--seed', '4294967295', '--vol', '0.05']);
    assert.deepEqual({ ...options, walk: options.walk.map((p) => p.label) }, {
      help: false, ws: 'ws://h:1', key: '//Alice', interval: 3.5, count: 20, csv: undefined,
      walk: ['BTC', 'IV:ETH'], seed: 4294967295, vol: 0.05,
    });
  });

  it('refuses bad command lines with a UsageError', () => {
    const refuses = (argv, pattern) => assert.throws(() => parseCli(argv), (e) => e instanceof UsageError && pattern.test(e.message), argv.join(' '));
    refuses([], /exactly one of --csv FILE and --walk/);
    refuses(['--csv', 'a', '--walk', 'BTC=1'], /exactly one of/);
    refuses(['--csv', 'a', '--seed', '2'], /--seed and --vol apply to --walk only/);
    refuses(['--walk', 'BTC=1', '--interval', '2'], /--interval must be .* at least 3/);
    refuses(['--walk', 'BTC=1', '--interval', 'soon'], /--interval/);
    refuses(['--walk', 'BTC=1', '--count', '0'], /--count must be an integer from 1/);
    refuses(['--walk', 'BTC=1', '--count', '2.5'], /--count/);
    refuses(['--walk', 'BTC=1', '--seed', '4294967296'], /--seed must be an integer from 0 to 4294967295/);
    refuses(['--walk', 'BTC=1', '--vol=-0.1'], /--vol must be a non-negative number/);
    refuses(['--walk', 'BTC=1', '--vol', '-0.1'], /argument is ambiguous/); // parseArgs' own hint
    refuses(['--walk', 'BTC=1', '--vol', ''], /--vol/);
    refuses(['--walk', 'XRP=1'], /--walk: unknown key/);
    refuses(['--walk', 'BTC=1', '--bogus'], /Unknown option '--bogus'/);
    refuses(['--walk', 'BTC=1', 'extra'], /Unexpected argument 'extra'|positional/i);
  });
});

describe('the feeder against a dev node', () => {
  let node;
  let csv;

  before(async () => {
    ({ node } = await startDevChain());
    csv = path.join(await mkdtemp(path.join(os.tmpdir(), 'feed-prices-')), 'prices.csv');
    await writeFile(csv, 'step,key,value\n1,BTC,60000\n1,IV:BTC,0.65\n2,BTC,59000.5\n');
  });

  after(() => stopDevNode(node));

  const feeder = path.resolve(import.meta.dirname, '../feed-prices.mjs');
  const run = (args) => new Promise((resolve) => {
    execFile(process.execPath, [feeder, '--ws', node.rpcUrl, ...args], { timeout: 120_000 },
      (error, stdout, stderr) => resolve({ code: error ? error.code : 0, stdout, stderr }));
  });

  it('feeds a CSV as an operator; the chain holds the last values', async () => {
    const { code, stdout } = await run(['--csv', csv, '--interval', '3']);
    assert.equal(code, 0, stdout);
    assert.match(stdout, /fed BTC=60000 IV:BTC=0\.65/);
    assert.match(stdout, /fed BTC=59000\.5/);
    const btc = (await node.api.query.oracle.values({ Price: 'BTC' })).unwrap();
    assert.equal(btc.value.toBigInt(), 59_000_500_000_000_000_000_000n);
    const iv = (await node.api.query.oracle.values({ ImpliedVolatility: 'BTC' })).unwrap();
    assert.equal(iv.value.toBigInt(), 650_000_000_000_000_000n);
  });

  it('stops with exit code 1 when the key is not an operator', async () => {
    const { code, stdout, stderr } = await run(['--key', '//Bob', '--csv', csv, '--interval', '3']);
    assert.equal(code, 1);
    assert.match(stdout + stderr, /oracle\.NoPermission/);
  });
});
