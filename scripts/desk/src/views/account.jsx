// Account: one account's collateral, positions, health and orders; its book margined
// isolated, cross and portfolio side by side with each mode's capital efficiency; greeks
// per underlying; a what-if panel (`clearingApi.simulate`); and the forms to deposit,
// withdraw, place and cancel orders.
import { useState } from 'preact/hooks';
import { useChain, useLive } from '../chain.jsx';
import { BarChart, HealthGauge } from '../charts.jsx';
import { Address, Amount, Fixed, FixedPercent, FIXED_DECIMALS, oracleKeyText, parseDecimal, Price, Ratio } from '../format.jsx';
import { Field, Loaded, Section, Table, TxStatus, useForm, useSigner, useTx } from '../ui.jsx';

const MODES = [['isolated', 'Isolated'], ['cross', 'Cross'], ['portfolio', 'Portfolio']];

/** Everything the view shows of `who`, read at one block (`at`). */
async function loadAccount(at, who, facts) {
  const [account, margin, orders, mode, wallet] = await Promise.all([
    at.call.clearingApi.accountReport(who),
    at.call.clearingApi.marginReport(who),
    at.call.orderbookApi.openOrders(who),
    at.query.clearing.marginModes(who),
    Promise.all(facts.collateralAssets.map(({ id }) => at.query.assets.account(id, who))),
  ]);
  return {
    account: account.isOk ? account.asOk : null,
    margin: margin.isOk ? margin.asOk : null,
    failure: account.isErr ? account.asErr.toString() : margin.isErr ? margin.asErr.toString() : null,
    orders,
    mode: mode.type,
    wallet: new Map(facts.collateralAssets.map(({ id }, i) => [id, wallet[i].isSome ? wallet[i].unwrap().balance.toBigInt() : 0n])),
  };
}

export function AccountView({ arg }) {
  const { facts } = useChain();
  const { signer, accounts } = useSigner();
  const who = arg || signer?.address;
  const [lookup, setLookup] = useState('');
  const live = useLive((api, at) => (who ? loadAccount(at, who, facts) : Promise.resolve(null)), [who]);
  const name = accounts.find((a) => a.address === who)?.name;
  const own = signer && who === signer.address;
  return (
    <div class="view">
      <Section title="Account" wide testid="account-head">
        <div class="row">
          <p>{who ? <>Showing <Address value={who} name={name} />{own ? ' (you sign as this account)' : ''}</> : 'Choose an account to sign with, or look one up.'}</p>
          <form class="inline" onSubmit={(e) => { e.preventDefault(); if (lookup) window.location.hash = `#/account/${encodeURIComponent(lookup.trim())}`; }}>
            <Field label="Look up an account"><input value={lookup} onInput={(e) => setLookup(e.currentTarget.value)} placeholder="SS58 address" size={30} /></Field>
            <button type="submit">Show</button>
            {arg ? <a href="#/account">Back to my account</a> : null}
          </form>
        </div>
      </Section>
      {who ? (
        <Loaded live={live}>{(data) => (data.failure ? <p class="error" role="alert">{data.failure}</p> : (
          <>
            <Summary data={data} />
            <Collateral data={data} />
            <Positions data={data} />
            <MarginModes data={data} own={own} />
            <Greeks data={data} />
            <Stakes data={data} />
            <WhatIf who={who} />
            {own ? <Orders data={data} /> : <OpenOrders data={data} />}
            {own ? <Transfers data={data} /> : null}
          </>
        ))}</Loaded>
      ) : null}
    </div>
  );
}

function Summary({ data }) {
  const { facts } = useChain();
  const { account } = data;
  const s = facts.settlement;
  const usd = (v, testid) => <Amount value={v} decimals={s.decimals} dp={2} symbol={s.symbol} testid={testid} />;
  return (
    <Section title="Margin summary" testid="summary">
      <div class="summary">
        <HealthGauge equity={account.equityMaintenance} requirement={account.maintenanceRequirement} decimals={s.decimals} />
        <dl>
          <dt>Margin mode</dt><dd data-testid="margin-mode">{data.mode}</dd>
          <dt>Equity (initial haircuts)</dt><dd>{usd(account.equityInitial, 'equity-initial')}</dd>
          <dt>Equity (maintenance haircuts)</dt><dd>{usd(account.equityMaintenance, 'equity-maintenance')}</dd>
          <dt>Initial requirement</dt><dd>{usd(account.initialRequirement, 'initial-requirement')}</dd>
          <dt>Open orders' requirement</dt><dd>{usd(account.openOrderRequirement)}</dd>
          <dt>Maintenance requirement</dt><dd>{usd(account.maintenanceRequirement, 'maintenance-requirement')}</dd>
          <dt>Free collateral</dt><dd>{usd(account.freeCollateral, 'free-collateral')}</dd>
          <dt>Health (equity − maintenance)</dt><dd>{usd(account.health, 'health')}</dd>
        </dl>
      </div>
      {account.usesStalePrices.isTrue ? <p class="badge warn">Some prices are stale: the figures use the last accepted ones.</p> : null}
    </Section>
  );
}

function Collateral({ data }) {
  const { facts } = useChain();
  const s = facts.settlement;
  const lines = data.account.collateral;
  return (
    <Section title="Collateral" testid="collateral">
      {lines.length === 0 ? <p class="muted">No collateral deposited.</p> : (
        <Table testid="collateral-table" caption="Collateral" head={['Asset', 'Balance', 'Value', 'At initial haircut', 'At maintenance haircut']}>
          {lines.map((line) => {
            const asset = facts.assets.get(line.asset.toNumber());
            return (
              <tr key={asset?.id} data-asset={asset?.id}>
                <th scope="row">{asset?.symbol}</th>
                <td><Amount value={line.balance} decimals={asset?.decimals ?? 0} dp={4} testid={`collateral-balance-${asset?.id}`} /></td>
                <td><Amount value={line.value.unwrapOr(null)} decimals={s.decimals} dp={2} /></td>
                <td><Amount value={line.initialValue.unwrapOr(null)} decimals={s.decimals} dp={2} /></td>
                <td><Amount value={line.maintenanceValue.unwrapOr(null)} decimals={s.decimals} dp={2} /></td>
              </tr>
            );
          })}
        </Table>
      )}
    </Section>
  );
}

function Positions({ data }) {
  const { facts } = useChain();
  const s = facts.settlement;
  const positions = data.account.positions;
  return (
    <Section title="Positions" wide testid="positions">
      {positions.length === 0 ? <p class="muted">No positions.</p> : (
        <Table testid="positions-table" caption="Positions" head={['Market', 'Size', 'Entry', 'Mark', 'Notional', 'Unrealised PnL', 'Funding owed', 'Liquidation price', 'Margin']}>
          {positions.map((p) => {
            const market = facts.markets.find((m) => m.id === p.market.toNumber());
            return (
              <tr key={market?.id} data-market={market?.id}>
                <th scope="row">{market?.symbol}</th>
                <td><Amount value={p.positionSize} decimals={market?.sizeDecimals ?? 0} dp={4} testid={`position-size-${market?.id}`} /></td>
                <td><Price value={p.entryPrice.unwrapOr(null)} /></td>
                <td><Price value={p.markPrice.unwrapOr(null)} /></td>
                <td><Amount value={p.notional} decimals={s.decimals} dp={2} /></td>
                <td><Amount value={p.unrealizedPnl} decimals={s.decimals} dp={2} testid={`pnl-${market?.id}`} /></td>
                <td><Amount value={p.fundingOwed} decimals={s.decimals} dp={2} /></td>
                <td><Price value={p.liquidationPrice.unwrapOr(null)} testid={`liquidation-price-${market?.id}`} /></td>
                <td>{p.isolatedMargin.isSome ? <>isolated <Amount value={p.isolatedMargin.unwrap()} decimals={s.decimals} dp={2} /></> : 'cross'}</td>
              </tr>
            );
          })}
        </Table>
      )}
    </Section>
  );
}

/** Locked collateral of a mode: its initial requirement. Efficiency: gross notional over it. */
function MarginModes({ data, own }) {
  const { facts } = useChain();
  const [status, run] = useTx();
  const s = facts.settlement;
  const margin = data.margin;
  const inForce = margin.mode.type.toLowerCase();
  return (
    <Section title="The same book under each margin mode" wide testid="modes">
      <p>Gross notional <Amount value={margin.grossNotional} decimals={s.decimals} dp={2} symbol={s.symbol} testid="gross-notional" />;
        equity <Amount value={margin.equity} decimals={s.decimals} dp={2} symbol={s.symbol} testid="modes-equity" />.
        Capital efficiency is gross notional over the collateral a mode locks (its initial requirement).</p>
      <Table testid="modes-table" caption="Margin modes" head={['Mode', 'Locked (initial)', 'Maintenance', 'Capital efficiency']}>
        {MODES.map(([key, label]) => {
          const mode = margin[key];
          return (
            <tr key={key} data-mode={key} class={key === inForce ? 'selected' : ''}>
              <th scope="row">{label}{key === inForce ? <span class="badge">in force</span> : null}</th>
              <td><Amount value={mode.initialRequirement} decimals={s.decimals} dp={2} testid={`mode-initial-${key}`} /></td>
              <td><Amount value={mode.maintenanceRequirement} decimals={s.decimals} dp={2} testid={`mode-maintenance-${key}`} /></td>
              <td><Ratio value={mode.capitalEfficiency.unwrapOr(null)} testid={`mode-efficiency-${key}`} /></td>
            </tr>
          );
        })}
      </Table>
      <BarChart
        testid="efficiency-bars"
        label="Capital efficiency per margin mode"
        items={MODES.map(([key, label]) => ({ key, label, value: margin[key].capitalEfficiency.unwrapOr(null)?.toBigInt() ?? null, highlight: key === inForce }))}
      />
      {own ? (
        <div class="row">
          {['Cross', 'Portfolio'].filter((m) => m.toLowerCase() !== inForce).map((m) => (
            <button key={m} type="button" onClick={() => run(`switch to ${m} margin`, (api) => api.tx.clearing.setMarginMode(m))}>Switch to {m} margin</button>
          ))}
          <TxStatus status={status} testid="mode-status" />
        </div>
      ) : null}
    </Section>
  );
}

function Greeks({ data }) {
  const { facts } = useChain();
  const s = facts.settlement;
  const lines = data.margin.underlyings;
  return (
    <Section title="Greeks per underlying" testid="greeks">
      {lines.length === 0 ? <p class="muted">No exposure.</p> : (
        <Table testid="greeks-table" caption="Greeks" head={['Underlying', 'Price', 'Delta', 'Gamma', 'Vega', 'Worst scan loss', 'At move']}>
          {lines.map((u) => (
            <tr key={oracleKeyText(u.oracleKey)}>
              <th scope="row">{oracleKeyText(u.oracleKey)}</th>
              <td><Price value={u.price} /></td>
              <td><Fixed value={u.delta} /></td>
              <td><Fixed value={u.gamma} dp={6} /></td>
              <td><Fixed value={u.vega} /></td>
              <td><Fixed value={u.worstLoss} dp={2} suffix={` ${s.symbol}`} /></td>
              <td><FixedPercent value={u.worstMove} dp={1} /></td>
            </tr>
          ))}
        </Table>
      )}
    </Section>
  );
}

function WhatIf({ who }) {
  const { api, facts } = useChain();
  const s = facts.settlement;
  const [form, set] = useForm({ market: String(facts.markets[0]?.id ?? 0), side: 'Buy', size: '', price: '' });
  const [result, setResult] = useState(null);
  const simulate = async (e) => {
    e.preventDefault();
    try {
      const market = facts.markets.find((m) => m.id === Number(form.market));
      const size = parseDecimal(form.size, market.sizeDecimals);
      const trade = { market: market.id, tradeSize: form.side === 'Buy' ? size : -size, price: form.price ? parseDecimal(form.price, FIXED_DECIMALS) : null };
      const [before, after] = await Promise.all([
        api.call.clearingApi.marginReport(who),
        api.call.clearingApi.simulate(who, [trade]),
      ]);
      if (after.isErr) throw new Error(`the chain refuses the simulation: ${after.asErr.toString()}`);
      setResult({ before: before.asOk, after: after.asOk, label: `${form.side} ${form.size} ${market.symbol}${form.price ? ` at ${form.price}` : ' at the mark'}` });
    } catch (error) {
      setResult({ error: error.message });
    }
  };
  return (
    <Section title="What if" testid="what-if">
      <form onSubmit={simulate} class="grid-form" aria-label="Simulate a trade">
        <Field label="Market"><select value={form.market} onChange={set('market')}>{facts.markets.map((m) => <option key={m.id} value={m.id}>{m.symbol}</option>)}</select></Field>
        <Field label="Side"><select value={form.side} onChange={set('side')}><option>Buy</option><option>Sell</option></select></Field>
        <Field label="Size"><input name="whatif-size" value={form.size} onInput={set('size')} inputMode="decimal" required /></Field>
        <Field label="Price (empty: mark)"><input name="whatif-price" value={form.price} onInput={set('price')} inputMode="decimal" /></Field>
        <button type="submit">Simulate</button>
      </form>
      {result?.error ? <p class="error" role="alert">{result.error}</p> : null}
      {result?.after ? (
        <div data-testid="what-if-result">
          <p>{result.label}: nothing is written.</p>
          <Table caption="Before and after" head={['Mode', 'Initial now', 'Initial after', 'Maintenance after', 'Efficiency after']}>
            {MODES.map(([key, label]) => (
              <tr key={key} data-mode={key}>
                <th scope="row">{label}</th>
                <td><Amount value={result.before[key].initialRequirement} decimals={s.decimals} dp={2} /></td>
                <td><Amount value={result.after[key].initialRequirement} decimals={s.decimals} dp={2} testid={`whatif-initial-${key}`} /></td>
                <td><Amount value={result.after[key].maintenanceRequirement} decimals={s.decimals} dp={2} /></td>
                <td><Ratio value={result.after[key].capitalEfficiency.unwrapOr(null)} /></td>
              </tr>
            ))}
          </Table>
          <p>Equity after: <Amount value={result.after.equity} decimals={s.decimals} dp={2} symbol={s.symbol} /></p>
        </div>
      ) : null}
    </Section>
  );
}

function OpenOrders({ data, onCancel }) {
  const { facts } = useChain();
  return data.orders.length === 0 ? <p class="muted">No resting orders.</p> : (
    <Table testid="open-orders" caption="Open orders" head={['Market', 'Side', 'Price', 'Remaining', 'Placed', ...(onCancel ? [''] : [])]}>
      {data.orders.map((o) => {
        const market = facts.markets.find((m) => m.id === o.market.toNumber());
        return (
          <tr key={o.orderId.toString()} data-order={o.orderId.toString()} class={o.side.type === 'Buy' ? 'bid' : 'ask'}>
            <th scope="row">{market?.symbol}</th>
            <td>{o.side.type}</td>
            <td><Price value={o.price} /></td>
            <td><Amount value={o.remaining} decimals={market?.sizeDecimals ?? 0} /> of <Amount value={o.placedSize} decimals={market?.sizeDecimals ?? 0} /></td>
            <td>#{o.placedAt.toString()}</td>
            {onCancel ? <td><button type="button" onClick={() => onCancel(o)}>Cancel</button></td> : null}
          </tr>
        );
      })}
    </Table>
  );
}

function Orders({ data }) {
  const { facts } = useChain();
  const [status, run] = useTx();
  const [form, set] = useForm({ market: String(facts.markets[0]?.id ?? 0), side: 'Buy', price: '', size: '', tif: 'GoodTilCancelled', reduceOnly: false });
  const place = async (e) => {
    e.preventDefault();
    const market = facts.markets.find((m) => m.id === Number(form.market));
    await run(`${form.side} ${form.size} ${market.symbol} at ${form.price}`, (api) => api.tx.orderbook.placeOrder(
      market.id, form.side, parseDecimal(form.price, FIXED_DECIMALS), parseDecimal(form.size, market.sizeDecimals), form.tif, form.reduceOnly,
    ));
  };
  const cancel = (order) => run(`cancel order ${order.orderId}`, (api) => api.tx.orderbook.cancelOrder(order.market, order.orderId));
  return (
    <Section title="Orders" testid="orders">
      <form onSubmit={place} class="grid-form" aria-label="Place an order">
        <Field label="Market"><select name="order-market" value={form.market} onChange={set('market')}>{facts.markets.map((m) => <option key={m.id} value={m.id}>{m.symbol}</option>)}</select></Field>
        <Field label="Side"><select name="order-side" value={form.side} onChange={set('side')}><option>Buy</option><option>Sell</option></select></Field>
        <Field label="Price (USD)"><input name="order-price" value={form.price} onInput={set('price')} inputMode="decimal" required /></Field>
        <Field label="Size"><input name="order-size" value={form.size} onInput={set('size')} inputMode="decimal" required /></Field>
        <Field label="Time in force"><select name="order-tif" value={form.tif} onChange={set('tif')}>
          <option value="GoodTilCancelled">good till cancelled</option>
          <option value="ImmediateOrCancel">immediate or cancel</option>
          <option value="PostOnly">post only</option>
        </select></Field>
        <label class="check"><input type="checkbox" name="order-reduce-only" checked={form.reduceOnly} onChange={set('reduceOnly')} /> reduce only</label>
        <button type="submit" data-testid="place-order">Place order</button>
      </form>
      <TxStatus status={status} testid="order-status" />
      <h3>Resting orders</h3>
      <OpenOrders data={data} onCancel={cancel} />
    </Section>
  );
}

function Transfers({ data }) {
  const { facts } = useChain();
  const [status, run] = useTx();
  const [form, set] = useForm({ asset: String(facts.settlement.id), amount: '' });
  const asset = facts.assets.get(Number(form.asset));
  const go = (kind) => (e) => {
    e.preventDefault();
    let amount;
    try { amount = parseDecimal(form.amount, asset.decimals); } catch (error) { run(kind, () => { throw error; }); return; }
    run(`${kind} ${form.amount} ${asset.symbol}`, (api) => api.tx.clearing[kind](asset.id, amount));
  };
  return (
    <Section title="Deposit and withdraw" testid="transfers">
      <Table caption="Wallet" head={['Asset', 'In the wallet', 'Deposited']}>
        {facts.collateralAssets.map(({ id }) => {
          const meta = facts.assets.get(id);
          const line = data.account.collateral.find((c) => c.asset.toNumber() === id);
          return (
            <tr key={id}>
              <th scope="row">{meta?.symbol}</th>
              <td><Amount value={data.wallet.get(id)} decimals={meta?.decimals ?? 0} dp={4} testid={`wallet-${id}`} /></td>
              <td><Amount value={line ? line.balance : 0n} decimals={meta?.decimals ?? 0} dp={4} /></td>
            </tr>
          );
        })}
      </Table>
      <form class="grid-form" onSubmit={go('deposit')} aria-label="Deposit or withdraw">
        <Field label="Asset"><select name="transfer-asset" value={form.asset} onChange={set('asset')}>
          {facts.collateralAssets.map(({ id }) => <option key={id} value={id}>{facts.assets.get(id)?.symbol}</option>)}
        </select></Field>
        <Field label="Amount"><input name="transfer-amount" value={form.amount} onInput={set('amount')} inputMode="decimal" required /></Field>
        <button type="submit" data-testid="deposit">Deposit</button>
        <button type="button" data-testid="withdraw" onClick={go('withdraw')}>Withdraw</button>
      </form>
      <TxStatus status={status} testid="transfer-status" />
    </Section>
  );
}

/** The account's stake in each money market, and its synthetic debts. */
function Stakes({ data }) {
  const { facts } = useChain();
  const s = facts.settlement;
  const lending = data.account.lending.filter((l) => l.supplied.toBigInt() > 0n || l.segregated.toBigInt() > 0n || l.borrowed.toBigInt() > 0n);
  const debts = data.account.synthetics;
  const token = (id) => facts.assets.get(id.toNumber()) ?? { symbol: `#${id}`, decimals: 0 };
  return (
    <Section title="Lending and synthetic debts" testid="stakes">
      {lending.length === 0 ? <p class="muted">Nothing supplied or borrowed.</p> : (
        <Table testid="lending-table" caption="Money market stakes" head={['Asset', 'Supplied', 'Segregated', 'Borrowed', 'Supply APY', 'Borrow APY', 'Interest a day', 'Accrued']}>
          {lending.map((l) => {
            const t = token(l.asset);
            return (
              <tr key={l.asset.toString()}>
                <th scope="row">{t.symbol}</th>
                <td><Amount value={l.supplied} decimals={t.decimals} dp={4} /></td>
                <td><Amount value={l.segregated} decimals={t.decimals} dp={4} /></td>
                <td><Amount value={l.borrowed} decimals={t.decimals} dp={4} /></td>
                <td><FixedPercent value={l.supplyApy} dp={2} /></td>
                <td><FixedPercent value={l.borrowApy} dp={2} /></td>
                <td><Amount value={l.interestPerDay} decimals={t.decimals} dp={6} /></td>
                <td><Amount value={l.interestAccrued.unwrapOr(null)} decimals={t.decimals} dp={6} /></td>
              </tr>
            );
          })}
        </Table>
      )}
      {debts.length === 0 ? <p class="muted">No synthetic minted.</p> : (
        <Table testid="synthetic-debts" caption="Synthetic debts" head={['Token', 'Debt', 'Price', 'Value', 'Initial', 'Maintenance', 'Fee owed']}>
          {debts.map((d) => {
            const t = token(d.asset);
            return (
              <tr key={d.asset.toString()}>
                <th scope="row">{t.symbol}</th>
                <td><Amount value={d.debt} decimals={t.decimals} dp={4} /></td>
                <td><Price value={d.price.unwrapOr(null)} /></td>
                <td><Amount value={d.value.unwrapOr(null)} decimals={s.decimals} dp={2} /></td>
                <td><Amount value={d.initialRequirement.unwrapOr(null)} decimals={s.decimals} dp={2} /></td>
                <td><Amount value={d.maintenanceRequirement.unwrapOr(null)} decimals={s.decimals} dp={2} /></td>
                <td><Amount value={d.feeOwed} decimals={s.decimals} dp={4} /></td>
              </tr>
            );
          })}
        </Table>
      )}
    </Section>
  );
}
