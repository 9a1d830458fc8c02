// Block-trade quotes, for scripts/quote.mjs, the e2e suite and the desk: a quote from
// human units, the exact bytes its maker signs, and its signature. It takes the
// @polkadot/api instance it works with, and imports only @polkadot/util.
//
// What a maker signs (pallets/blocktrade, `Pallet::signing_payload`): the SCALE encoding of
// the tuple `(Vec<u8>, Hash, Quote)` — the domain tag with its compact length, the chain's
// genesis hash, the quote. A quote signed for one chain is refused on any other.
import { compactAddLength, compactFromU8aLim, stringToU8a, u8aConcat, u8aToHex } from '@polkadot/util';

/** The tag every quote signature starts with (`pallet_blocktrade::QUOTE_DOMAIN`). */
export const QUOTE_DOMAIN = 'clearing-chain/block-trade-quote/v1';

/** `text` (a decimal such as "0.25") in units of 10^-`decimals`, exactly; throws if it has more decimals. */
export function parseDecimal(text, decimals) {
  const match = /^(\d+)(?:\.(\d+))?$/.exec(String(text).trim());
  if (!match) throw new Error(`not a non-negative decimal: ${text}`);
  const [, whole, fractional = ''] = match;
  if (fractional.length > decimals) throw new Error(`${text} has more than ${decimals} decimals`);
  return BigInt(whole) * 10n ** BigInt(decimals) + BigInt(fractional.padEnd(decimals, '0') || '0');
}

/** The runtime's type name of `execute_quote`'s quote argument. */
export function quoteTypeName(api) {
  const type = api.tx.blockTrade.executeQuote.meta.args[0].type.toString();
  // `Box<T>` is encoded as `T`.
  return type.replace(/^Box<(.*)>$/, '$1');
}

/** `quote` (an object with the runtime's field names in camelCase) as the runtime's type. */
export function encodeQuote(api, quote) {
  return api.createType(quoteTypeName(api), quote);
}

/** The bytes `quote`'s maker signs on `api`'s chain. */
export function signingPayload(api, quote) {
  return u8aConcat(
    compactAddLength(stringToU8a(QUOTE_DOMAIN)),
    api.genesisHash.toU8a(),
    encodeQuote(api, quote).toU8a(),
  );
}

/**
 * Whether the bytes this module has a maker sign for `quote` are the node's own
 * (`blockTradeApi.signingPayload`, read with `payloadFromApi`): check before signing, so
 * that an encoding that differs from the runtime's (an older runtime, a changed type) is
 * said, not just refused.
 */
export async function matchesNodePayload(api, quote) {
  const theirs = await api.call.blockTradeApi.signingPayload(encodeQuote(api, quote));
  return u8aToHex(payloadFromApi(theirs)) === u8aToHex(signingPayload(api, quote));
}

/**
 * The bytes of `blockTradeApi.signingPayload`'s answer. @polkadot/api 16 hands a runtime
 * call's `Vec<u8>` back with its SCALE length prefix still inside the `Bytes`: one prefix
 * that covers exactly the rest is taken off (a payload itself starts with the domain tag's
 * length, 35, which never covers the rest).
 */
export function payloadFromApi(value) {
  const u8a = value.toU8a(true);
  const [offset, length] = compactFromU8aLim(u8a);
  return offset > 0 && offset + length === u8a.length ? u8a.subarray(offset) : u8a;
}

/** `pair`'s (sr25519) signature over `quote`, as the `MultiSignature` `execute_quote` takes. */
export function signQuote(api, pair, quote) {
  if (pair.type !== 'sr25519') throw new Error(`quotes are signed with sr25519 keys, not ${pair.type}`);
  return { Sr25519: u8aToHex(pair.sign(signingPayload(api, quote))) };
}

/** Every listed market as `{ id, symbol, sizeDecimals, tick, lot }` (tick in 10^-18 USD). */
export async function listMarkets(api) {
  const entries = await api.query.clearing.markets.entries();
  return entries
    .map(([key, value]) => {
      const params = value.unwrap();
      return {
        id: key.args[0].toNumber(),
        symbol: new TextDecoder().decode(params.symbol.toU8a(true)),
        sizeDecimals: params.sizeDecimals.toNumber(),
        tick: params.tickSize.toBigInt(),
        lot: params.lotSize.toBigInt(),
      };
    })
    .sort((a, b) => a.id - b.id);
}

/**
 * A leg from `MARKET:SIDE:SIZE@PRICE` (e.g. `BTC-PERP:sell:0.5@60000`): the market by symbol
 * or id, the maker's side, the size in whole units, the price in USD. Returns the leg as
 * the runtime takes it (size in the market's size units, price in 10^-18 USD).
 */
export function parseLeg(text, markets) {
  const match = /^([^:]+):(buy|sell):([\d.]+)@([\d.]+)$/i.exec(text.trim());
  if (!match) throw new Error(`a leg is MARKET:buy|sell:SIZE@PRICE, not ${text}`);
  const [, name, side, size, price] = match;
  const market = markets.find((m) => m.symbol === name || String(m.id) === name);
  if (!market) throw new Error(`no market ${name} (listed: ${markets.map((m) => m.symbol).join(', ')})`);
  return {
    market: market.id,
    side: side.toLowerCase() === 'buy' ? 'Buy' : 'Sell',
    size: parseDecimal(size, market.sizeDecimals),
    price: parseDecimal(price, 18),
  };
}

/** `quote` as JSON-safe values (integers as decimal strings), for files and stdout. */
export function quoteToJson(quote) {
  return {
    maker: quote.maker,
    taker: quote.taker ?? null,
    takerPool: quote.takerPool ?? null,
    legs: quote.legs.map((leg) => ({
      market: leg.market,
      side: leg.side,
      size: String(leg.size),
      price: String(leg.price),
    })),
    expiresAt: quote.expiresAt,
    nonce: String(quote.nonce),
  };
}

/** The inverse of `quoteToJson`. */
export function quoteFromJson(json) {
  return {
    maker: json.maker,
    taker: json.taker ?? null,
    takerPool: json.takerPool ?? null,
    legs: json.legs.map((leg) => ({
      market: Number(leg.market),
      side: leg.side,
      size: BigInt(leg.size),
      price: BigInt(leg.price),
    })),
    expiresAt: Number(json.expiresAt),
    nonce: BigInt(json.nonce),
  };
}
