// The desk's one connection to a node: @polkadot/api over WebSocket, the chain's static
// facts (assets, settlement asset, markets), a subscription to new heads that every view
// refreshes on (no polling loops), and a rolling log of the events the views show.
import { createContext } from 'preact';
import { useContext, useEffect, useRef, useState } from 'preact/hooks';
import { ApiPromise, WsProvider } from '@polkadot/api';
import { symbolText } from './format.jsx';

/** Events kept for the live feeds (fills, liquidations, ADL, guards, block trades, pools). */
const EVENT_LOG_LIMIT = 500;
/** Blocks read back at start, so a feed opened late still shows what just happened. */
const BACKFILL_BLOCKS = 100;
/** Block trades (Block trades view): quotes executed and cancelled, markets' terms. */
export const BLOCK_TRADE_EVENTS = new Set(['blockTrade.QuoteExecuted', 'blockTrade.QuotesCancelled', 'blockTrade.TermsSet']);
/** Permissioned pools (Block trades view; a pool's fund paying bad debt, the Risk view too). */
export const POOL_EVENTS = new Set([
  'clearing.PoolCreated', 'clearing.PoolAdminChanged', 'clearing.PoolMemberAdded', 'clearing.PoolMemberRemoved',
  'clearing.MarketPoolSet', 'clearing.PoolInsuranceFunded', 'clearing.PoolBadDebtCovered',
]);
/**
 * The events the views follow, by `section.method`: fills (Markets), risk (Risk), block
 * trades and pools (Block trades).
 */
export const FOLLOWED_EVENTS = new Set([
  'orderbook.OrderFilled',
  'clearing.Liquidated', 'clearing.BorrowLiquidated', 'clearing.SyntheticDebtLiquidated',
  'clearing.AutoDeleveraged', 'clearing.BadDebtCovered', 'clearing.PriceJumpHeld', 'clearing.AdaptiveMarginMoved',
  ...BLOCK_TRADE_EVENTS, ...POOL_EVENTS,
]);

/**
 * The `clearing.TradeSettled` events of the quote `records[at]` executed (`QuoteExecuted`):
 * those of its extrinsic after the extrinsic's previous quote, between its maker and taker.
 */
function settledLegs(records, at) {
  const { event, phase } = records[at];
  const extrinsic = phase.isApplyExtrinsic ? phase.asApplyExtrinsic.toNumber() : null;
  const [maker, taker] = [event.data.maker.toString(), event.data.taker.toString()];
  const legs = [];
  for (let i = at - 1; i >= 0; i -= 1) {
    const r = records[i];
    if (!r.phase.isApplyExtrinsic || r.phase.asApplyExtrinsic.toNumber() !== extrinsic) break;
    const name = `${r.event.section}.${r.event.method}`;
    if (name === 'blockTrade.QuoteExecuted') break;
    if (name === 'clearing.TradeSettled' && r.event.data.maker.toString() === maker && r.event.data.taker.toString() === taker) {
      legs.unshift(r.event.data);
    }
  }
  return legs;
}

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
    const params = option.unwrap(); // entries() lists only markets that exist
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
 * first, each `{ block, hash, index, name, event }` (a `blockTrade.QuoteExecuted` also with
 * `legs`, its legs' `clearing.TradeSettled` data). A head that skips heights (several
 * blocks imported at once) has the blocks between read too; a head that replaces a block
 * (a reorganisation) drops the replaced blocks' events.
 */
export function useHeads(api) {
  const [head, setHead] = useState(null);
  const [events, setEvents] = useState([]);
  useEffect(() => {
    if (!api) return undefined;
    let log = [];
    let stopped = false;
    // Hash of the block recorded at each height (the best chain as last seen).
    const recorded = new Map();
    const publish = () => { if (!stopped) setEvents(log); };
    const record = async (number, hash) => {
      if (recorded.get(number) === hash) return;
      const records = await api.query.system.events.at(hash);
      const replaced = recorded.get(number);
      recorded.set(number, hash);
      const fresh = [];
      records.forEach(({ event }, index) => {
        const name = `${event.section}.${event.method}`;
        if (!FOLLOWED_EVENTS.has(name)) return;
        const entry = { block: number, hash, index, name, event };
        // An executed quote carries its legs as the clearing house settled them.
        if (name === 'blockTrade.QuoteExecuted') entry.legs = settledLegs(records, index);
        fresh.push(entry);
      });
      if (fresh.length === 0 && replaced === undefined) return;
      log = [...fresh, ...log.filter((e) => e.hash !== replaced)]
        .sort((a, b) => b.block - a.block || b.index - a.index)
        .slice(0, EVENT_LOG_LIMIT);
      publish();
    };
    // Reads `header`'s block and, walking back through parents, every block down to
    // `floor` the log does not hold as it is on this chain.
    const recordDown = async (header, floor) => {
      let current = header;
      for (;;) {
        const number = current.number.toNumber();
        if (number < floor || number === 0 || stopped) break;
        const hash = current.hash.toHex();
        if (recorded.get(number) === hash) break;
        await record(number, hash);
        current = await api.rpc.chain.getHeader(current.parentHash);
      }
      // Heights far below the log's window are forgotten.
      for (const number of recorded.keys()) if (number < floor - BACKFILL_BLOCKS) recorded.delete(number);
    };
    let queue = Promise.resolve();
    const unsubscribe = api.rpc.chain.subscribeNewHeads((header) => {
      const number = header.number.toNumber();
      setHead({ number, hash: header.hash.toHex() });
      // One walk at a time, in the order the heads came.
      queue = queue.then(() => recordDown(header, number - BACKFILL_BLOCKS)).catch(() => {
        // A pruned block: its events are not shown.
      });
    });
    return () => {
      stopped = true;
      unsubscribe.then((u) => u());
    };
  }, [api]);
  return { head, events };
}

/**
 * `load(api, at)` run at every new head (and when `deps` change): `{ data, error, loading,
 * at }`. `at` is the state at the head the load was started for (`api.at(hash)`), with its
 * `number`, so that the reads of one load come from one block. A load still running when
 * the next head arrives is not started twice: the newest head runs once it is done, so a
 * slow node is never queued behind. Data of other `deps` is never shown under new ones.
 */
export function useLive(load, deps = []) {
  const { api, head } = useChain();
  const key = JSON.stringify(deps);
  const [state, setState] = useState({ key, data: undefined, error: null, loading: true });
  const running = useRef(false);
  const again = useRef(false);
  const mounted = useRef(true);
  const keyRef = useRef(key);
  const headRef = useRef(head);
  const loadRef = useRef(load);
  keyRef.current = key;
  headRef.current = head;
  loadRef.current = load;
  const run = async () => {
    if (running.current) { again.current = true; return; }
    running.current = true;
    const forKey = keyRef.current;
    try {
      const target = headRef.current;
      const at = target ? Object.assign(await api.at(target.hash), { number: target.number }) : api;
      const data = await loadRef.current(api, at);
      if (mounted.current && forKey === keyRef.current) setState({ key: forKey, data, error: null, loading: false, at: target?.number });
    } catch (error) {
      if (mounted.current && forKey === keyRef.current) setState((s) => ({ ...(s.key === forKey ? s : { data: undefined }), key: forKey, error, loading: false }));
    } finally {
      running.current = false;
      if (again.current && mounted.current) { again.current = false; run(); }
    }
  };
  useEffect(() => () => { mounted.current = false; }, []);
  useEffect(() => { run(); }, [key, head?.hash]);
  // A result for other deps is not this view's: loading until its own arrives.
  return state.key === key ? state : { key, data: undefined, error: null, loading: true };
}
