// Risk: the accounts below maintenance (paged, so it stays quick with thousands of
// accounts), the insurance fund, liquidations and ADL as they happen, adaptive-margin
// warnings, and the price guard (freshness and held jumps of every market's index).
import { useState } from 'preact/hooks';
import { BLOCK_TRADE_EVENTS, FOLLOWED_EVENTS, POOL_EVENTS, useChain, useLive } from '../chain.jsx';
import { Address, Amount, blocksAsTime, grouped, oracleKeyText, Percent, Price } from '../format.jsx';
import { Loaded, Pager, Section, Table } from '../ui.jsx';

/** Accounts checked per page of the liquidatable list. */
const PAGE_SIZE = 50;
/** Feed lines shown. */
const FEED_SHOWN = 30;
/** The feed: every followed event but the fills, block trades and pool administration. */
const RISK_EVENTS = new Set([...FOLLOWED_EVENTS].filter((name) => name !== 'orderbook.OrderFilled'
  && !BLOCK_TRADE_EVENTS.has(name) && (!POOL_EVENTS.has(name) || name === 'clearing.PoolBadDebtCovered')));

export function RiskView() {
  return (
    <div class="view">
      <Liquidatable />
      <Fund />
      <Feed />
      <Warnings />
      <PriceGuard />
    </div>
  );
}

function Liquidatable() {
  const { facts } = useChain();
  // Page k starts after the last account page k-1 checked: `starts[k]`.
  const [starts, setStarts] = useState([null]);
  const [page, setPage] = useState(0);
  const live = useLive((api, at) => at.call.clearingApi.liquidatableAccounts(starts[page], PAGE_SIZE), [page, starts[page]]);
  const s = facts.settlement;
  return (
    <Section title="Liquidatable accounts" wide testid="liquidatable">
      <Loaded live={live}>{(result) => {
        const next = result.lastChecked.isSome ? result.lastChecked.unwrap().toString() : null;
        return (
          <>
            <p>Accounts {grouped(page * PAGE_SIZE + 1)}–{grouped(page * PAGE_SIZE + PAGE_SIZE)} checked at the chain's prices: {result.accounts.length} below maintenance.</p>
            {result.accounts.length === 0 ? <p class="muted" data-testid="none-liquidatable">None on this page.</p> : (
              <Table testid="liquidatable-table" caption="Liquidatable accounts" head={['Account', 'Cross health', 'Cross below maintenance', 'Isolated positions below']}>
                {result.accounts.map((a) => (
                  <tr key={a.who.toString()}>
                    <th scope="row"><a href={`#/account/${a.who.toString()}`}><Address value={a.who} /></a></th>
                    <td><Amount value={a.crossHealth} decimals={s.decimals} dp={2} symbol={s.symbol} /></td>
                    <td>{a.cross.isTrue ? 'yes' : 'no'}</td>
                    <td>{a.isolatedMarkets.map((m) => facts.markets.find((x) => x.id === m.toNumber())?.symbol).join(', ') || '-'}</td>
                  </tr>
                ))}
              </Table>
            )}
            <Pager label="Liquidatable accounts" page={page} hasNext={next !== null} onPage={(p) => {
              if (p > page && starts.length <= p) setStarts([...starts, next]);
              setPage(p);
            }} />
          </>
        );
      }}</Loaded>
    </Section>
  );
}

function Fund() {
  const { facts } = useChain();
  const s = facts.settlement;
  const live = useLive((api, at) => at.call.clearingApi.insuranceFund(), []);
  return (
    <Section title="Insurance fund" testid="fund">
      <Loaded live={live}>{(fund) => (
        <>
          <dl>
            <dt>Account</dt><dd><Address value={fund.account} /></dd>
            <dt>Settlement balance</dt><dd><Amount value={fund.settlementBalance} decimals={s.decimals} dp={2} symbol={s.symbol} testid="fund-balance" /></dd>
            <dt>Net value</dt><dd><Amount value={fund.netValue} decimals={s.decimals} dp={2} symbol={s.symbol} testid="fund-net-value" /></dd>
          </dl>
          {fund.collateral.length > 0 ? (
            <Table caption="Collateral taken over" head={['Asset', 'Balance']}>
              {fund.collateral.map(([asset, amount]) => {
                const meta = facts.assets.get(asset.toNumber());
                return <tr key={asset.toString()}><th scope="row">{meta?.symbol}</th><td><Amount value={amount} decimals={meta?.decimals ?? 0} /></td></tr>;
              })}
            </Table>
          ) : null}
          {fund.positions.length > 0 ? (
            <Table testid="fund-positions" caption="Positions taken over" head={['Market', 'Size']}>
              {fund.positions.map(([market, size]) => {
                const m = facts.markets.find((x) => x.id === market.toNumber());
                return <tr key={market.toString()}><th scope="row">{m?.symbol}</th><td><Amount value={size} decimals={m?.sizeDecimals ?? 0} /></td></tr>;
              })}
            </Table>
          ) : <p class="muted">No positions taken over.</p>}
        </>
      )}</Loaded>
    </Section>
  );
}

/** One risk event as a line of text with its numbers. */
function describe(name, d, facts) {
  const s = facts.settlement;
  const market = (id) => facts.markets.find((m) => m.id === id.toNumber());
  const usd = (v) => <Amount value={v} decimals={s.decimals} dp={2} symbol={s.symbol} />;
  switch (name) {
    case 'clearing.Liquidated': {
      const m = market(d.market);
      return <>Liquidated <Address value={d.who} />: {m?.symbol} <Amount value={d.closedSize} decimals={m?.sizeDecimals ?? 0} /> closed at <Price value={d.price} />, penalty {usd(d.penalty)}{d.isolated.isTrue ? ' (isolated)' : ''}</>;
    }
    case 'clearing.AutoDeleveraged': {
      const m = market(d.market);
      return <>Auto-deleveraged <Address value={d.who} />: {m?.symbol} reduced by <Amount value={d.reducedSize} decimals={m?.sizeDecimals ?? 0} /> at <Price value={d.price} /></>;
    }
    case 'clearing.BadDebtCovered':
      return <>Bad debt of <Address value={d.who} />: fund paid {usd(d.paid)}, uncovered {usd(d.uncovered)}</>;
    case 'clearing.PoolBadDebtCovered': {
      const m = d.market.isSome ? market(d.market.unwrap()) : null;
      return <>Bad debt of <Address value={d.who} />{m ? ` (${m.symbol}, isolated)` : ''}: pool #{d.pool.toString()}'s fund paid {usd(d.paid)}</>;
    }
    case 'clearing.PriceJumpHeld':
      return <>Price jump held on {oracleKeyText(d.key)}: <Price value={d.jumped} /> held, <Price value={d.accepted} /> in force</>;
    case 'clearing.BorrowLiquidated':
    case 'clearing.SyntheticDebtLiquidated': {
      const owed = facts.assets.get(d.asset.toNumber());
      const paid = facts.assets.get(d.collateralAsset.toNumber());
      const what = name === 'clearing.BorrowLiquidated' ? 'borrow' : 'synthetic debt';
      return <>Liquidated <Address value={d.who} />'s {what}: <Amount value={d.amount} decimals={owed?.decimals ?? 0} symbol={owed?.symbol} /> ({usd(d.value)}) to the fund for <Amount value={d.collateralAmount} decimals={paid?.decimals ?? 0} symbol={paid?.symbol} />, penalty {usd(d.penalty)}</>;
    }
    case 'clearing.AdaptiveMarginMoved': {
      const m = market(d.market);
      return <>Adaptive margin on {m?.symbol}: <Percent value={d.initial} /> initial, <Percent value={d.maintenance} /> maintenance in force (target <Percent value={d.targetInitial} /> / <Percent value={d.targetMaintenance} />)</>;
    }
    default:
      return name;
  }
}

function Feed() {
  const { facts, events } = useChain();
  const lines = events.filter((e) => RISK_EVENTS.has(e.name)).slice(0, FEED_SHOWN);
  return (
    <Section title="Liquidations, ADL and guards, as they happen" wide testid="risk-feed">
      {lines.length === 0 ? <p class="muted">Nothing in the last blocks.</p> : (
        <ul class="feed" aria-live="polite" data-testid="risk-events">
          {lines.map(({ block, index, name, event }) => (
            <li key={`${block}-${index}`} data-event={name} data-block={block} data-who={event.data.who?.toString() ?? ''}>
              <span class="block-ref">#{grouped(block)}</span> {describe(name, event.data, facts)}
            </li>
          ))}
        </ul>
      )}
    </Section>
  );
}

function Warnings() {
  const { facts } = useChain();
  const s = facts.settlement;
  const live = useLive((api, at) => at.call.clearingApi.adaptiveMarginWarnings(), []);
  return (
    <Section title="Adaptive-margin warnings" testid="warnings">
      <Loaded live={live}>{(warnings) => (warnings.length === 0 ? <p class="muted">No account falls short at the ramps' targets.</p> : (
        <Table caption="Adaptive-margin warnings" head={['Account', 'Equity', 'Maintenance now', 'At target', 'Liquidatable at target', 'Time left']}>
          {warnings.map((w) => (
            <tr key={w.who.toString()}>
              <th scope="row"><a href={`#/account/${w.who.toString()}`}><Address value={w.who} /></a></th>
              <td><Amount value={w.equity} decimals={s.decimals} dp={2} /></td>
              <td><Amount value={w.maintenanceNow} decimals={s.decimals} dp={2} /></td>
              <td><Amount value={w.maintenanceAtTarget} decimals={s.decimals} dp={2} /></td>
              <td>{w.liquidatableAtTarget.isTrue ? 'yes' : 'no'}</td>
              <td>{blocksAsTime(w.blocksLeft.toNumber(), facts.blockMs)}</td>
            </tr>
          ))}
        </Table>
      ))}</Loaded>
    </Section>
  );
}

function PriceGuard() {
  const { facts } = useChain();
  const live = useLive(async (api, at) => {
    const [now, maxAge, breaker, reports] = await Promise.all([
      at.query.timestamp.now(),
      at.query.clearing.maxPriceAge(),
      at.query.clearing.jumpBreakerParams(),
      Promise.all(facts.markets.map((m) => at.call.clearingApi.market(m.id))),
    ]);
    return { now: now.toNumber(), maxAge, breaker, reports: reports.map((r) => r.unwrapOr(null)) };
  }, []);
  return (
    <Section title="Price guard" wide testid="price-guard">
      <Loaded live={live}>{({ now, maxAge, breaker, reports }) => (
        <>
          <p>Prices older than {String(maxAge.toNumber() / 1000)} s are stale; a move beyond <Percent value={breaker.bound} /> in one update is held until confirmed.</p>
          <Table testid="guard-table" caption="Price guard per market" head={['Market', 'Oracle key', 'Index', 'Age', 'State', 'Held jump']}>
            {facts.markets.map((m, i) => {
              const r = reports[i];
              const index = r?.indexPrice.isSome ? r.indexPrice.unwrap() : null;
              const age = index ? Math.max(0, now - index[1].toNumber()) : null;
              const held = r?.heldJump.isSome ? r.heldJump.unwrap() : null;
              const fresh = r?.indexFresh.isTrue;
              return (
                <tr key={m.id} data-market={m.id} data-state={!index ? 'none' : fresh ? 'fresh' : 'stale'}>
                  <th scope="row">{m.symbol}</th>
                  <td>{oracleKeyText(m.oracleKey)}</td>
                  <td>{index ? <Price value={index[0]} /> : '-'}</td>
                  <td>{age === null ? '-' : `${Math.round(age / 1000)} s`}</td>
                  <td>{!index ? <span class="badge warn">no price</span> : fresh ? <span class="badge ok">fresh</span> : <span class="badge danger">stale</span>}</td>
                  <td>{held ? <><span class="badge danger">held</span> <Price value={held} /></> : '-'}</td>
                </tr>
              );
            })}
          </Table>
        </>
      )}</Loaded>
    </Section>
  );
}
