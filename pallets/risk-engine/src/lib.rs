//! # Risk engine
//!
//! The clearing chain's risk math as plain `no_std` Rust: numbers in, numbers out. No FRAME
//! and no storage; the clearing pallet, its off-chain worker, its runtime API and its
//! benchmarks all call these same functions, so they can never disagree.
//!
//! ## Overview
//! - [`collateral`]: what a multi-asset collateral pool is worth for margin (per-asset
//!   haircuts for initial and maintenance; borrows and a negative settlement balance as
//!   weighted debts).
//! - [`perpetual`]: perpetual positions: entry accounting, realized and unrealized PnL,
//!   trade fees, funding from a cumulative index, the funding rate of an interval.
//! - [`margin`]: tiered margin requirements; cross margin (one pool behind every position)
//!   and isolated margin (one position, its own margin); option series' standard margin;
//!   health, free collateral and liquidation prices.
//! - [`orders`]: the initial margin an account's resting orders need.
//! - [`liquidation`]: the fewest lots a partial liquidation closes to restore health, and
//!   the share of every position a portfolio-margined account's liquidation closes.
//! - [`price_guard`]: the jump breaker that holds an oracle price moving too far at once.
//! - [`fixed_math`]: deterministic fixed-point `sqrt`, `exp`, `ln` and the standard normal
//!   density and distribution, with documented maximum errors, for option pricing; and a
//!   table-based distribution function, within a unit, for the portfolio scan.
//! - [`options`]: Black-76 premiums, delta, gamma and vega of European calls and puts.
//! - [`portfolio`]: portfolio margin: scenario revaluation per underlying, extreme moves,
//!   short-option minimums, correlation across underlyings; the fast scan and the bound
//!   that keeps it conservative.
//! - [`bands`]: safety bands: how far each price an account depends on may move before
//!   its health can reach zero (the liquidation index's bound).
//! - [`money_market`]: the lending market inside the collateral pool: scaled supply and
//!   borrow balances against cumulative indices, the kinked borrow-rate curve, accrual that
//!   splits borrowers' interest between suppliers and the reserve to the unit, and the
//!   conversions (repay before supply, spend supply before borrowing) rounded against the
//!   account.
//! - [`adaptive`]: an EWMA volatility estimate per underlying, the margin fractions it
//!   implies (with open-interest scaling), the ramp that moves the fractions in force
//!   towards them a step a block, and the schedule shifted to them; the clearing pallet
//!   runs it for every market governance puts under adaptive margin.
//!
//! ## Units
//! - Token amounts are unsigned integers in the token's smallest units ([`Balance`]).
//! - Settlement amounts (USDC) are signed integers in its smallest units ([`QuoteAmount`]):
//!   balances, PnL, funding, equity and requirements are all expressed in them.
//! - Sizes are signed integers in a market's smallest size units ([`SizeUnits`]); positive
//!   is long.
//! - Prices are 18-decimal [`Price`]s (`FixedU128`): dollars per one whole unit. The
//!   settlement asset is the numeraire and counts at par.
//! - Fractions (haircuts, margin fractions, fees) are [`Perbill`](sp_arithmetic::Perbill)s.
//!
//! ## Rounding
//! Every conversion states its rounding, always against the account: what it owns rounds
//! down, what it owes or must hold rounds up. Trades are the exception that keeps the books
//! exact: both sides compute the trade's value the same way (toward zero), so what one side
//! pays the other receives to the unit.
//!
//! ## Totality
//! Every function returns a [`RiskError`] instead of panicking, for any input: arithmetic is
//! checked, divisions are guarded, conversions between signed and unsigned are checked.

#![cfg_attr(not(feature = "std"), no_std)]
#![deny(missing_docs)]

extern crate alloc;

pub mod adaptive;
pub mod bands;
pub mod collateral;
pub mod fixed_math;
pub mod liquidation;
pub mod margin;
pub mod money_market;
pub mod options;
pub mod orders;
pub mod perpetual;
pub mod portfolio;
pub mod price_guard;
pub mod synthetics;
pub mod types;

pub use collateral::{
	collateral_value, holding_margin_value, holding_market_value, liability_margin_value,
	liability_market_value, settlement_margin_value, CollateralHolding, CollateralParams,
	LiabilityHolding, LiabilityWeights, MarginLevel,
};
pub use liquidation::{
	close_outcome, partial_liquidation_size, portfolio_close_share, reaches_target,
	LiquidationContext, LiquidationSize,
};
pub use margin::{
	cross_liquidation_price, cross_margin, isolated_liquidation_price, isolated_margin,
	margin_requirement, position_margin, size_requirement, validate_tiers, CrossAccount,
	CrossMargin, IsolatedMargin, IsolatedPosition, MarginTier, OptionTerms, PerpExposure,
	PositionMargin,
};
pub use orders::{open_order_margin, OpenOrders, OrderSide};
pub use perpetual::{
	apply_trade, funding_index_increment, funding_owed, funding_rate, mark_value, notional,
	settle_funding, trade_fee, trade_value, unrealized_pnl, Position, TradeOutcome,
};
pub use price_guard::{
	guard_price, price_in_domain, GuardedPrice, HeldJump, JumpBreaker, MAX_PRICE,
};
pub use types::{
	Balance, FundingIndex, Price, QuoteAmount, RiskError, SignedRounding, SizeUnits, UnitScale,
};
