// Markets: every market's index, mark, funding rate, open interest and adaptive margin;
// the selected market's book depth as a chart and its recent fills.
import { useState } from 'preact/hooks';
import { useChain, useLive } from '../chain.jsx';
import { DepthChart } from '../charts.jsx';
import { Address, Amount, FixedPercent, grouped, Percent, Price } from '../format.jsx';
import { Loaded, Section, Table } from '../ui.jsx';

/** Price levels shown per side. */
const DEPTH_LEVELS = 12;
/** Fills listed. */
const FILLS_SHOWN = 20;

/** Each market's report, state and adaptive margin, read at one block (`at`). */
async function loadMarkets(at, markets) {
  return Promise.all(markets.map(async (market) => {
    const [report, state, adaptive] = await Promise.all([
      at.call.clearingApi.market(market.id),
      at.query.clearing.marketStates(market.id),
      at.call.clearingApi.adaptiveMargin(market.id),
    ]);
    return { market, report: report.unwrapOr(null), state, adaptive: adaptive.unwrapOr(null) };
  }));
}

export function MarketsView() {
  const { facts, events } = useChain();
  const [selected, setSelected] = useState(facts.markets[0]?.id ?? null);
  const live = useLive((api, at) => loadMarkets(at, facts.markets), []);
  const market = facts.markets.find((m) => m.id === selected);
  return (
    <div class="view">
      <Section title="Markets" wide testid="markets">
        <Loaded live={live}>{(rows) => (
          <Table testid="markets-table" caption="Markets" head={['Market', 'Index', 'Mark', 'Last trade', 'Funding / interval', 'Open interest', 'Initial / maint.', 'Adaptive margin', 'Status']}>
            {rows.map(({ market: m, report, state, adaptive }) => (
              <tr key={m.id} data-market={m.id} class={m.id === selected ? 'selected' : ''}>
                <th scope="row">
                  <button type="button" class="link" aria-pressed={m.id === selected} onClick={() => setSelected(m.id)}>{m.symbol}</button>
                </th>
                <td>{report?.indexPrice.isSome ? <Price value={report.indexPrice.unwrap()[0]} /> : <span class="muted">no price</span>}
                  {report && !report.indexFresh.isTrue ? <span class="badge warn">stale</span> : null}</td>
                <td><Price value={report?.markPrice.unwrapOr(null)} testid={`mark-${m.id}`} /></td>
                <td><Price value={report?.lastTradePrice.unwrapOr(null)} /></td>
                <td><FixedPercent value={state.fundingRate} dp={4} testid={`funding-${m.id}`} /></td>
                <td><Amount value={report?.openInterest} decimals={m.sizeDecimals} dp={4} testid={`oi-${m.id}`} /></td>
                <td>{report ? <><Percent value={report.tiers[0].initialFraction} /> / <Percent value={report.tiers[0].maintenanceFraction} /></> : '-'}</td>
                <td>{adaptive ? <AdaptiveCell adaptive={adaptive} /> : <span class="muted">static</span>}</td>
                <td>{report?.status.type ?? '-'}{report?.expired?.isTrue ? ' (expired)' : ''}</td>
              </tr>
            ))}
          </Table>
        )}</Loaded>
      </Section>
      {market ? <Depth market={market} /> : null}
      {market ? <Fills market={market} events={events} /> : null}
    </div>
  );
}

function AdaptiveCell({ adaptive }) {
  const rampLeft = adaptive.rampBlocksLeft.toNumber();
  return (
    <span>
      vol <FixedPercent value={adaptive.volatility} dp={1} />;{' '}
      in force <Percent value={adaptive.effectiveInitial} />, target <Percent value={adaptive.targetInitial} />
      {rampLeft > 0 ? <span class="badge warn">ramping, {rampLeft} blocks left</span> : null}
    </span>
  );
}

function Depth({ market }) {
  const live = useLive((api, at) => at.call.orderbookApi.depth(market.id, DEPTH_LEVELS), [market.id]);
  return (
    <Section title={`${market.symbol} order book`} testid="depth">
      <Loaded live={live}>{(depth) => {
        const bids = depth.bids.map((l) => ({ price: l.price.toBigInt(), totalSize: l.totalSize.toBigInt(), orders: l.orders.toNumber() }));
        const asks = depth.asks.map((l) => ({ price: l.price.toBigInt(), totalSize: l.totalSize.toBigInt(), orders: l.orders.toNumber() }));
        return (
          <>
            <DepthChart bids={bids} asks={asks} sizeDecimals={market.sizeDecimals} symbol={market.symbol} />
            <div class="book">
              {[['Bids', bids, 'bid'], ['Asks', asks, 'ask']].map(([title, levels, side]) => (
                <Table key={side} testid={`levels-${side}`} caption={title} head={[`${title}: price`, 'Size', 'Orders']}>
                  {levels.map((l) => (
                    <tr key={l.price} class={side}>
                      <td><Price value={l.price} /></td>
                      <td><Amount value={l.totalSize} decimals={market.sizeDecimals} /></td>
                      <td>{l.orders}</td>
                    </tr>
                  ))}
                </Table>
              ))}
            </div>
          </>
        );
      }}</Loaded>
    </Section>
  );
}

function Fills({ market, events }) {
  const fills = events.filter((e) => e.name === 'orderbook.OrderFilled' && e.event.data.market.toNumber() === market.id).slice(0, FILLS_SHOWN);
  return (
    <Section title={`${market.symbol} recent fills`} testid="fills">
      {fills.length === 0 ? <p class="muted">No fills in the last blocks.</p> : (
        <Table testid="fills-table" caption="Recent fills" head={['Block', 'Taker side', 'Price', 'Size', 'Maker', 'Taker']}>
          {fills.map(({ block, index, event }) => {
            const d = event.data;
            return (
              <tr key={`${block}-${index}`} class={d.takerSide.type === 'Buy' ? 'bid' : 'ask'}>
                <td>#{grouped(block)}</td>
                <td>{d.takerSide.type}</td>
                <td><Price value={d.price} /></td>
                <td><Amount value={d.fillSize} decimals={market.sizeDecimals} /></td>
                <td><Address value={d.maker} /></td>
                <td><Address value={d.taker} /></td>
              </tr>
            );
          })}
        </Table>
      )}
    </Section>
  );
}
