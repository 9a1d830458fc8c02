// The development chain's well-known ids, shared by the Node.js tools, the e2e suite, the
// load harness and the zombienet steps: the tokens created at genesis (runtime/src/tokens.rs)
// and the perpetual markets the dev preset lists (runtime/src/genesis_config_presets.rs).
// Imports nothing, so zombienet's CommonJS steps can load it too.

/** Asset ids: USDC, the settlement asset (6 decimals); BTC (8); ETH (18); DOT (10). */
export const USDC = 1;
export const BTC = 2;
export const ETH = 3;
export const DOT = 4;

/** Synthetic tokens listed in genesis: sBTC (8 decimals, on the BTC price), sETH (18, on
 * ETH), cUSD (6, pegged to one dollar). */
export const SBTC = 10;
export const SETH = 11;
export const CUSD = 12;

/** Market ids of the perpetuals listed in genesis. */
export const BTC_PERP = 0;
export const ETH_PERP = 1;
