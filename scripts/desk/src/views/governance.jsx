// Governance: open referenda on the risk-parameter track, each decoded (which parameter,
// from what to what) with `previewRiskChange` (who would become liquidatable), its tally
// and time left, and a vote with conviction; and a form that builds a risk change from the
// values in force, previews it and submits it as a referendum.
import { useState } from 'preact/hooks';
import { blake2AsHex } from '@polkadot/util-crypto';
import { changeFromCall, previewToJson, riskChangeType, SETTERS, setterCall } from '../../../lib/risk-changes.mjs';
import { useChain, useLive } from '../chain.jsx';
import { Address, Amount, blocksAsTime, decimal, grouped, parseDecimal } from '../format.jsx';
import { currentValue, SUBJECTS, subjectOf } from '../risk-params.js';
import { Field, Loaded, Section, Table, TxStatus, useForm, useSigner, useTx } from '../ui.jsx';

/** The risk-parameter track's name in the runtime (track ids are read from it). */
const RISK_TRACK_NAME = 'risk_parameters';
const CONVICTIONS = ['None', 'Locked1x', 'Locked2x', 'Locked3x', 'Locked4x', 'Locked5x', 'Locked6x'];
/** Referenda decided recently that stay listed. */
const RECENT_SHOWN = 5;

function riskTrack(api) {
  const entry = api.consts.referenda.tracks.find(([, info]) => info.name.toString().replace(/\0+$/, '') === RISK_TRACK_NAME);
  return entry ? { id: entry[0].toNumber(), info: entry[1] } : null;
}

/** The proposal's call, from the preimage pallet (or inline), or null. */
async function proposalCall(api, proposal) {
  let bytes = null;
  if (proposal.isInline) bytes = proposal.asInline;
  else if (proposal.isLookup) {
    // The registry names the field `hash_`: a codec's own `hash` (the blake2 of its
    // encoding) would shadow it.
    const lookup = proposal.asLookup;
    const stored = await api.query.preimage.preimageFor([lookup.get('hash_') ?? lookup.get('hash'), lookup.get('len')]);
    bytes = stored.isSome ? stored.unwrap() : null;
  }
  return bytes ? api.registry.createType('Call', bytes) : null;
}

/** A change and what it would change: `{ change, variant, current, preview, refusal }`. */
async function decodeChange(api, change) {
  const variant = change.type;
  const json = change.toJSON();
  const body = Object.values(json)[0];
  let current = null;
  try {
    const now = await currentValue(api, variant, subjectOf(variant, body));
    current = now ? api.createType(riskChangeType(api), { [variant]: now }) : null;
  } catch {
    current = null;
  }
  const result = await api.call.clearingApi.previewRiskChange(change);
  return { change, variant, current, preview: result.isOk ? previewToJson(result.asOk) : null, refusal: result.isErr ? result.asErr.toString() : null };
}

/**
 * Decoded proposals by referendum and preimage: a proposal never changes, and its preview
 * (a scan of every account with positions, heavy on a large chain) is refreshed only every
 * `PREVIEW_REFRESH_BLOCKS`, not at each of the page's head updates.
 */
const decodedCache = new Map();
const PREVIEW_REFRESH_BLOCKS = 10;

async function decodeCached(api, index, call, now) {
  const key = `${index}:${call.hash.toHex()}`;
  const cached = decodedCache.get(key);
  if (cached && now - cached.at < PREVIEW_REFRESH_BLOCKS) return cached.decoded;
  const change = changeFromCall(api, call);
  const decoded = change ? { ...(await decodeChange(api, change)), previewedAt: now } : null;
  decodedCache.set(key, { at: now, decoded });
  return decoded;
}

async function loadReferenda(api) {
  const track = riskTrack(api);
  const [entries, issuance, best] = await Promise.all([
    api.query.referenda.referendumInfoFor.entries(),
    api.query.balances.totalIssuance(),
    api.rpc.chain.getHeader(),
  ]);
  const now = best.number.toNumber();
  const ongoing = [];
  const recent = [];
  for (const [key, info] of entries) {
    const index = key.args[0].toNumber();
    if (info.isNone) continue;
    const value = info.unwrap();
    if (value.isOngoing) {
      const o = value.asOngoing;
      if (track && o.track.toNumber() !== track.id) continue;
      const call = await proposalCall(api, o.proposal);
      ongoing.push({ index, o, call, decoded: call ? await decodeCached(api, index, call, now) : null });
    } else {
      recent.push({ index, state: value.type });
    }
  }
  ongoing.sort((a, b) => b.index - a.index);
  recent.sort((a, b) => b.index - a.index);
  return { track, ongoing, recent: recent.slice(0, RECENT_SHOWN), issuance: issuance.toBigInt(), now };
}

export function GovernanceView() {
  const live = useLive(loadReferenda, []);
  return (
    <div class="view">
      <Section title="Open referenda on the risk-parameter track" wide testid="referenda">
        <Loaded live={live}>{(data) => (
          <>
            {data.ongoing.length === 0 ? <p class="muted" data-testid="no-referenda">No referendum is open on the risk track.</p> : null}
            {data.ongoing.map((r) => <Referendum key={r.index} r={r} data={data} />)}
            {data.recent.length > 0 ? (
              <p class="muted">Decided: {data.recent.map((r) => `#${r.index} ${r.state.toLowerCase()}`).join(', ')}.</p>
            ) : null}
          </>
        )}</Loaded>
      </Section>
      <Propose />
    </div>
  );
}

function Referendum({ r, data }) {
  const { facts } = useChain();
  const { o, decoded, index } = r;
  const clr = { decimals: 12, symbol: 'CLR' };
  const ayes = o.tally.ayes.toBigInt();
  const nays = o.tally.nays.toBigInt();
  const support = o.tally.support.toBigInt();
  const approval = ayes + nays > 0n ? (ayes * 10_000n) / (ayes + nays) : 0n;
  const supportShare = data.issuance > 0n ? (support * 1_000_000n) / data.issuance : 0n;
  const info = data.track?.info;
  let phase;
  if (o.deciding.isSome) {
    const deciding = o.deciding.unwrap();
    if (deciding.confirming.isSome) {
      const end = deciding.confirming.unwrap().toNumber();
      phase = `confirming: passes at block #${grouped(end)}, in ${blocksAsTime(end - data.now, facts.blockMs)}`;
    } else {
      const end = deciding.since.toNumber() + (info ? info.decisionPeriod.toNumber() : 0);
      phase = `deciding: ${blocksAsTime(end - data.now, facts.blockMs)} left (until block #${grouped(end)})`;
    }
  } else if (o.decisionDeposit.isNone) {
    phase = 'waiting for its decision deposit';
  } else {
    const end = o.submitted.toNumber() + (info ? info.preparePeriod.toNumber() : 0);
    phase = `preparing: deciding starts in ${blocksAsTime(end - data.now, facts.blockMs)}`;
  }
  return (
    <article class="referendum" data-referendum={index} aria-labelledby={`ref-${index}`}>
      <h3 id={`ref-${index}`}>Referendum #{index}: {decoded ? decoded.variant : r.call ? `${r.call.section}.${r.call.method}` : 'proposal not available'}</h3>
      <p data-testid="phase">{phase}</p>
      <dl class="tally">
        <dt>Ayes</dt><dd><Amount value={ayes} {...clr} dp={0} testid="ayes" /></dd>
        <dt>Nays</dt><dd><Amount value={nays} {...clr} dp={0} testid="nays" /></dd>
        <dt>Approval</dt><dd data-testid="approval">{decimal(approval, 2, 2)}%</dd>
        <dt>Support</dt><dd><Amount value={support} {...clr} dp={0} testid="support" /> ({decimal(supportShare, 4, 4)}% of issuance)</dd>
      </dl>
      {decoded ? <ChangeDiff decoded={decoded} /> : null}
      {decoded ? <PreviewView preview={decoded.preview} refusal={decoded.refusal} at={decoded.previewedAt} /> : null}
      <VoteForm index={index} />
    </article>
  );
}

/** The change's fields, in force now and proposed. */
function ChangeDiff({ decoded }) {
  const to = decoded.change.toHuman();
  const from = decoded.current?.toHuman();
  const toFields = Object.values(to)[0] ?? {};
  const fromFields = from ? Object.values(from)[0] ?? {} : {};
  return (
    <Table testid="change-diff" caption="The change" head={['Parameter', 'In force', 'Proposed']}>
      {Object.keys(toFields).map((field) => {
        const was = JSON.stringify(fromFields[field] ?? null);
        const will = JSON.stringify(toFields[field]);
        return (
          <tr key={field} data-field={field} class={was !== will ? 'changed' : ''}>
            <th scope="row">{field}</th>
            <td><code>{from ? was : 'not shown'}</code></td>
            <td><code>{will}</code></td>
          </tr>
        );
      })}
    </Table>
  );
}

function PreviewView({ preview, refusal, at }) {
  const { facts } = useChain();
  const s = facts.settlement;
  if (refusal) return <p class="error" role="alert">The chain refuses this change: {refusal}</p>;
  if (!preview) return null;
  return (
    <div class="preview" data-testid="preview">
      <p>Preview{at ? ` at block #${grouped(at)}` : ''} over {grouped(preview.accountsChecked)} accounts with positions:
        below maintenance <strong data-testid="below-maintenance">{preview.before.accountsBelowMaintenance} → {preview.after.accountsBelowMaintenance}</strong>
        {' '}(equity <Amount value={BigInt(preview.before.equityBelowMaintenance)} decimals={s.decimals} dp={2} /> → <Amount value={BigInt(preview.after.equityBelowMaintenance)} decimals={s.decimals} dp={2} /> {s.symbol}),
        below initial {preview.before.accountsBelowInitial} → {preview.after.accountsBelowInitial}.</p>
      <p>Would become liquidatable: {preview.newlyBelowMaintenance.length === 0 ? 'nobody' : preview.newlyBelowMaintenance.map((who) => (
        <a key={who} href={`#/account/${who}`} data-newly-liquidatable={who}><Address value={who} /></a>
      ))}</p>
      <p>Would fall below initial margin: {preview.newlyBelowInitial.length === 0 ? 'nobody' : preview.newlyBelowInitial.map((who) => <Address key={who} value={who} />)}</p>
    </div>
  );
}

function VoteForm({ index }) {
  const [status, run] = useTx();
  const [form, set] = useForm({ aye: 'aye', conviction: 'Locked1x', amount: '' });
  const vote = (e) => {
    e.preventDefault();
    run(`vote ${form.aye} on #${index}`, (api) => api.tx.convictionVoting.vote(index, {
      Standard: { vote: { aye: form.aye === 'aye', conviction: form.conviction }, balance: parseDecimal(form.amount, 12) },
    }));
  };
  return (
    <form class="grid-form" onSubmit={vote} aria-label={`Vote on referendum ${index}`}>
      <fieldset class="radios">
        <legend>Vote</legend>
        <label><input type="radio" name={`aye-${index}`} value="aye" checked={form.aye === 'aye'} onChange={set('aye')} /> Aye</label>
        <label><input type="radio" name={`aye-${index}`} value="nay" checked={form.aye === 'nay'} onChange={set('aye')} /> Nay</label>
      </fieldset>
      <Field label="Conviction"><select name="conviction" value={form.conviction} onChange={set('conviction')}>
        {CONVICTIONS.map((c, i) => <option key={c} value={c}>{i === 0 ? '0.1× votes, no lock' : `${i}× votes, locked ${2 ** (i - 1)} periods`}</option>)}
      </select></Field>
      <Field label="Amount (CLR)"><input name="vote-amount" value={form.amount} onInput={set('amount')} inputMode="decimal" required /></Field>
      <button type="submit" data-testid="vote">Vote</button>
      <TxStatus status={status} testid="vote-status" />
    </form>
  );
}

function Propose() {
  const { api, facts } = useChain();
  const { signer } = useSigner();
  const [status, run] = useTx();
  const [variant, setVariant] = useState('MarketMarginTiers');
  const [subject, setSubject] = useState('0');
  const [text, setText] = useState('');
  const [checked, setChecked] = useState(null);
  const [problem, setProblem] = useState(null);
  const kind = SUBJECTS[variant];

  const subjectValue = () => {
    if (kind === 'market' || kind === 'asset') return Number(subject);
    if (kind === 'pair') {
      const [first, second] = subject.split(',').map((s) => ({ Price: s.trim() }));
      return { first, second };
    }
    return null;
  };
  const loadCurrent = async () => {
    setProblem(null);
    setChecked(null);
    try {
      const now = await currentValue(api, variant, subjectValue());
      if (!now) { setProblem(`nothing to change: no ${kind} ${subject}`); return; }
      const change = api.createType(riskChangeType(api), { [variant]: now });
      setText(JSON.stringify(Object.values(change.toJSON())[0], null, 1));
    } catch (error) {
      setProblem(`cannot read the values in force: ${error.message}`);
    }
  };
  const build = () => {
    const fields = JSON.parse(text);
    return api.createType(riskChangeType(api), { [variant]: fields });
  };
  const preview = async (e) => {
    e?.preventDefault();
    setProblem(null);
    try {
      setChecked(await decodeChange(api, build()));
    } catch (error) {
      setProblem(error.message);
    }
  };
  const submit = async () => {
    setProblem(null);
    try {
      const call = setterCall(api, build());
      const encoded = call.method.toU8a();
      const hash = blake2AsHex(encoded);
      // The bytes themselves, not a request for them: a requested preimage is not noted yet.
      const stored = await api.query.preimage.preimageFor([hash, encoded.length]);
      if (stored.isNone && !(await run('note the preimage', (a) => a.tx.preimage.notePreimage(call.method.toHex())))) return;
      const submitted = await run('submit the referendum', (a) => a.tx.referenda.submit({ Origins: 'RiskParameters' }, { Lookup: { hash, len: encoded.length } }, { After: 0 }));
      if (!submitted) return;
      const event = submitted.events.find(({ event: e }) => api.events.referenda.Submitted.is(e));
      if (!event) throw new Error('the block has no referenda.Submitted event');
      const index = event.event.data.index.toNumber();
      await run(`place the decision deposit of #${index}`, (a) => a.tx.referenda.placeDecisionDeposit(index));
    } catch (error) {
      setProblem(error.message);
    }
  };

  return (
    <Section title="Propose a risk change" wide testid="propose">
      <form class="grid-form" onSubmit={preview} aria-label="Build a risk change">
        <Field label="Parameter"><select name="variant" value={variant} onChange={(e) => { setVariant(e.currentTarget.value); setText(''); setChecked(null); }}>
          {Object.keys(SETTERS).map((v) => <option key={v} value={v}>{v}</option>)}
        </select></Field>
        {kind === 'market' ? <Field label="Market"><select name="subject" value={subject} onChange={(e) => setSubject(e.currentTarget.value)}>
          {facts.markets.map((m) => <option key={m.id} value={m.id}>{m.symbol}</option>)}
        </select></Field> : null}
        {kind === 'asset' ? <Field label="Asset id"><input name="subject" value={subject} onInput={(e) => setSubject(e.currentTarget.value)} /></Field> : null}
        {kind === 'pair' ? <Field label="Underlyings (e.g. BTC,ETH)"><input name="subject" value={subject} onInput={(e) => setSubject(e.currentTarget.value)} /></Field> : null}
        <button type="button" data-testid="load-current" onClick={loadCurrent}>Start from the values in force</button>
        <Field label="New values (JSON; Perbill in parts per billion, fixed point in 10^-18)">
          <textarea name="change" rows={8} cols={60} value={text} onInput={(e) => { setText(e.currentTarget.value); setChecked(null); }} />
        </Field>
        <button type="submit" data-testid="preview-change">Preview</button>
        <button type="button" data-testid="submit-change" disabled={!checked || !!checked.refusal || !signer} onClick={submit}>Submit as a referendum</button>
      </form>
      {problem ? <p class="error" role="alert">{problem}</p> : null}
      {checked ? <div data-testid="proposal-preview"><ChangeDiff decoded={checked} /><PreviewView preview={checked.preview} refusal={checked.refusal} /></div> : null}
      <TxStatus status={status} testid="propose-status" />
    </Section>
  );
}
