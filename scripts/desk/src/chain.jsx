// The desk's one connection to a node: @polkadot/api over WebSocket, the chain's static
// facts (assets, settlement asset, markets), a subscription to new heads that every view
// refreshes on (no polling loops), and a rolling log of the events the views show.
import { createContext } from 'preact';
import { useContext, useEffect, useRef, useState } from 'preact/hooks';
import { ApiPromise, WsProvider } from '@polkadot/api';
import { symbolText } from './format.jsx';

/** Events kept for the live feeds (fills, liquidations, ADL, guards, governance). */
const EVENT_LOG_LIMIT = 500;
/** Blocks read back at start, so a feed opened late still shows what just happened. */
const BACKFILL_BLOCKS = 100;
/** The events the views follow, by `section.method`: fills (Markets) and risk (Risk). */
export const FOLLOWED_EVENTS = new Set([
  'orderbook.OrderFilled',
  'clearing.Liquidated', 'clearing.BorrowLiquidated', 'clearing.SyntheticDebtLiquidated',
  'clearing.AutoDeleveraged', 'clearing.BadDebtCovered', 'clearing.PriceJumpHeld', 'clearing.AdaptiveMarginMoved',
]);

export const ChainContext = createContext(null);

/** The chain as a view sees it: `{ api, facts, head, events, wsUrl }`. */
export const useChain = () => useContext(ChainContext);

/** Connects to `wsUrl` and reads what the views need once. */
export async function connect(wsUrl) {
  const api = await ApiPromise.create({ provider: new WsProvider(wsUrl), noInitWarn: true, throwOnConnect: true });
  const facts = await readFacts(api);
  return { api, facts };
}

/** Chain name and type, block time, assets by id, the settlement asset and markets by id. */
export async function readFacts(api) {
  const [chain, chainType, metadata, collateral] = await Promise.all([
    api.rpc.system.chain(),
    api.rpc.system.chainType(),
    api.query.assets.metadata.entries(),
    api.query.clearing.collateralAssets.entries(),
  ]);
  const assets = new Map();
  for (const [key, meta] of metadata) {
    const id = key.args[0].toNumber();
    assets.set(id, { id, symbol: meta.symbol.toUtf8(), name: meta.name.toUtf8(), decimals: meta.decimals.toNumber() });
  }
  const collateralAssets = collateral.map(([key, config]) => ({ id: key.args[0].toNumber(), config })).sort((a, b) => a.id - b.id);
  const settlementAsset = api.consts.clearing.settlementAsset.toNumber();
  return {
    chain: chain.toString(),
    isDevelopment: chainType.isDevelopment || chainType.isLocal,
    blockMs: Number(api.consts.aura?.slotDuration?.toString() ?? api.consts.timestamp.minimumPeriod.toNumber() * 2),
    assets,
    settlement: assets.get(settlementAsset) ?? { id: settlementAsset, symbol: 'USD', decimals: 6 },
    collateralAssets,
    markets: await readMarkets(api),
  };
}

/** Every listed market: id, symbol, size decimals, tick, lot, instrument and oracle key. */
export async function readMarkets(api) {
  const entries = await api.query.clearing.markets.entries();
  return entries.map(([key, option]) => {
    const params = option.unwrapOr ? option.unwrapOr(null) ?? option : option;
    return {
      id: key.args[0].toNumber(),
      symbol: symbolText(params.symbol),
      sizeDecimals: params.sizeDecimals.toNumber(),
      tickSize: params.tickSize.toBigInt(),
      lotSize: params.lotSize.toBigInt(),
      isOption: params.instrument.isOption,
      oracleKey: params.oracleKey,
    };
  }).sort((a, b) => a.id - b.id);
}

/**
 * The head subscription and the event log: returns `{ head, events }`, `head` the best
 * block (`{ number, hash }`) and `events` the followed events of the last blocks, newest
 * first, each `{ block, index, name, event }`.
 */
export function useHeads(api) {
  const [head, setHead] = useState(null);
  const [events, setEvents] = useState([]);
  useEffect(() => {
    if (!api) return undefined;
    let log = [];
    let stopped = false;
    const seen = new Set();
    const record = (number, records) => {
      if (seen.has(number)) return;
      seen.add(number);
      const fresh = [];
      records.forEach(({ event }, index) => {
        const name = `${event.section}.${event.method}`;
        if (FOLLOWED_EVENTS.has(name)) fresh.push({ block: number, index, name, event });
      });
      if (fresh.length === 0) return;
      log = [...fresh, ...log].sort((a, b) => b.block - a.block || b.index - a.index).slice(0, EVENT_LOG_LIMIT);
      if (!stopped) setEvents(log);
    };
    const unsubscribe = api.rpc.chain.subscribeNewHeads(async (header) => {
      const number = header.number.toNumber();
      setHead({ number, hash: header.hash.toHex() });
      try {
        record(number, await api.query.system.events.at(header.hash));
      } catch {
        // A pruned or reorganised block: its events are simply not shown.
      }
    });
    (async () => {
      const best = await api.rpc.chain.getHeader();
      let hash = best.parentHash;
      for (let i = 0; i < Math.min(BACKFILL_BLOCKS, best.number.toNumber()) && !stopped; i += 1) {
        const header = await api.rpc.chain.getHeader(hash);
        const number = header.number.toNumber();
        if (number === 0) break;
        record(number, await api.query.system.events.at(hash));
        hash = header.parentHash;
      }
    })().catch(() => {});
    return () => {
      stopped = true;
      unsubscribe.then((u) => u());
    };
  }, [api]);
  return { head, events };
}

/**
 * `load(api)` run at every new head (and when `deps` change): `{ data, error, loading }`.
 * A load still running when the next head arrives is not started twice: the newest head
 * runs once it is done, so a slow node is never queued behind.
 */
export function useLive(load, deps = []) {
  const { api, head } = useChain();
  const [state, setState] = useState({ data: undefined, error: null, loading: true });
  const running = useRef(false);
  const again = useRef(false);
  const generation = useRef(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  const run = async (gen) => {
    if (running.current) { again.current = true; return; }
    running.current = true;
    try {
      const data = await loadRef.current(api);
      if (gen === generation.current) setState({ data, error: null, loading: false });
    } catch (error) {
      if (gen === generation.current) setState((s) => ({ data: s.data, error, loading: false }));
    } finally {
      running.current = false;
      if (again.current) { again.current = false; run(generation.current); }
    }
  };
  useEffect(() => {
    generation.current += 1;
    setState((s) => ({ ...s, data: undefined, loading: true }));
    run(generation.current);
  }, deps);
  useEffect(() => { if (head) run(generation.current); }, [head?.hash]);
  return state;
}
