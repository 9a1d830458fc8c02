// Block trades: packages negotiated off-chain and settled on-chain, every leg at once
// (pallet `blockTrade`). The markets open to block trades and their terms; a form where the
// account the page signs as makes and signs a quote (nothing is sent: the JSON goes to the
// taker, the same shape scripts/quote.mjs prints); a form where a taker pastes such a quote,
// sees it from the taker's side against each market's index and price band, and executes
// it; the maker's nonce floor and the form that cancels every quote below a nonce; the
// permissioned pools; and the block trades, terms and pool changes of the last blocks.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { u8aWrapBytes } from '@polkadot/util';
import { signatureVerify } from '@polkadot/util-crypto';
import { encodeQuote, matchesNodePayload, quoteFromJson, quoteToJson, signingPayload } from '../../../lib/quotes.mjs';
import { BLOCK_TRADE_EVENTS, POOL_EVENTS, useChain, useLive } from '../chain.jsx';
import { Address, Amount, big, decimal, FIXED_DECIMALS, grouped, Num, parseDecimal, Price } from '../format.jsx';
import { signQuoteAs } from '../signer.jsx';
import { Field, Loaded, Section, Table, TxStatus, useSigner, useTx } from '../ui.jsx';

/** The most legs a quote carries when the runtime does not say (`blockTrade.MaxLegs`). */
const DEFAULT_MAX_LEGS = 4;
/** Blocks a new quote stays valid for. */
const DEFAULT_VALID_FOR = '100';
/** Lines of the recent block trades and of the terms and pools feed. */
const FEED_SHOWN = 20;

/** The markets open to block trades: terms, index and price band, read at one block. */
async function loadTerms(at, facts) {
  const terms = await at.call.blockTradeApi.terms();
  const reports = await Promise.all(terms.map(([market]) => at.call.clearingApi.market(market)));
  return terms.map(([id, t], i) => {
    const market = marketOf(facts, id);
    const report = reports[i].unwrapOr(null);
    return {
      market,
      makerFee: t.makerFee.toBigInt(),
      takerFee: t.takerFee.toBigInt(),
      minSize: t.minSize.toBigInt(),
      index: report?.indexPrice.isSome ? report.indexPrice.unwrap()[0].toBigInt() : null,
      fresh: report ? report.indexFresh.isTrue : false,
      band: report?.priceBandBounds.isSome ? report.priceBandBounds.unwrap().map((p) => p.toBigInt()) : null,
    };
  });
}

function marketOf(facts, id) {
  const n = Number(id.toString());
  return facts.markets.find((m) => m.id === n) ?? { id: n, symbol: `market #${n}`, sizeDecimals: 0, tickSize: 1n, lotSize: 1n };
}

/** How many decimals a step (tick, lot) of a `decimals`-decimal quantity needs. */
function stepDecimals(step, decimals) {
  let d = decimals;
  let s = big(step);
  while (d > 0 && s > 0n && s % 10n === 0n) { s /= 10n; d -= 1; }
  return d;
}

/** `value` as plain decimal text for an input: exact, no grouping, no trailing zeros. */
function inputText(value, decimals) {
  const text = decimal(value, decimals, decimals).replaceAll(',', '');
  return text.includes('.') ? text.replace(/\.?0+$/, '') : text;
}

/** A fee in Perbill parts as basis points ("2.50 bp"), its parts in `data-raw`. */
function Bp({ value, testid }) {
  return <Num raw={value} testid={testid} what="parts per billion" text={`${decimal(value, 5, 2)} bp`} />;
}

/** A size in a market's units, rounded to its lot's decimals. */
function Size({ value, market, testid }) {
  return <Amount value={value} decimals={market.sizeDecimals} dp={stepDecimals(market.lotSize, market.sizeDecimals)} testid={testid} />;
}

/** A price at its market's tick. */
function TickPrice({ value, market, testid }) {
  return <Price value={value} dp={Math.max(2, stepDecimals(market.tickSize, FIXED_DECIMALS))} testid={testid} />;
}

/** A leg's notional in settlement units (size × price). */
function notional(size, price, market, settlement) {
  return (size * price) / 10n ** BigInt(market.sizeDecimals + FIXED_DECIMALS - settlement.decimals);
}

/** `price` against the index: "+0.25%". */
function deviation(price, index) {
  if (!index) return '-';
  const text = decimal(((price - index) * 1_000_000n) / index, 4, 2);
  return `${price > index ? '+' : ''}${text}%`;
}

/** The account's name among the page's accounts, if it is one of them. */
function useNames() {
  const { accounts } = useSigner();
  return (address) => accounts.find((a) => a.address === String(address))?.name;
}

export function BlockTradeView() {
  const { facts } = useChain();
  const terms = useLive((api, at) => loadTerms(at, facts), []);
  const pools = useLive((api, at) => at.call.clearingApi.pools(), []);
  return (
    <div class="view">
      <Terms live={terms} />
      <MakeQuote terms={terms.data} pools={pools.data} />
      <TakeQuote terms={terms.data} pools={pools.data} />
      <RecentBlockTrades />
      <CancelQuotes />
      <Pools live={pools} />
    </div>
  );
}

function Terms({ live }) {
  return (
    <Section title="Markets open to block trades" wide testid="bt-terms">
      <Loaded live={live}>{(rows) => (rows.length === 0 ? (
        <p class="muted" data-testid="no-terms">No market takes block trades: governance opens one with <code>blockTrade.setTerms</code>.</p>
      ) : (
        <Table testid="terms-table" caption="Block-trade terms" head={['Market', 'Maker fee', 'Taker fee', 'Minimum leg', 'Index', 'Price band']}>
          {rows.map((t) => (
            <tr key={t.market.id} data-market={t.market.id}>
              <th scope="row">{t.market.symbol}</th>
              <td><Bp value={t.makerFee} testid={`terms-maker-fee-${t.market.id}`} /></td>
              <td><Bp value={t.takerFee} testid={`terms-taker-fee-${t.market.id}`} /></td>
              <td><Size value={t.minSize} market={t.market} testid={`terms-min-size-${t.market.id}`} /></td>
              <td>{t.index === null ? <span class="muted">no price</span> : <TickPrice value={t.index} market={t.market} testid={`terms-index-${t.market.id}`} />}
                {t.index !== null && !t.fresh ? <span class="badge warn">stale</span> : null}</td>
              <td>{t.band ? <><TickPrice value={t.band[0]} market={t.market} /> – <TickPrice value={t.band[1]} market={t.market} /></> : '-'}</td>
            </tr>
          ))}
        </Table>
      ))}</Loaded>
      <p class="muted">Fees are a share of each leg's notional; a leg prints only within its market's band around the index.</p>
    </Section>
  );
}

/** A new leg in `t`'s market: at least the block minimum, priced at the index on the tick. */
function prefilledLeg(t, side = 'Sell') {
  const tick = t.market.tickSize > 0n ? t.market.tickSize : 1n;
  const price = t.index === null ? '' : inputText(((t.index + tick / 2n) / tick) * tick, FIXED_DECIMALS);
  return { market: String(t.market.id), side, size: inputText(t.minSize, t.market.sizeDecimals), price };
}

/**
 * A leg as the chain would take it, or why not: `{ leg, problems, warnings }`. Problems
 * keep the quote from being signed (unreadable numbers); warnings are what the chain would
 * refuse at execution (lot, minimum, tick, band).
 */
function checkLeg(form, t, facts) {
  const market = t?.market ?? marketOf(facts, form.market);
  const problems = [];
  const warnings = [];
  let size = null;
  let price = null;
  try { size = parseDecimal(form.size, market.sizeDecimals); } catch (error) { problems.push(`size: ${error.message}`); }
  try { price = parseDecimal(form.price, FIXED_DECIMALS); } catch (error) { problems.push(`price: ${error.message}`); }
  if (size !== null && size <= 0n) problems.push('the size must be above zero');
  if (price !== null && price <= 0n) problems.push('the price must be above zero');
  if (!t) warnings.push(`${market.symbol} takes no block trades`);
  if (t && size !== null && size > 0n) {
    if (market.lotSize > 0n && size % market.lotSize !== 0n) warnings.push(`not a multiple of the lot (${inputText(market.lotSize, market.sizeDecimals)})`);
    if (size < t.minSize) warnings.push(`below the block minimum (${inputText(t.minSize, market.sizeDecimals)})`);
  }
  if (t && price !== null && price > 0n) {
    if (market.tickSize > 0n && price % market.tickSize !== 0n) warnings.push(`not on the tick (${inputText(market.tickSize, FIXED_DECIMALS)})`);
    if (!t.band) warnings.push('no index price: no band to trade within');
    else if (price < t.band[0] || price > t.band[1]) warnings.push('outside the price band now');
  }
  const leg = problems.length === 0 ? { market: market.id, side: form.side, size, price } : null;
  return { market, leg, problems, warnings };
}

function MakeQuote({ terms, pools }) {
  const { api, facts, head } = useChain();
  const { signer, accounts } = useSigner();
  const open = terms ?? [];
  const maxLegs = api.consts.blockTrade?.maxLegs?.toNumber() ?? DEFAULT_MAX_LEGS;
  const [legs, setLegs] = useState([]);
  const [taker, setTaker] = useState('');
  const [pool, setPool] = useState('');
  const [validFor, setValidFor] = useState(DEFAULT_VALID_FOR);
  const [nonce, setNonce] = useState(() => String(Date.now()));
  const [signed, setSigned] = useState('');
  const [status, setStatus] = useState(null);
  const [copied, setCopied] = useState('');
  const output = useRef(null);
  const termsOf = (id) => open.find((t) => String(t.market.id) === String(id));

  // The first leg once the terms are known: the first open market, at its index.
  useEffect(() => {
    if (legs.length === 0 && open.length > 0) setLegs([prefilledLeg(open[0])]);
  }, [open.length > 0]);

  const setLeg = (i, key) => (e) => {
    const { value } = e.currentTarget;
    setLegs((ls) => ls.map((leg, j) => {
      if (j !== i) return leg;
      // Another market: its minimum and its index, the side kept.
      if (key === 'market') { const t = termsOf(value); return t ? prefilledLeg(t, leg.side) : { ...leg, market: value }; }
      return { ...leg, [key]: value };
    }));
  };
  const used = new Set(legs.map((l) => l.market));
  const nextMarket = open.find((t) => !used.has(String(t.market.id)));
  const addLeg = () => { if (nextMarket) setLegs((ls) => [...ls, prefilledLeg(nextMarket)]); };
  const removeLeg = (i) => setLegs((ls) => ls.filter((_, j) => j !== i));
  const checks = legs.map((l) => checkLeg(l, termsOf(l.market), facts));

  const sign = async (e) => {
    e.preventDefault();
    setCopied('');
    if (!signer) { setStatus({ state: 'error', text: 'Choose an account to sign with: it is the maker.' }); return; }
    try {
      const problems = checks.flatMap((c, i) => c.problems.map((p) => `leg ${i + 1}: ${p}`));
      if (legs.length === 0) problems.push('a quote needs at least one leg');
      if (!/^\d+$/.test(nonce.trim())) problems.push('the nonce is a whole number');
      if (!/^\d+$/.test(validFor.trim()) || Number(validFor) <= 0) problems.push('valid for: a number of blocks');
      if (problems.length > 0) throw new Error(problems.join('; '));
      const quote = {
        maker: signer.address,
        taker: taker.trim() || null,
        takerPool: pool === '' ? null : Number(pool),
        legs: checks.map((c) => c.leg),
        expiresAt: (head?.number ?? 0) + Number(validFor),
        nonce: BigInt(nonce.trim()),
      };
      if (quote.taker === signer.address) throw new Error('a maker cannot take its own quote');
      setStatus({ state: 'pending', text: `signing as ${signer.name}…` });
      // What the page signs must be what the chain checks: else say so, before signing.
      if (!(await matchesNodePayload(api, quote))) throw new Error('the desk encodes quotes differently from the node: not signing');
      const signature = await signQuoteAs(api, signer, quote);
      setSigned(JSON.stringify({ quote: quoteToJson(quote), signature }, null, 2));
      setStatus({ state: 'ok', text: `Signed by ${signer.name}: nonce ${quote.nonce}, valid until block #${grouped(quote.expiresAt)}. Nothing was sent: hand the JSON to the taker.` });
      // The next quote gets a nonce of its own.
      setNonce(String(Math.max(Date.now(), Number(quote.nonce) + 1)));
    } catch (error) {
      setStatus({ state: 'error', text: `Not signed: ${error.message}` });
    }
  };
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(signed);
      setCopied('Copied.');
    } catch {
      output.current?.select();
      setCopied('Selected: copy it with Ctrl+C.');
    }
  };

  return (
    <Section title="Make a quote" testid="make-quote">
      {open.length === 0 ? <p class="muted">{terms ? 'No market takes block trades yet.' : 'Loading the terms…'}</p> : (
        <form onSubmit={sign} aria-label="Make and sign a quote">
          <p class="muted">You quote as {signer ? <Address value={signer.address} name={signer.name} /> : 'nobody (choose an account)'}; each leg's side is yours, the maker's.
            {signer && !signer.pair ? ' Your extension signs the quote as raw bytes.' : ''}</p>
          {legs.map((leg, i) => {
            const c = checks[i];
            const t = termsOf(leg.market);
            return (
              <fieldset class="leg" key={i} data-leg={i}>
                <legend>Leg {i + 1}</legend>
                <div class="grid-form">
                  <Field label="Market"><select name={`leg-${i}-market`} value={leg.market} onChange={setLeg(i, 'market')}>
                    {open.map((o) => <option key={o.market.id} value={o.market.id} disabled={String(o.market.id) !== leg.market && used.has(String(o.market.id))}>{o.market.symbol}</option>)}
                  </select></Field>
                  <Field label="Your side"><select name={`leg-${i}-side`} value={leg.side} onChange={setLeg(i, 'side')}>
                    <option value="Sell">Sell (the taker buys)</option>
                    <option value="Buy">Buy (the taker sells)</option>
                  </select></Field>
                  <Field label={`Size (${c.market.symbol.split('-')[0]})`}><input name={`leg-${i}-size`} value={leg.size} onInput={setLeg(i, 'size')} inputMode="decimal" required size={10} /></Field>
                  <Field label="Price (USD)"><input name={`leg-${i}-price`} value={leg.price} onInput={setLeg(i, 'price')} inputMode="decimal" required size={10} /></Field>
                  {legs.length > 1 ? <button type="button" onClick={() => removeLeg(i)} aria-label={`Remove leg ${i + 1}`}>Remove</button> : null}
                </div>
                <p class="muted leg-note" data-testid={`leg-note-${i}`}>
                  {t && t.index !== null ? <>index <TickPrice value={t.index} market={c.market} />{t.band ? <>, band <TickPrice value={t.band[0]} market={c.market} /> – <TickPrice value={t.band[1]} market={c.market} /></> : null}</> : 'no index'}
                  {c.leg && t?.index ? <>; your price is {deviation(c.leg.price, t.index)} from the index</> : null}
                </p>
                {[...c.problems, ...c.warnings].length > 0 ? (
                  <p class="error leg-warning" data-testid={`leg-warning-${i}`}>{[...c.problems, ...c.warnings].join('; ')}</p>
                ) : null}
              </fieldset>
            );
          })}
          <div class="grid-form">
            <button type="button" data-testid="add-leg" onClick={addLeg} disabled={legs.length >= maxLegs || !nextMarket}>Add a leg</button>
            <span class="muted">{legs.length} of at most {maxLegs} legs, each in its own market</span>
          </div>
          <div class="grid-form">
            <Field label="Taker (empty: anyone)"><input name="quote-taker" value={taker} onInput={(e) => setTaker(e.currentTarget.value)} list="bt-known-accounts" placeholder="SS58 address" size={30} /></Field>
            <datalist id="bt-known-accounts">{accounts.filter((a) => a.address !== signer?.address).map((a) => <option key={a.address} value={a.address}>{a.name}</option>)}</datalist>
            <Field label="Taker must be in pool"><select name="quote-pool" value={pool} onChange={(e) => setPool(e.currentTarget.value)}>
              <option value="">no pool required</option>
              {(pools ?? []).map((p) => <option key={p.pool.toString()} value={p.pool.toString()}>pool #{p.pool.toString()} ({p.members.length} members)</option>)}
            </select></Field>
            <Field label="Valid for (blocks)"><input name="quote-valid-for" value={validFor} onInput={(e) => setValidFor(e.currentTarget.value)} inputMode="numeric" required size={6} /></Field>
            <Field label="Nonce"><input name="quote-nonce" value={nonce} onInput={(e) => setNonce(e.currentTarget.value)} inputMode="numeric" required size={15} /></Field>
            <button type="submit" data-testid="sign-quote" disabled={!signer}>Sign</button>
          </div>
        </form>
      )}
      <TxStatus status={status} testid="sign-status" />
      {signed ? (
        <div class="signed-quote">
          <Field label="Signed quote: hand this to the taker">
            <textarea ref={output} class="quote-json" name="signed-quote" data-testid="signed-quote" readOnly rows={12} value={signed} />
          </Field>
          <div class="grid-form">
            <button type="button" data-testid="copy-quote" onClick={copy}>Copy</button>
            <span role="status" class="muted">{copied}</span>
          </div>
        </div>
      ) : null}
    </Section>
  );
}

/**
 * Pasted text as a signed quote: `{ quote, signature, signatureValid }` (`signatureValid`
 * null when it cannot be checked here), `{ error }`, or null for no text.
 */
function decodeSigned(api, text) {
  if (!text.trim()) return null;
  try {
    const json = JSON.parse(text);
    if (!json || typeof json !== 'object' || !json.quote || !json.signature) {
      throw new Error('expected { "quote": …, "signature": … }, as "Make a quote" or scripts/quote.mjs gives');
    }
    const quote = quoteFromJson(json.quote);
    if (!Array.isArray(json.quote.legs)) throw new Error('the quote has no legs');
    encodeQuote(api, quote); // Addresses and numbers as the runtime takes them, or throws.
    let signatureValid = null;
    try {
      const payload = signingPayload(api, quote);
      const signature = Object.values(json.signature)[0];
      signatureValid = signatureVerify(payload, signature, quote.maker).isValid
        || signatureVerify(u8aWrapBytes(payload), signature, quote.maker).isValid;
    } catch {
      signatureValid = null;
    }
    return { quote, signature: json.signature, signatureValid };
  } catch (error) {
    return { error: error.message };
  }
}

function TakeQuote({ terms, pools }) {
  const { api, facts, head } = useChain();
  const { signer } = useSigner();
  const nameOf = useNames();
  const [text, setText] = useState('');
  const [executed, setExecuted] = useState(null);
  const [status, run] = useTx();
  const decoded = useMemo(() => decodeSigned(api, text), [api, text]);
  const quote = decoded?.quote ?? null;
  const nonceStatus = useLive(
    (a, at) => (quote ? at.call.blockTradeApi.nonceStatus(quote.maker, quote.nonce) : Promise.resolve(null)),
    [quote?.maker ?? null, quote ? String(quote.nonce) : null],
  );
  const s = facts.settlement;
  const termsOf = (id) => (terms ?? []).find((t) => t.market.id === id);
  const onText = (e) => { setText(e.currentTarget.value); setExecuted(null); };

  const execute = async () => {
    if (!quote) return;
    const result = await run(`execute quote ${quote.nonce} of ${nameOf(quote.maker) ?? quote.maker}`,
      (a) => a.tx.blockTrade.executeQuote(encodeQuote(a, quote), decoded.signature));
    if (!result) return;
    const legs = result.events.filter(({ event }) => api.events.clearing.TradeSettled.is(event)).map(({ event }) => event.data);
    const done = result.events.find(({ event }) => api.events.blockTrade.QuoteExecuted.is(event))?.event.data;
    setExecuted({ block: result.block, legs, done });
  };

  let who = null;
  if (quote) {
    const pool = quote.takerPool === null ? null : (pools ?? []).find((p) => p.pool.toNumber() === quote.takerPool);
    const inPool = pool && signer ? pool.members.some((m) => m.toString() === signer.address) : null;
    who = {
      taker: quote.taker === null ? 'anyone' : quote.taker,
      forYou: quote.taker === null || quote.taker === signer?.address,
      pool, inPool,
    };
  }
  const left = quote && head ? quote.expiresAt - head.number : null;
  const state = nonceStatus.data?.type ?? null;

  return (
    <Section title="Take a quote" testid="take-quote">
      <Field label="Signed quote (JSON from the maker)">
        <textarea class="quote-json" name="quote-json" data-testid="quote-input" rows={6} value={text} onInput={onText} spellcheck={false}
          placeholder='{ "quote": { "maker": …, "legs": […], … }, "signature": { "Sr25519": "0x…" } }' />
      </Field>
      {decoded?.error ? <p class="error" role="alert" data-testid="quote-error">Not a signed quote: {decoded.error}</p> : null}
      {quote ? (
        <div data-testid="quote-decoded" data-nonce={String(quote.nonce)}>
          <dl>
            <dt>Maker</dt><dd><Address value={quote.maker} name={nameOf(quote.maker)} />{' '}
              {decoded.signatureValid === true ? <span class="badge ok" data-testid="signature-check">signature valid</span>
                : decoded.signatureValid === false ? <span class="badge danger" data-testid="signature-check">not the maker's signature</span> : null}</dd>
            <dt>For</dt><dd>{who.taker === 'anyone' ? 'anyone' : <Address value={who.taker} name={nameOf(who.taker)} />}
              {who.forYou ? null : <span class="badge danger">not you</span>}
              {quote.takerPool !== null ? <> · members of pool #{quote.takerPool}{who.inPool === false ? <span class="badge danger">you are not a member</span> : null}</> : null}</dd>
            <dt>Expires</dt><dd data-testid="quote-expiry" data-left={left ?? ''}>after block #{grouped(quote.expiresAt)}{left === null ? '' : left >= 0 ? ` (${grouped(left)} blocks left)` : ''}
              {left !== null && left < 0 ? <span class="badge danger">expired</span> : null}</dd>
            <dt>Nonce</dt><dd>{String(quote.nonce)}{' '}
              <span data-testid="nonce-status" data-status={state ?? ''} class={`badge ${state === 'Open' ? 'ok' : state ? 'danger' : ''}`}>
                {state === 'Open' ? 'open: may execute' : state === 'Used' ? 'used: executed already' : state === 'Cancelled' ? 'cancelled by the maker' : '…'}
              </span></dd>
          </dl>
          <Table testid="take-legs" caption="The quote's legs, from the taker's side" head={['You', 'Price', 'Against the index', `Notional (${s.symbol})`, `Your fee (${s.symbol})`]}>
            {quote.legs.map((leg) => {
              const t = termsOf(leg.market);
              const market = t?.market ?? marketOf(facts, leg.market);
              const yours = leg.side === 'Sell' ? 'Buy' : 'Sell';
              const value = notional(leg.size, leg.price, market, s);
              const inBand = t?.band ? leg.price >= t.band[0] && leg.price <= t.band[1] : null;
              return (
                <tr key={leg.market} data-market={leg.market} data-taker-side={yours} class={yours === 'Buy' ? 'bid' : 'ask'}>
                  <th scope="row">{yours === 'Buy' ? 'buy' : 'sell'} <Size value={leg.size} market={market} /> {market.symbol}
                    {t ? null : <span class="badge danger">no block trades</span>}</th>
                  <td><TickPrice value={leg.price} market={market} /></td>
                  <td>{t?.index ? <>{deviation(leg.price, t.index)} of <TickPrice value={t.index} market={market} /></> : '-'}
                    {inBand === null ? null : inBand ? <span class="badge ok" data-testid={`band-${leg.market}`}>in band</span> : <span class="badge danger" data-testid={`band-${leg.market}`}>outside the band</span>}</td>
                  <td><Amount value={value} decimals={s.decimals} dp={2} /></td>
                  <td>{t ? <Amount value={(value * t.takerFee) / 1_000_000_000n} decimals={s.decimals} dp={2} /> : '-'}</td>
                </tr>
              );
            })}
          </Table>
          <div class="grid-form">
            <button type="button" data-testid="execute-quote" onClick={execute} disabled={!signer}>Execute{signer ? ` as ${signer.name}` : ''}</button>
          </div>
        </div>
      ) : null}
      <TxStatus status={status} testid="execute-status" />
      {executed ? <Executed executed={executed} /> : null}
    </Section>
  );
}

/** What settled when the page executed a quote. */
function Executed({ executed }) {
  const { facts } = useChain();
  const s = facts.settlement;
  return (
    <div data-testid="executed-trade" data-block={executed.block} data-nonce={executed.done?.nonce.toString() ?? ''}>
      <h3>Settled in block #{grouped(executed.block)}</h3>
      <ul class="feed">
        {executed.legs.map((d) => {
          const market = marketOf(facts, d.market);
          const size = d.tradeSize.toBigInt();
          return (
            <li key={market.id} data-market={market.id}>
              {market.symbol}: you {size >= 0n ? 'bought' : 'sold'} <Size value={size < 0n ? -size : size} market={market} /> at <TickPrice value={d.price} market={market} />,
              fee <Amount value={d.takerFee} decimals={s.decimals} dp={2} symbol={s.symbol} />
            </li>
          );
        })}
      </ul>
    </div>
  );
}

function CancelQuotes() {
  const { signer } = useSigner();
  const floor = useLive((api, at) => (signer ? at.call.blockTradeApi.nonceFloor(signer.address) : Promise.resolve(null)), [signer?.address ?? null]);
  const [below, setBelow] = useState('');
  const [status, run] = useTx();
  const cancel = (e) => {
    e.preventDefault();
    if (!/^\d+$/.test(below.trim())) { run('cancel quotes', () => { throw new Error('the nonce is a whole number'); }); return; }
    run(`cancel quotes below nonce ${below.trim()}`, (api) => api.tx.blockTrade.cancelQuotesBelow(BigInt(below.trim())));
  };
  return (
    <Section title="Cancel your quotes" testid="cancel-quotes-section">
      {signer ? (
        <Loaded live={floor}>{(value) => (
          <p>{signer.name}'s nonce floor: <Num raw={value} text={value.toString()} what="nonce" testid="nonce-floor" />. Quotes with a lower nonce never execute.</p>
        )}</Loaded>
      ) : <p class="muted">Choose an account: its quotes are the ones cancelled.</p>}
      <form class="grid-form" onSubmit={cancel} aria-label="Cancel quotes below a nonce">
        <Field label="Cancel every quote with a nonce below"><input name="cancel-below" value={below} onInput={(e) => setBelow(e.currentTarget.value)} inputMode="numeric" required size={15} /></Field>
        <button type="button" onClick={() => setBelow(String(Date.now()))}>Now</button>
        <button type="submit" data-testid="cancel-quotes" disabled={!signer}>Cancel quotes below</button>
      </form>
      <p class="muted">Nonces default to the time in ms: "Now" cancels every quote signed until now.</p>
      <TxStatus status={status} testid="cancel-status" />
    </Section>
  );
}

function Pools({ live }) {
  const { facts } = useChain();
  const nameOf = useNames();
  const s = facts.settlement;
  return (
    <Section title="Permissioned pools" testid="pools">
      <Loaded live={live}>{(rows) => (rows.length === 0 ? <p class="muted" data-testid="no-pools">No pool: every market is open to all.</p> : (
        <Table testid="pools-table" caption="Permissioned pools" head={['Pool', 'Administrator', 'Members', 'Restricted markets', 'Insurance fund']}>
          {rows.map((p) => {
            const id = p.pool.toString();
            return (
              <tr key={id} data-pool={id} data-members={p.members.length}>
                <th scope="row">#{id}</th>
                <td>{p.admin.isAccount ? <Address value={p.admin.asAccount} name={nameOf(p.admin.asAccount)} /> : 'risk referendum'}</td>
                <td>{p.members.length === 0 ? '0' : (
                  <details><summary>{p.members.length}</summary>
                    {p.members.map((m) => <div key={m.toString()}><a href={`#/account/${m.toString()}`}><Address value={m} name={nameOf(m)} /></a></div>)}
                  </details>
                )}</td>
                <td>{p.restrictedMarkets.length === 0 ? <span class="muted">none</span> : p.restrictedMarkets.map((m) => marketOf(facts, m).symbol).join(', ')}</td>
                <td>{p.insuranceFund.isSome ? <><Amount value={p.insuranceBalance} decimals={s.decimals} dp={2} symbol={s.symbol} testid={`pool-balance-${id}`} />
                  {' '}in <Address value={p.insuranceFund.unwrap()} /></> : <span class="muted">none: the chain's fund pays</span>}</td>
              </tr>
            );
          })}
        </Table>
      ))}</Loaded>
    </Section>
  );
}

/** A terms or pool event as a line of text. */
function describe(name, d, facts, nameOf) {
  const s = facts.settlement;
  const who = (a) => <Address value={a} name={nameOf(a)} />;
  const usd = (v) => <Amount value={v} decimals={s.decimals} dp={2} symbol={s.symbol} />;
  switch (name) {
    case 'blockTrade.QuotesCancelled':
      return <>{who(d.maker)} cancelled every quote below nonce {d.below.toString()}</>;
    case 'blockTrade.TermsSet': {
      const market = marketOf(facts, d.market);
      if (d.terms.isNone) return <>{market.symbol} closed to block trades</>;
      const t = d.terms.unwrap();
      return <>{market.symbol} open to block trades: maker <Bp value={t.makerFee} />, taker <Bp value={t.takerFee} />, at least <Size value={t.minSize} market={market} /></>;
    }
    case 'clearing.PoolCreated':
      return <>Pool #{d.pool.toString()} created, administered by {d.admin.isAccount ? who(d.admin.asAccount) : 'risk referendum'}{d.insuranceFund.isSome ? ', with its own insurance fund' : ''}</>;
    case 'clearing.PoolAdminChanged':
      return <>Pool #{d.pool.toString()} now administered by {d.admin.isAccount ? who(d.admin.asAccount) : 'risk referendum'}</>;
    case 'clearing.PoolMemberAdded':
      return <>{who(d.who)} joined pool #{d.pool.toString()}</>;
    case 'clearing.PoolMemberRemoved':
      return <>{who(d.who)} left pool #{d.pool.toString()}</>;
    case 'clearing.MarketPoolSet':
      return <>{marketOf(facts, d.market).symbol} {d.pool.isSome ? `restricted to pool #${d.pool.unwrap().toString()}` : 'open to all'}</>;
    case 'clearing.PoolInsuranceFunded':
      return <>{who(d.who)} paid {usd(d.amount)} into pool #{d.pool.toString()}'s insurance fund</>;
    case 'clearing.PoolBadDebtCovered':
      return <>Pool #{d.pool.toString()}'s fund paid {usd(d.paid)} of {who(d.who)}'s bad debt</>;
    default:
      return name;
  }
}

function RecentBlockTrades() {
  const { facts, events } = useChain();
  const nameOf = useNames();
  const s = facts.settlement;
  const trades = events.filter((e) => e.name === 'blockTrade.QuoteExecuted').slice(0, FEED_SHOWN);
  const changes = events.filter((e) => e.name !== 'blockTrade.QuoteExecuted' && (BLOCK_TRADE_EVENTS.has(e.name) || POOL_EVENTS.has(e.name))).slice(0, FEED_SHOWN);
  return (
    <Section title="Recent block trades" wide testid="recent-block-trades">
      {trades.length === 0 ? <p class="muted" data-testid="no-block-trades">No block trade in the last blocks.</p> : (
        <Table testid="block-trades-table" caption="Recent block trades" head={['Block', 'Maker', 'Taker', 'Nonce', 'Legs (the taker’s side)', `Maker fees (${s.symbol})`, `Taker fees (${s.symbol})`]}>
          {trades.map(({ block, index, event, legs }) => {
            const d = event.data;
            return (
              <tr key={`${block}-${index}`} data-block={block} data-nonce={d.nonce.toString()} data-maker={d.maker.toString()} data-taker={d.taker.toString()}>
                <td>#{grouped(block)}</td>
                <td><Address value={d.maker} name={nameOf(d.maker)} /></td>
                <td><Address value={d.taker} name={nameOf(d.taker)} /></td>
                <td>{d.nonce.toString()}</td>
                <td>{(legs ?? []).length === 0 ? `${d.legs.toString()} legs` : legs.map((l) => {
                  const market = marketOf(facts, l.market);
                  const size = l.tradeSize.toBigInt();
                  return (
                    <div key={market.id} data-market={market.id} class={size >= 0n ? 'bid' : 'ask'}>
                      {market.symbol} {size >= 0n ? 'buy' : 'sell'} <Size value={size < 0n ? -size : size} market={market} /> at <TickPrice value={l.price} market={market} />
                    </div>
                  );
                })}</td>
                <td><Amount value={d.makerFees} decimals={s.decimals} dp={2} /></td>
                <td><Amount value={d.takerFees} decimals={s.decimals} dp={2} /></td>
              </tr>
            );
          })}
        </Table>
      )}
      <h3>Terms, cancellations and pools</h3>
      {changes.length === 0 ? <p class="muted">No change in the last blocks.</p> : (
        <ul class="feed" aria-live="polite" data-testid="blocktrade-events">
          {changes.map(({ block, index, name, event }) => (
            <li key={`${block}-${index}`} data-event={name} data-block={block}>
              <span class="block-ref">#{grouped(block)}</span> {describe(name, event.data, facts, nameOf)}
            </li>
          ))}
        </ul>
      )}
    </Section>
  );
}
