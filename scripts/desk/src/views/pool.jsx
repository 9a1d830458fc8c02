// Pool: the collateral pool at work. Every collateral asset's money market (supplied,
// borrowed, utilisation, rates, caps, interest paid) and every synthetic minted against
// the pool (supply equal to debt, price, collateralisation, the least healthy issuers).
import { useChain, useLive } from '../chain.jsx';
import { Address, Amount, FixedPercent, Percent, Price, Ratio } from '../format.jsx';
import { Loaded, Section, Table } from '../ui.jsx';

export function PoolView() {
  const { facts } = useChain();
  const s = facts.settlement;
  const markets = useLive(async (api, at) => [...(await at.call.clearingApi.moneyMarket())].sort((a, b) => a.asset.toNumber() - b.asset.toNumber()), []);
  const synthetics = useLive((api, at) => at.call.clearingApi.synthetics(), []);
  const token = (id) => facts.assets.get(id.toNumber()) ?? { symbol: `#${id}`, decimals: 0 };
  return (
    <div class="view">
      <Section title="Money markets: collateral that earns while it margins" wide testid="money-markets">
        <Loaded live={markets}>{(rows) => (rows.length === 0 ? <p class="muted">No money market is open.</p> : (
          <Table testid="money-market-table" caption="Money markets" head={['Asset', 'Supplied', 'Borrowed', 'Cash', 'Segregated', 'Utilisation', 'Supply APY', 'Borrow APY', 'Interest paid', 'To the reserve']}>
            {rows.map((m) => {
              const t = token(m.asset);
              return (
                <tr key={m.asset.toString()} data-asset={m.asset.toString()}>
                  <th scope="row">{t.symbol}</th>
                  <td><Amount value={m.supplied} decimals={t.decimals} dp={2} /></td>
                  <td><Amount value={m.borrowed} decimals={t.decimals} dp={2} /></td>
                  <td><Amount value={m.cash} decimals={t.decimals} dp={2} /></td>
                  <td><Amount value={m.segregated} decimals={t.decimals} dp={2} /></td>
                  <td><Percent value={m.utilisation} /></td>
                  <td><FixedPercent value={m.supplyApy} dp={2} /></td>
                  <td><FixedPercent value={m.borrowApy} dp={2} /></td>
                  <td><Amount value={m.interest} decimals={t.decimals} dp={4} /></td>
                  <td><Amount value={m.reserve} decimals={t.decimals} dp={4} /></td>
                </tr>
              );
            })}
          </Table>
        ))}</Loaded>
      </Section>
      <Section title="Synthetic assets minted against the pool" wide testid="synthetics">
        <Loaded live={synthetics}>{(rows) => (rows.length === 0 ? <p class="muted">No synthetic is listed.</p> : (
          <Table testid="synthetics-table" caption="Synthetics" head={['Token', 'Supply (= debt)', 'Cap', 'Price', 'Debt value', 'Issuers', 'Collateralisation', 'Fees paid', 'Minting', 'Least healthy issuers']}>
            {rows.map((r) => {
              const t = token(r.asset);
              const price = r.price.isSome ? r.price.unwrap() : null;
              return (
                <tr key={r.asset.toString()} data-asset={r.asset.toString()}>
                  <th scope="row">{t.symbol}</th>
                  <td><Amount value={r.supply} decimals={t.decimals} dp={4} /></td>
                  <td><Amount value={r.debtCap} decimals={t.decimals} dp={0} /></td>
                  <td>{price ? <><Price value={price[0]} />{price[1].isTrue ? null : <span class="badge warn">stale</span>}</> : '-'}</td>
                  <td><Amount value={r.debtValue.unwrapOr(null)} decimals={s.decimals} dp={2} /></td>
                  <td>{r.issuers.toNumber()}</td>
                  <td><Ratio value={r.collateralisation.unwrapOr(null)} /></td>
                  <td><Amount value={r.feesPaid} decimals={s.decimals} dp={2} /></td>
                  <td>{r.config.mintingPaused.isTrue ? <span class="badge danger">paused</span> : <span class="badge ok">open</span>}</td>
                  <td>{r.leastHealthy.length === 0 ? '-' : r.leastHealthy.map(([who, health]) => (
                    <div key={who.toString()}><a href={`#/account/${who.toString()}`}><Address value={who} /></a> <Amount value={health} decimals={s.decimals} dp={2} /></div>
                  ))}</td>
                </tr>
              );
            })}
          </Table>
        ))}</Loaded>
      </Section>
    </div>
  );
}
