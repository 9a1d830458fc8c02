// Shared pieces of the views: the signer context, a transaction runner with its status
// line, sections, tables and a pager.
import { createContext } from 'preact';
import { useContext, useState } from 'preact/hooks';
import { useChain } from './chain.jsx';
import { sendTx } from './signer.jsx';

/** `{ accounts, signer, setSigner }`: who the page signs as. */
export const SignerContext = createContext(null);
export const useSigner = () => useContext(SignerContext);

/**
 * A transaction runner: `[status, run]`. `run(label, build)` signs `build(api)` as the
 * selected account; `status` is `{ state: 'pending'|'ok'|'error', text }` for `<TxStatus>`.
 * Resolves with the block result, or null when it failed.
 */
export function useTx() {
  const { api } = useChain();
  const { signer } = useSigner();
  const [status, setStatus] = useState(null);
  const run = async (label, build) => {
    if (!signer) {
      setStatus({ state: 'error', text: `${label}: choose an account to sign with` });
      return null;
    }
    try {
      const tx = build(api);
      const result = await sendTx(api, tx, signer, (step) => setStatus({ state: 'pending', text: `${label} as ${signer.name}: ${step}…` }));
      if (result.error) {
        setStatus({ state: 'error', text: `${label} failed in block #${result.block}: ${result.error}${result.errorDocs ? ` (${result.errorDocs})` : ''}` });
        return null;
      }
      setStatus({ state: 'ok', text: `${label} as ${signer.name}: in block #${result.block}` });
      return result;
    } catch (error) {
      setStatus({ state: 'error', text: `${label}: ${error.message}` });
      return null;
    }
  };
  return [status, run];
}

/**
 * A form's fields: `[form, set]`, `set(key)` the input handler that writes one
 * field (a checkbox's `checked`, any other control's `value`).
 */
export function useForm(initial) {
  const [form, setForm] = useState(initial);
  const set = (key) => (e) => {
    const { type, checked, value } = e.currentTarget;
    setForm((f) => ({ ...f, [key]: type === 'checkbox' ? checked : value }));
  };
  return [form, set];
}

/** The status line of a `useTx` runner, announced to screen readers. */
export function TxStatus({ status, testid }) {
  return (
    <p class={`tx-status ${status?.state ?? ''}`} role="status" aria-live="polite" data-testid={testid} data-state={status?.state ?? ''}>
      {status?.text ?? ''}
    </p>
  );
}

/** A titled section of a view. */
export function Section({ title, children, testid, wide }) {
  const id = `section-${title.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;
  return (
    <section class={`card ${wide ? 'wide' : ''}`} aria-labelledby={id} data-testid={testid}>
      <h2 id={id}>{title}</h2>
      {children}
    </section>
  );
}

/** A table that scrolls sideways on a narrow screen. */
export function Table({ head, children, testid, caption }) {
  return (
    <div class="table-wrap">
      <table data-testid={testid}>
        {caption ? <caption class="visually-hidden">{caption}</caption> : null}
        <thead><tr>{head.map((h) => <th scope="col" key={h}>{h}</th>)}</tr></thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}

/** Loading and error states of a `useLive` result, else its content. */
export function Loaded({ live, children }) {
  if (live.error && live.data === undefined) return <p class="error" role="alert">{live.error.message}</p>;
  if (live.data === undefined) return <p class="muted">Loading…</p>;
  // `data-at`: the block the figures were read at (the tests compare the chain's there).
  return <div class="loaded" data-at={live.at ?? ''}>{children(live.data)}</div>;
}

/** Previous/next buttons of a paged list. */
export function Pager({ page, hasNext, onPage, label }) {
  return (
    <nav class="pager" aria-label={`${label} pages`}>
      <button type="button" disabled={page === 0} onClick={() => onPage(page - 1)}>← Previous</button>
      <span>page {page + 1}</span>
      <button type="button" disabled={!hasNext} onClick={() => onPage(page + 1)}>Next →</button>
    </nav>
  );
}

/** A labelled form field. */
export function Field({ label, children }) {
  return <label class="field"><span>{label}</span>{children}</label>;
}
