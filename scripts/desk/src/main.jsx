// The clearing desk: a web page over a clearing-chain node, for traders (Markets,
// Account, Pool, Block trades), risk managers (Risk) and voters (Governance). The node's
// WebSocket URL comes from `?ws=` (the server's default otherwise); views are routed by the
// URL's hash.
import { Component, render } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { ChainContext, connect, useHeads } from './chain.jsx';
import { grouped } from './format.jsx';
import { loadSigners } from './signer.jsx';
import { SignerContext } from './ui.jsx';
import { MarketsView } from './views/markets.jsx';
import { AccountView } from './views/account.jsx';
import { RiskView } from './views/risk.jsx';
import { GovernanceView } from './views/governance.jsx';
import { PoolView } from './views/pool.jsx';
import { BlockTradeView } from './views/blocktrade.jsx';

const VIEWS = [
  ['markets', 'Markets', MarketsView],
  ['account', 'Account', AccountView],
  ['pool', 'Pool', PoolView],
  ['blocktrade', 'Block trades', BlockTradeView],
  ['risk', 'Risk', RiskView],
  ['governance', 'Governance', GovernanceView],
];

/** `#/view/arg` as `{ view, arg }`. */
function parseRoute() {
  const [, view = 'markets', arg = ''] = window.location.hash.split('/');
  return { view: VIEWS.some(([id]) => id === view) ? view : 'markets', arg: decodeURIComponent(arg) };
}

function wsUrl() {
  const params = new URLSearchParams(window.location.search);
  return params.get('ws') ?? window.DESK_CONFIG?.ws ?? 'ws://127.0.0.1:9944';
}

/** Keeps a view's failure inside the view: the header and the other views go on. */
class ViewGuard extends Component {
  componentDidCatch(error) {
    this.setState({ error });
  }

  render({ children }, { error }) {
    if (error) {
      return (
        <p class="error" role="alert">This view failed: {error.message}.{' '}
          <button type="button" onClick={() => this.setState({ error: null })}>Try again</button></p>
      );
    }
    return children;
  }
}

function App() {
  const url = useMemo(wsUrl, []);
  const [connection, setConnection] = useState(null);
  const [failure, setFailure] = useState(null);
  const [route, setRoute] = useState(parseRoute());
  const [accounts, setAccounts] = useState([]);
  const [signerAddress, setSignerAddress] = useState(localStorage.getItem('desk.signer'));

  useEffect(() => {
    let cancelled = false;
    connect(url).then(async (c) => {
      if (cancelled) return;
      setConnection(c);
      setAccounts(await loadSigners(c.facts));
    }, (error) => setFailure(error));
    return () => { cancelled = true; };
  }, [url]);
  useEffect(() => {
    const onHash = () => setRoute(parseRoute());
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  const { head, events } = useHeads(connection?.api);

  const signer = accounts.find((a) => a.address === signerAddress) ?? accounts[0] ?? null;
  const chooseSigner = (address) => {
    localStorage.setItem('desk.signer', address);
    setSignerAddress(address);
  };

  if (failure) {
    return <main class="connecting"><p role="alert" class="error">Cannot reach the node at {url}: {failure.message}</p></main>;
  }
  if (!connection) {
    return <main class="connecting"><p role="status">Connecting to {url}…</p></main>;
  }
  const View = VIEWS.find(([id]) => id === route.view)[2];
  const chain = { ...connection, head, events, wsUrl: url };
  return (
    <ChainContext.Provider value={chain}>
      <SignerContext.Provider value={{ accounts, signer, setSigner: chooseSigner }}>
        <a class="skip" href="#main" onClick={(e) => { e.preventDefault(); document.getElementById('main').focus(); }}>Skip to content</a>
        <header class="top">
          <div class="brand">
            <strong>Clearing desk</strong>
            {/* The node shown on hover: the page trusts what that node says. */}
            <span class="chain" data-testid="chain-name" title={`node: ${url}`}>{connection.facts.chain}</span>
            <span class="block" data-testid="block-number" data-block={head?.number ?? ''} aria-live="off">
              block #{head ? grouped(head.number) : '…'}
            </span>
          </div>
          <nav aria-label="Views">
            <ul class="tabs">
              {VIEWS.map(([id, label]) => (
                <li key={id}><a href={`#/${id}`} aria-current={route.view === id ? 'page' : undefined} data-testid={`tab-${id}`}>{label}</a></li>
              ))}
            </ul>
          </nav>
          <label class="signer">
            <span>Sign as</span>
            <select data-testid="signer" value={signer?.address ?? ''} onChange={(e) => chooseSigner(e.currentTarget.value)}>
              {accounts.length === 0 ? <option value="">no account (read only)</option> : null}
              {accounts.map((a) => <option key={a.address} value={a.address}>{a.name} ({a.source})</option>)}
            </select>
          </label>
        </header>
        <main id="main" tabIndex={-1} data-view={route.view}>
          <ViewGuard key={route.view}><View arg={route.arg} /></ViewGuard>
        </main>
      </SignerContext.Provider>
    </ChainContext.Provider>
  );
}

const root = document.getElementById('desk');
root.textContent = '';
render(<App />, root);
