//! What the pallet tells the world. Units and signs are in each field's doc, because
//! Polkadot.js apps shows the raw numbers.

use frame_support::pallet_macros::pallet_section;

/// The pallet's events; imported into [`crate::pallet`].
#[pallet_section]
mod events {
	/// The pallet's events. Units, as Polkadot.js apps shows them raw: *settlement units* are
	/// the settlement asset's smallest units (USDC: 6 decimals); *size units* are a market's
	/// (10^-`size_decimals` of a whole unit); prices are USD per whole unit with 18 decimals
	/// (`FixedU128`); token amounts are the asset's smallest units.
	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A collateral asset was registered or its parameters changed.
		CollateralRegistered {
			/// The asset.
			asset: T::AssetId,
			/// Its oracle key, haircuts, decimals and deposit cap (token units) now in force.
			config: CollateralConfig<T::OracleKey>,
		},
		/// A market was registered or its parameters replaced.
		MarketRegistered {
			/// The market.
			market: MarketId,
			/// Its parameters now in force.
			params: MarketParamsOf<T>,
		},
		/// A risk parameter changed: the change scheduled in the previous block applied at
		/// the start of this one.
		RiskParameterChanged {
			/// The change, with its new value.
			change: RiskChangeOf<T>,
		},
		/// Tokens moved from an account into its collateral pool.
		Deposited {
			/// The account.
			who: T::AccountId,
			/// The asset.
			asset: T::AssetId,
			/// Token units moved in.
			amount: u128,
		},
		/// Tokens moved from an account's collateral pool back to it.
		Withdrawn {
			/// The account.
			who: T::AccountId,
			/// The asset.
			asset: T::AssetId,
			/// Token units moved out.
			amount: u128,
		},
		/// Settlement units moved from the pool into an isolated position's margin.
		IsolatedMarginAdded {
			/// The account.
			who: T::AccountId,
			/// The isolated position's market.
			market: MarketId,
			/// Settlement units moved.
			amount: u128,
		},
		/// Settlement units moved from an isolated position's margin back to the pool.
		IsolatedMarginRemoved {
			/// The account.
			who: T::AccountId,
			/// The isolated position's market.
			market: MarketId,
			/// Settlement units moved.
			amount: u128,
		},
		/// A trade was settled.
		TradeSettled {
			/// The market.
			market: MarketId,
			/// The resting order's owner.
			maker: T::AccountId,
			/// The incoming order's owner.
			taker: T::AccountId,
			/// Size units traded, from the taker's side (positive: the taker bought).
			trade_size: i128,
			/// The trade price (an option series: the premium per whole unit).
			price: Price,
			/// The maker's fee, settlement units, paid to the fee account.
			maker_fee: u128,
			/// The taker's fee, settlement units, paid to the fee account.
			taker_fee: u128,
			/// PnL the maker's closed part realized, settlement units (positive: a gain),
			/// before fees and funding.
			maker_realized_pnl: i128,
			/// PnL the taker's closed part realized, settlement units (positive: a gain),
			/// before fees and funding.
			taker_realized_pnl: i128,
		},
		/// Funding was settled into a position.
		FundingSettled {
			/// The account.
			who: T::AccountId,
			/// The perpetual.
			market: MarketId,
			/// Settlement units (positive: the account paid; negative: it received).
			paid: i128,
		},
		/// Part of a position was closed by liquidation into the insurance fund.
		Liquidated {
			/// The liquidated account.
			who: T::AccountId,
			/// The market.
			market: MarketId,
			/// Size units closed, from the account's side (negative: a long was sold).
			closed_size: i128,
			/// The mark price it closed at.
			price: Price,
			/// The penalty the account paid to the insurance fund, settlement units.
			penalty: u128,
			/// Whether the position was isolated (its own margin paid).
			isolated: bool,
		},
		/// A bankrupt account's balance of an asset went to the insurance fund at its market
		/// value, settled in the settlement asset: a supply credited to the account, a borrow
		/// charged to it.
		CollateralSeized {
			/// The bankrupt account.
			who: T::AccountId,
			/// The asset taken.
			asset: T::AssetId,
			/// Token units taken (negative: a borrow the fund took over).
			amount: i128,
			/// Their market value credited to the account (negative: charged), settlement
			/// units.
			value: i128,
		},
		/// The insurance fund paid an account's (or isolated position's) bad debt.
		BadDebtCovered {
			/// The bankrupt account.
			who: T::AccountId,
			/// The isolated position's market; `None` for the cross account.
			market: Option<MarketId>,
			/// The whole debt, settlement units, taken from the fund's settlement balance
			/// (which may go negative).
			paid: u128,
			/// The part of `paid` beyond the fund's positive balance, settlement units: the
			/// fund's deficit grew by as much, for auto-deleveraging to recover.
			uncovered: u128,
		},
		/// An oracle price moved more than the jump breaker's bound and is held: the key is in
		/// doubt (nothing adds risk on it, nobody is liquidated) until a later update confirms
		/// the jump or returns within the bound.
		PriceJumpHeld {
			/// The oracle key.
			key: T::OracleKey,
			/// The price still in force.
			accepted: Price,
			/// The price held.
			jumped: Price,
		},
		/// Auto-deleveraging reduced `who`'s position against the insurance fund.
		AutoDeleveraged {
			/// The account whose position was reduced.
			who: T::AccountId,
			/// The market.
			market: MarketId,
			/// The size traded, from the account's side (size units; positive: it bought
			/// back a short).
			reduced_size: i128,
			/// The price: the bankruptcy price, or nearer the mark where the account's profit
			/// or equity capped its loss.
			price: Price,
		},
		/// An account's cross positions are now margined under a new mode.
		MarginModeChanged {
			/// The account.
			who: T::AccountId,
			/// The mode now in force.
			mode: MarginMode,
		},
		/// An option series expired and its settlement price was fixed: every position in it
		/// settles at the same payoff.
		OptionExpired {
			/// The series.
			market: MarketId,
			/// The underlying's index at settlement, rounded down to the series' tick.
			settlement_price: Price,
			/// What one whole unit of the series is worth: `max(S - K, 0)` for a call,
			/// `max(K - S, 0)` for a put.
			payoff: Price,
		},
		/// An expired option position settled in cash against the insurance fund at the
		/// payoff.
		OptionSettled {
			/// The account.
			who: T::AccountId,
			/// The series.
			market: MarketId,
			/// The position settled, size units (positive: a long).
			settled_size: i128,
			/// PnL realized, settlement units (positive: a gain).
			realized_pnl: i128,
		},
		/// Every position in an expired option series has settled; the market is closed.
		SeriesSettled {
			/// The series.
			market: MarketId,
		},
		/// An adaptive market's first-tier fractions in force moved towards their target
		/// (rises by at most the ramp step a block, falls at once).
		AdaptiveMarginMoved {
			/// The market.
			market: MarketId,
			/// The initial fraction of notional now in force.
			initial: sp_arithmetic::Perbill,
			/// The maintenance fraction of notional now in force.
			maintenance: sp_arithmetic::Perbill,
			/// The initial fraction the volatility estimate and open interest call for.
			target_initial: sp_arithmetic::Perbill,
			/// The maintenance fraction the volatility estimate and open interest call for.
			target_maintenance: sp_arithmetic::Perbill,
		},
		/// A market's cumulative funding index moved.
		FundingAccrued {
			/// The market.
			market: MarketId,
			/// The rate charged (premium per funding interval, signed: positive, longs pay):
			/// the one in force since the previous accrual.
			rate: sp_arithmetic::FixedI128,
			/// The cumulative funding index after it (USD per whole unit, 18 decimals).
			funding_index: sp_arithmetic::FixedI128,
		},
		/// A liquidation moved part of an account's borrow, with collateral for it at oracle
		/// prices less the penalty, to the insurance fund (see
		/// [`crate::borrow_liquidation`]).
		BorrowLiquidated {
			/// The liquidated account.
			who: T::AccountId,
			/// The asset borrowed.
			asset: T::AssetId,
			/// Token units of the borrow the fund took over.
			amount: u128,
			/// The collateral asset the fund took for it.
			collateral_asset: T::AssetId,
			/// Token units of collateral taken.
			collateral_amount: u128,
			/// The borrow's value taken over, settlement units.
			value: u128,
			/// The penalty: the collateral's value taken beyond the borrow's, settlement
			/// units.
			penalty: u128,
		},
		/// A synthetic was listed, or its listing replaced (see [`crate::synthetics`]).
		SyntheticRegistered {
			/// The synthetic's token.
			asset: T::AssetId,
			/// Its peg, decimals, terms and pause now in force.
			config: crate::SyntheticConfig<T::OracleKey>,
		},
		/// An account minted synthetic tokens against its margin: its debt of the token grew
		/// by as many.
		SyntheticMinted {
			/// The issuer.
			who: T::AccountId,
			/// The synthetic's token.
			asset: T::AssetId,
			/// Token units minted to the issuer's wallet and added to its debt.
			amount: u128,
			/// The price they were minted at (USD per whole token, 18 decimals).
			price: Price,
			/// The issuance fee paid to the insurance fund, settlement units.
			fee: u128,
		},
		/// An account burnt synthetic tokens from its wallet to repay its debt of them.
		SyntheticBurnt {
			/// The issuer.
			who: T::AccountId,
			/// The synthetic's token.
			asset: T::AssetId,
			/// Token units burnt and taken off its debt.
			amount: u128,
		},
		/// A holder redeemed synthetic tokens against one issuer: the tokens were burnt, the
		/// issuer's debt fell by as many, and the issuer paid their value less the fee.
		SyntheticRedeemed {
			/// Who redeemed (the tokens came from its wallet).
			redeemer: T::AccountId,
			/// The issuer whose debt the redemption retired.
			issuer: T::AccountId,
			/// The synthetic's token.
			asset: T::AssetId,
			/// Token units redeemed.
			amount: u128,
			/// The price of the redemption (USD per whole token, 18 decimals).
			price: Price,
			/// Settlement units credited to the redeemer's settlement balance, taken from the
			/// issuer's: the tokens' value less the fee.
			paid: u128,
			/// The redemption fee the issuer kept, settlement units.
			fee: u128,
		},
		/// An issuer's stability fee was paid to the insurance fund from its settlement
		/// balance (when its debt of the synthetic changed, or it was liquidated).
		SyntheticFeePaid {
			/// The issuer.
			who: T::AccountId,
			/// The synthetic's token.
			asset: T::AssetId,
			/// Settlement units paid.
			fee: u128,
		},
		/// Part of a liquidated account's synthetic debt was taken over by the insurance
		/// fund, with collateral for it at its price over `1 - penalty`.
		SyntheticDebtLiquidated {
			/// The liquidated account.
			who: T::AccountId,
			/// The synthetic's token.
			asset: T::AssetId,
			/// Token units of debt the fund took over.
			amount: u128,
			/// The collateral asset the fund took for it.
			collateral_asset: T::AssetId,
			/// Token units of collateral taken.
			collateral_amount: u128,
			/// The debt's value taken over, settlement units.
			value: u128,
			/// The penalty: the collateral's value taken beyond the debt's, settlement units.
			penalty: u128,
		},
		/// A bankrupt account's whole synthetic debt was taken over by the insurance fund at
		/// its market value, charged to the account's settlement balance.
		SyntheticDebtSeized {
			/// The bankrupt account.
			who: T::AccountId,
			/// The synthetic's token.
			asset: T::AssetId,
			/// Token units of debt taken over.
			amount: u128,
			/// Their value at the price, settlement units (rounded up).
			value: u128,
		},
		/// An account borrowed tokens from the pool (a debit past its supply) and took them.
		Borrowed {
			/// The account.
			who: T::AccountId,
			/// The asset.
			asset: T::AssetId,
			/// Token units moved out to the account.
			amount: u128,
			/// Of them, the part newly borrowed (the rest came out of its supply).
			borrowed: u128,
		},
		/// An account opted an asset out of lending (segregated) or back in.
		SegregationSet {
			/// The account.
			who: T::AccountId,
			/// The asset.
			asset: T::AssetId,
			/// `true`: its tokens of the asset are now held apart, never lent and earning
			/// nothing; `false`: they are supplied to the money market again.
			segregated: bool,
			/// Token units that moved between the account's supply and its segregated
			/// holding (opting out: its supply's value, rounded down; opting in: the
			/// holding).
			amount: u128,
		},
		/// An account repaid (part of) what it owes of an asset.
		Repaid {
			/// The account.
			who: T::AccountId,
			/// The asset.
			asset: T::AssetId,
			/// Token units repaid.
			amount: u128,
		},
		/// An asset's money market accrued interest at the end of a block (see
		/// [`crate::lending`]). `interest == supplier_interest + reserve`.
		InterestAccrued {
			/// The asset.
			asset: T::AssetId,
			/// What borrowers paid since the last accrual, in the asset's smallest units.
			interest: u128,
			/// Of it, what suppliers earned.
			supplier_interest: u128,
			/// Of it, what the reserve took (credited to the insurance fund as supply).
			reserve: u128,
			/// Tokens one scaled unit of supply is now worth (18 decimals).
			supply_index: sp_arithmetic::FixedU128,
			/// Tokens one scaled unit of borrow now owes (18 decimals).
			borrow_index: sp_arithmetic::FixedU128,
			/// Borrowed over lendable supply after the block's transactions.
			utilisation: sp_arithmetic::Perbill,
			/// The annual borrow rate set for the next block (`0.05` is 5% a year).
			borrow_rate: sp_arithmetic::FixedU128,
		},
		/// Root created a permissioned pool.
		PoolCreated {
			/// The pool.
			pool: PoolId,
			/// Who administers its membership.
			admin: PoolAdmin<T::AccountId>,
			/// Its insurance fund's account, if it has one.
			insurance_fund: Option<T::AccountId>,
		},
		/// Root handed a pool's administration to someone else.
		PoolAdminChanged {
			/// The pool.
			pool: PoolId,
			/// Who administers it now.
			admin: PoolAdmin<T::AccountId>,
		},
		/// An account joined a pool: it may add risk in the pool's restricted markets.
		PoolMemberAdded {
			/// The pool.
			pool: PoolId,
			/// The new member.
			who: T::AccountId,
		},
		/// An account left a pool: in its restricted markets it may now only reduce.
		PoolMemberRemoved {
			/// The pool.
			pool: PoolId,
			/// The former member.
			who: T::AccountId,
		},
		/// A market was restricted to a pool, or opened to all (`pool: None`).
		MarketPoolSet {
			/// The market.
			market: MarketId,
			/// The pool it is restricted to now; `None`: open to all.
			pool: Option<PoolId>,
		},
		/// An account paid into a pool's insurance fund from its settlement balance.
		PoolInsuranceFunded {
			/// The pool.
			pool: PoolId,
			/// Who paid.
			who: T::AccountId,
			/// Settlement units paid.
			amount: u128,
		},
		/// A pool's insurance fund paid (part of) a bad debt from one of its restricted
		/// markets before the chain's insurance fund: `paid` is the fund's part (at most its
		/// balance); the chain's fund covers the rest (its own `BadDebtCovered`).
		PoolBadDebtCovered {
			/// The pool.
			pool: PoolId,
			/// The bankrupt account.
			who: T::AccountId,
			/// The isolated position's market, or `None` for the cross account.
			market: Option<MarketId>,
			/// Settlement units the pool's fund paid.
			paid: u128,
		},
	}
}
