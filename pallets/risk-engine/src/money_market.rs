//! The money market inside the collateral pool: collateral that earns while it margins.
//!
//! Every collateral asset is also a lending market. An account's balance of an asset is one
//! signed *scaled* amount: positive is a supply (it lends what it deposited and earns the
//! supply rate), negative is a borrow (it pays the borrow rate). Interest accrues by moving
//! two cumulative indices, not by touching balances:
//!
//! - a supply of `s` scaled units is worth `floor(s x supply_index)` tokens;
//! - a borrow of `b` scaled units owes `ceil(b x borrow_index)` tokens.
//!
//! Both round against the account, so the pool never owes more than it holds.
//!
//! ## Rates
//! The borrow rate is a piecewise-linear ("kinked") function of utilisation `U = borrowed /
//! supplied`: a base rate, then up to [`MAX_RATE_SEGMENTS`] segments, each adding its slope
//! for the utilisation between its start and the next segment's start (the usual model: a
//! gentle slope up to a kink near the target utilisation, a steep one above it, so that
//! borrowers repay and lenders supply when the pool runs short). Rates are annual, simple,
//! as fixed-point fractions (`0.05` is 5% a year). The supply rate is what borrowers pay,
//! spread over the suppliers, less the reserve factor's share:
//! `supply_rate = borrow_rate x U x (1 - reserve_factor)`.
//!
//! ## Accrual
//! [`accrue`] moves the indices over the time since the last accrual at the rate that held
//! over it (the rate set at the previous accrual):
//!
//! 1. `borrow_index += ceil(borrow_index x rate x dt / year)`;
//! 2. the borrowers' interest is the growth of the exact total debt, `scaled_borrow x
//!    (growth of the index)`, paid out in whole units, the fraction carried to the next
//!    accrual (so the interest counted over any span is the debt's exact growth, rounded
//!    down once);
//! 3. of it, at least the reserve factor's share goes to the reserve; the suppliers get the
//!    rest, as a supply-index step rounded down, but never at a higher rate than the
//!    borrowers pay (so the supply index never outgrows the borrow index, however small
//!    the supply: a jumping index would let a tiny early supply round later deposits to
//!    nothing); every remainder goes to the reserve, which is credited to the insurance
//!    fund as supply.
//!
//! So `interest = supplier_interest + reserve` to the unit at every accrual. Accrual runs
//! once a block for every asset (the clearing pallet's `on_finalize`), never lazily: every
//! transaction of a block converts at the same indices.
//!
//! ## Conversions
//! [`credit`] and [`debit`] turn a nominal amount into a new scaled balance. A credit repays
//! a borrow before it supplies; a debit spends a supply before it borrows (when borrowing
//! is allowed). Every conversion rounds against the account: what it gives up is rounded
//! up, what it receives rounded down.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use sp_arithmetic::{FixedI128, FixedU128, PerThing, Perbill, Rounding};

use crate::{
	fixed_math,
	types::{mul_div, Balance, RiskError},
};

/// Milliseconds in a (365-day) year: rates are annual.
pub const MS_PER_YEAR: u64 = 31_536_000_000;

/// The highest borrow rate a curve may reach (at 100% utilisation): 500% a year.
pub const MAX_BORROW_RATE: FixedU128 = FixedU128::from_u32(5);

/// The most segments a rate curve may have (the base rate aside).
pub const MAX_RATE_SEGMENTS: u32 = 4;

/// The lowest utilisation at which a segment after the first may start (a kink).
pub const MIN_KINK: Perbill = Perbill::from_percent(1);

/// The highest utilisation at which a segment may start (a kink).
pub const MAX_KINK: Perbill = Perbill::from_percent(99);

/// The highest share of interest the reserve may take.
pub const MAX_RESERVE_FACTOR: Perbill = Perbill::from_percent(50);

/// The lowest utilisation cap: below it the market would barely lend.
pub const MIN_UTILISATION_CAP: Perbill = Perbill::from_percent(10);

/// The highest utilisation cap: above it a withdrawal could find no tokens.
pub const MAX_UTILISATION_CAP: Perbill = Perbill::from_percent(99);

/// One of fixed point: the indices' and rates' scale.
const ONE: u128 = 1_000_000_000_000_000_000;

/// One segment of a rate curve: from utilisation `from` on, the rate rises by `slope` per
/// unit of utilisation (a slope of 0.5 adds 5% a year per 10 points of utilisation), up to
/// the next segment's start.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Encode,
	Decode,
	DecodeWithMemTracking,
	TypeInfo,
	MaxEncodedLen,
)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct RateSegment {
	/// The utilisation where the segment starts.
	pub from: Perbill,
	/// The annual rate added per unit of utilisation inside the segment.
	pub slope: FixedU128,
}

/// Checks a rate curve: at most [`MAX_RATE_SEGMENTS`] segments starting at strictly rising
/// utilisations, the first at zero or at a kink, every kink within
/// [`MIN_KINK`]..=[`MAX_KINK`], and the rate at 100% utilisation at most
/// [`MAX_BORROW_RATE`].
pub fn validate_rate_curve(base: FixedU128, segments: &[RateSegment]) -> Result<(), RiskError> {
	if segments.len() > MAX_RATE_SEGMENTS as usize {
		return Err(RiskError::InvalidRateCurve);
	}
	let mut previous: Option<Perbill> = None;
	for segment in segments {
		let is_kink = previous.is_some() || !segment.from.is_zero();
		if is_kink && (segment.from < MIN_KINK || segment.from > MAX_KINK) {
			return Err(RiskError::InvalidRateCurve);
		}
		if previous.is_some_and(|start| segment.from <= start) {
			return Err(RiskError::InvalidRateCurve);
		}
		previous = Some(segment.from);
	}
	let highest =
		borrow_rate(base, segments, Perbill::one()).map_err(|_| RiskError::InvalidRateCurve)?;
	if highest > MAX_BORROW_RATE {
		return Err(RiskError::InvalidRateCurve);
	}
	Ok(())
}

/// The annual borrow rate at utilisation `utilisation`: the base rate plus, for each
/// segment, its slope times the utilisation inside it. Rounded up (the borrower pays).
pub fn borrow_rate(
	base: FixedU128,
	segments: &[RateSegment],
	utilisation: Perbill,
) -> Result<FixedU128, RiskError> {
	let mut rate = base.into_inner();
	for (i, segment) in segments.iter().enumerate() {
		if utilisation <= segment.from {
			break;
		}
		let end = segments.get(i + 1).map_or(utilisation, |next| next.from.min(utilisation));
		let inside = end.deconstruct().saturating_sub(segment.from.deconstruct());
		let added = mul_div(
			segment.slope.into_inner(),
			inside as u128,
			Perbill::ACCURACY as u128,
			Rounding::Up,
		)?;
		rate = rate.checked_add(added).ok_or(RiskError::Overflow)?;
	}
	Ok(FixedU128::from_inner(rate))
}

/// Utilisation: `borrowed / supplied`, rounded up, at most 100% (a borrow with nothing
/// supplied is 100%; nothing borrowed is 0%).
pub fn utilisation(borrowed: Balance, supplied: Balance) -> Perbill {
	if borrowed == 0 {
		return Perbill::zero();
	}
	if borrowed >= supplied {
		return Perbill::one();
	}
	Perbill::from_rational_with_rounding(borrowed, supplied, Rounding::Up).unwrap_or(Perbill::one())
}

/// The annual supply rate at a borrow rate and utilisation: what borrowers pay, spread
/// over the suppliers, less the reserve's share. Rounded down (the supplier receives).
pub fn supply_rate(
	borrow_rate: FixedU128,
	utilisation: Perbill,
	reserve_factor: Perbill,
) -> Result<FixedU128, RiskError> {
	let lent = mul_div(
		borrow_rate.into_inner(),
		utilisation.deconstruct() as u128,
		Perbill::ACCURACY as u128,
		Rounding::Down,
	)?;
	let kept = reserve_factor.left_from_one();
	Ok(FixedU128::from_inner(mul_div(
		lent,
		kept.deconstruct() as u128,
		Perbill::ACCURACY as u128,
		Rounding::Down,
	)?))
}

/// The annual percentage yield of a simple annual rate compounded every block (as the
/// indices do): `e^rate - 1`, for reports.
pub fn annual_yield(rate: FixedU128) -> Result<FixedU128, RiskError> {
	let signed =
		FixedI128::from_inner(i128::try_from(rate.into_inner()).map_err(|_| RiskError::Overflow)?);
	let grown = fixed_math::exp(signed)?;
	let yield_ = grown.into_inner().saturating_sub(ONE as i128).max(0);
	Ok(FixedU128::from_inner(yield_ as u128))
}

/// An upper bound on the share by which a debt can grow over `span_ms` at rates of at most
/// `max_rate`: `x + x^2` for `x = max_rate x span / year`, which is at least `e^x - 1` while
/// `x <= 1`, rounded up and capped at 100% (for the liquidation index's reserve over a
/// band's horizon, where `x` is far below one).
pub fn interest_share(max_rate: FixedU128, span_ms: u64) -> Perbill {
	let Ok(x) = mul_div(max_rate.into_inner(), span_ms as u128, MS_PER_YEAR as u128, Rounding::Up)
	else {
		return Perbill::one();
	};
	if x >= ONE {
		return Perbill::one();
	}
	let Ok(squared) = mul_div(x, x, ONE, Rounding::Up) else { return Perbill::one() };
	let share = x.saturating_add(squared);
	let parts = share.div_ceil(ONE / Perbill::ACCURACY as u128);
	if parts >= Perbill::ACCURACY as u128 {
		Perbill::one()
	} else {
		Perbill::from_parts(parts as u32)
	}
}

/// How much health a debt of `debt` settlement units, weighed `weight` against margin,
/// can lose to interest growing it by at most `share`: `ceil(ceil(debt x weight) x share)`.
pub fn debt_interest_reserve(
	debt: Balance,
	weight: FixedU128,
	share: Perbill,
) -> Result<Balance, RiskError> {
	let weighted = mul_div(debt, weight.into_inner(), ONE, Rounding::Up)?;
	Ok(share.mul_ceil(weighted))
}

/// Checks the utilisation cap: `borrowed <= cap x supplied`, the cap's share rounded down.
pub fn check_utilisation(
	borrowed: Balance,
	supplied: Balance,
	cap: Perbill,
) -> Result<(), RiskError> {
	if borrowed > cap.mul_floor(supplied) {
		return Err(RiskError::UtilisationAboveCap);
	}
	Ok(())
}

/// Checks a lending market's reserve factor and utilisation cap against their bounds.
pub fn validate_lending_shares(
	reserve_factor: Perbill,
	utilisation_cap: Perbill,
) -> Result<(), RiskError> {
	if reserve_factor > MAX_RESERVE_FACTOR {
		return Err(RiskError::InvalidReserveFactor);
	}
	if utilisation_cap < MIN_UTILISATION_CAP || utilisation_cap > MAX_UTILISATION_CAP {
		return Err(RiskError::InvalidUtilisationCap);
	}
	Ok(())
}

/// A lending market's indices and the rate in force: what every conversion of a block
/// uses. Written only by an accrual.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Encode,
	Decode,
	DecodeWithMemTracking,
	TypeInfo,
	MaxEncodedLen,
)]
pub struct Indices {
	/// Tokens one scaled unit of supply is worth (starts at 1).
	pub supply: FixedU128,
	/// Tokens one scaled unit of borrow owes (starts at 1).
	pub borrow: FixedU128,
	/// The annual borrow rate in force until the next accrual.
	pub borrow_rate: FixedU128,
	/// When the indices were last accrued, in ms (0: never; the first accrual only starts
	/// the clock).
	pub last_accrual_ms: u64,
	/// The fraction of a token of interest the borrowers' exact debt grew by beyond what
	/// was counted, in 10^-18 tokens (below one token): counted at the next accrual.
	pub interest_carry: u128,
	/// The reserve's share not yet credited, in 10^-18 tokens (below one scaled unit of
	/// supply's worth): credited at the next accrual.
	pub reserve_carry: u128,
	/// The fraction of a token the suppliers earned beyond what was counted as their
	/// interest, in 10^-18 tokens (below one token): counted at the next accrual, so the
	/// counters follow the suppliers' and the reserve's exact gains over any span.
	pub supplier_carry: u128,
}

impl Indices {
	/// Fresh indices: both at one, no rate, the clock not started.
	pub const fn new() -> Self {
		Self {
			supply: FixedU128::from_u32(1),
			borrow: FixedU128::from_u32(1),
			borrow_rate: FixedU128::from_inner(0),
			last_accrual_ms: 0,
			interest_carry: 0,
			reserve_carry: 0,
			supplier_carry: 0,
		}
	}
}

impl Default for Indices {
	fn default() -> Self {
		Self::new()
	}
}

/// What one accrual did.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Accrual {
	/// The indices after it (the rate left as it was: [`borrow_rate`] sets the next).
	pub indices: Indices,
	/// Interest the borrowers paid, in tokens: the growth of their exact debt, in whole
	/// units (the fraction carried).
	pub interest: Balance,
	/// Of it, what the suppliers' claims grew by, rounded down.
	pub supplier_interest: Balance,
	/// Of it, the reserve's share: at least the reserve factor's, and every remainder.
	/// `interest == supplier_interest + reserve`.
	pub reserve: Balance,
	/// The scaled supply that credits the reserve to the insurance fund (at the new supply
	/// index): worth the reserve and the carry from before, less the new carry.
	pub reserve_scaled: Balance,
}

/// Accrues a lending market from its last accrual to `now_ms` at the rate in force (see the
/// module docs). `scaled_supply` is the lendable supply that earns, `scaled_borrow` every
/// borrow. A clock that did not move, or the first accrual, only records the time.
///
/// Exactness: the suppliers' claims grow by `scaled_supply x step` and the reserve's by
/// `reserve_scaled x supply_index`; together exactly `interest` plus the reserve carry's
/// fall, never more. Interest past `u128::MAX / 10^18` tokens in one accrual gives up the
/// carry (the reserve loses below one unit), and the rest keeps to the rule.
pub fn accrue(
	indices: &Indices,
	scaled_supply: Balance,
	scaled_borrow: Balance,
	now_ms: u64,
	reserve_factor: Perbill,
) -> Result<Accrual, RiskError> {
	let mut next = *indices;
	if indices.last_accrual_ms == 0 || now_ms <= indices.last_accrual_ms {
		next.last_accrual_ms = now_ms.max(indices.last_accrual_ms);
		return Ok(Accrual {
			indices: next,
			interest: 0,
			supplier_interest: 0,
			reserve: 0,
			reserve_scaled: 0,
		});
	}
	let elapsed = (now_ms - indices.last_accrual_ms) as u128;
	next.last_accrual_ms = now_ms;
	// The index's step: rate x elapsed / year of the index, rounded up.
	let per_index =
		mul_div(indices.borrow_rate.into_inner(), elapsed, MS_PER_YEAR as u128, Rounding::Up)?;
	let growth = mul_div(indices.borrow.into_inner(), per_index, ONE, Rounding::Up)?;
	next.borrow = FixedU128::from_inner(
		indices.borrow.into_inner().checked_add(growth).ok_or(RiskError::Overflow)?,
	);
	// The debt's exact growth `scaled_borrow x growth / ONE`, with the carried fraction.
	let (interest, carry) = split_wad(scaled_borrow, growth, indices.interest_carry)?;
	next.interest_carry = carry;
	let for_suppliers = interest - reserve_factor.mul_floor(interest);
	let step = if scaled_supply == 0 {
		0
	} else {
		// Suppliers never earn a higher rate than borrowers pay: a small supply facing a
		// large borrow (more borrowed than lendable, as settlement debts can be) would
		// otherwise make the supply index jump, and a later deposit worth less than one
		// scaled unit would round to nothing (the inflation attack on pooled lenders).
		let at_borrow_rate = mul_div(
			indices.supply.into_inner(),
			growth,
			indices.borrow.into_inner(),
			Rounding::Down,
		)?;
		mul_div(for_suppliers, ONE, scaled_supply, Rounding::Down)?.min(at_borrow_rate)
	};
	next.supply = FixedU128::from_inner(
		indices.supply.into_inner().checked_add(step).ok_or(RiskError::Overflow)?,
	);
	// The suppliers' exact gain `scaled_supply x step / ONE` is at most `for_suppliers`;
	// counted in whole units with its fraction carried (or rounded down, past `u128`).
	let supplier_interest = match scaled_supply.checked_mul(step) {
		Some(exact) => {
			let (whole, carry) = split_wad(exact, 1, indices.supplier_carry)?;
			next.supplier_carry = carry;
			whole
		},
		None => mul_div(scaled_supply, step, ONE, Rounding::Down)?,
	};
	let reserve = interest.saturating_sub(supplier_interest);
	let supplier_interest = interest - reserve;
	let supply_index = next.supply.into_inner();
	let exact_reserve = interest
		.checked_mul(ONE)
		.and_then(|whole| whole.checked_sub(scaled_supply.checked_mul(step)?))
		.and_then(|reserve| reserve.checked_add(indices.reserve_carry));
	let reserve_scaled = match exact_reserve {
		Some(total) => {
			next.reserve_carry = total % supply_index;
			total / supply_index
		},
		None => {
			next.reserve_carry = 0;
			let whole = interest - mul_div(scaled_supply, step, ONE, Rounding::Up)?;
			mul_div(whole, ONE, supply_index, Rounding::Down)?
		},
	};
	Ok(Accrual { indices: next, interest, supplier_interest, reserve, reserve_scaled })
}

/// `(a x b + carry) / ONE` as whole units and the remainder below `ONE`, without a 256-bit
/// intermediate: `a = high x ONE + low`.
fn split_wad(a: u128, b: u128, carry: u128) -> Result<(u128, u128), RiskError> {
	let (high, low) = (a / ONE, a % ONE);
	let whole = high.checked_mul(b).ok_or(RiskError::Overflow)?;
	let low_product = low.checked_mul(b).ok_or(RiskError::Overflow)?;
	let low_product = low_product.checked_add(carry.min(ONE - 1)).ok_or(RiskError::Overflow)?;
	let whole = whole.checked_add(low_product / ONE).ok_or(RiskError::Overflow)?;
	Ok((whole, low_product % ONE))
}

/// The tokens a scaled supply is worth: `floor(scaled x supply_index)`.
pub fn supply_value(scaled: Balance, indices: &Indices) -> Result<Balance, RiskError> {
	mul_div(scaled, indices.supply.into_inner(), ONE, Rounding::Down)
}

/// The tokens a scaled borrow owes: `ceil(scaled x borrow_index)`.
pub fn borrow_value(scaled: Balance, indices: &Indices) -> Result<Balance, RiskError> {
	mul_div(scaled, indices.borrow.into_inner(), ONE, Rounding::Up)
}

/// What a signed scaled balance is worth in tokens, signed: a supply rounded down, a borrow
/// rounded up (more negative).
pub fn nominal(balance: i128, indices: &Indices) -> Result<i128, RiskError> {
	if balance >= 0 {
		to_i128(supply_value(balance as u128, indices)?)
	} else {
		Ok(-to_i128(borrow_value(balance.unsigned_abs(), indices)?)?)
	}
}

fn to_i128(value: u128) -> Result<i128, RiskError> {
	i128::try_from(value).map_err(|_| RiskError::Overflow)
}

/// A balance change worked out by [`credit`] or [`debit`].
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct BalanceChange {
	/// The new signed scaled balance.
	pub balance: i128,
	/// How the asset's total scaled supply moves (signed).
	pub supply_delta: i128,
	/// How the asset's total scaled borrow moves (signed).
	pub borrow_delta: i128,
	/// Of the amount, the part that repaid a borrow (a credit) or came out of a supply (a
	/// debit), in tokens.
	pub netted: Balance,
	/// Of the amount, the part that was supplied (a credit) or borrowed (a debit).
	/// `netted + opened` is the amount.
	pub opened: Balance,
}

/// Credits `amount` tokens to a scaled balance: it repays a borrow first (all of it once
/// the amount covers its value), then supplies the rest, `floor(rest / supply_index)`
/// scaled units. What rounding keeps from the account stays in the pool.
pub fn credit(
	balance: i128,
	amount: Balance,
	indices: &Indices,
) -> Result<BalanceChange, RiskError> {
	let mut change = BalanceChange { balance, ..Default::default() };
	let mut rest = amount;
	if balance < 0 {
		let owed_scaled = balance.unsigned_abs();
		let owed = borrow_value(owed_scaled, indices)?;
		let repaid_scaled = if rest >= owed {
			owed_scaled
		} else {
			mul_div(rest, ONE, indices.borrow.into_inner(), Rounding::Down)?
		};
		let netted = rest.min(owed);
		rest -= netted;
		change.netted = netted;
		change.borrow_delta = -to_i128(repaid_scaled)?;
		change.balance = balance.checked_add(to_i128(repaid_scaled)?).ok_or(RiskError::Overflow)?;
	}
	if rest > 0 {
		let supplied_scaled =
			to_i128(mul_div(rest, ONE, indices.supply.into_inner(), Rounding::Down)?)?;
		change.opened = rest;
		change.supply_delta = supplied_scaled;
		change.balance = change.balance.checked_add(supplied_scaled).ok_or(RiskError::Overflow)?;
	}
	Ok(change)
}

/// Debits `amount` tokens from a scaled balance: it spends a supply first,
/// `ceil(amount / supply_index)` scaled units (all of it when the amount is its whole
/// value), then borrows the rest, `ceil(rest / borrow_index)` scaled units, when
/// `allow_borrow` (else [`RiskError::InsufficientBalance`]).
pub fn debit(
	balance: i128,
	amount: Balance,
	indices: &Indices,
	allow_borrow: bool,
) -> Result<BalanceChange, RiskError> {
	let mut change = BalanceChange { balance, ..Default::default() };
	let mut rest = amount;
	if balance > 0 && rest > 0 {
		let held_scaled = balance as u128;
		let held = supply_value(held_scaled, indices)?;
		let spent_scaled = if rest >= held {
			held_scaled
		} else {
			mul_div(rest, ONE, indices.supply.into_inner(), Rounding::Up)?.min(held_scaled)
		};
		let netted = rest.min(held);
		rest -= netted;
		change.netted = netted;
		change.supply_delta = -to_i128(spent_scaled)?;
		change.balance = balance - to_i128(spent_scaled)?;
	}
	if rest > 0 {
		if !allow_borrow {
			return Err(RiskError::InsufficientBalance);
		}
		let borrowed_scaled =
			to_i128(mul_div(rest, ONE, indices.borrow.into_inner(), Rounding::Up)?)?;
		change.opened = rest;
		change.borrow_delta = borrowed_scaled;
		change.balance = change.balance.checked_sub(borrowed_scaled).ok_or(RiskError::Overflow)?;
	}
	Ok(change)
}

/// A segregated holding: what an account that opted an asset out of lending keeps of it.
/// The tokens are held apart, token for token (never lent, earning nothing); beside them the
/// account's scaled balance of the asset is never a supply: zero, or a borrow while the
/// holding is empty (a credit repays the borrow before it fills the holding; a debit
/// empties the holding before it borrows).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct SegregatedChange {
	/// The tokens held apart after the change.
	pub held: Balance,
	/// The scaled balance beside them after the change, and how it moved. `netted` counts
	/// the tokens that repaid a borrow (a credit) or left the holding (a debit); `opened`
	/// the tokens held apart (a credit) or borrowed (a debit).
	pub change: BalanceChange,
}

/// Credits `amount` tokens to a segregated holding of `held` tokens beside the scaled
/// `balance`: it repays a borrow first, as [`credit`] does, and holds the rest apart.
/// Fails with [`RiskError::InsufficientBalance`] for a balance that is a supply (a
/// segregated asset has none).
pub fn credit_segregated(
	held: Balance,
	balance: i128,
	amount: Balance,
	indices: &Indices,
) -> Result<SegregatedChange, RiskError> {
	if balance > 0 {
		return Err(RiskError::InsufficientBalance);
	}
	let owed = borrow_value(balance.unsigned_abs(), indices)?;
	let repaid = amount.min(owed);
	let mut change = if repaid > 0 {
		credit(balance, repaid, indices)?
	} else {
		BalanceChange { balance, ..Default::default() }
	};
	let rest = amount - repaid;
	change.opened = rest;
	let held = held.checked_add(rest).ok_or(RiskError::Overflow)?;
	Ok(SegregatedChange { held, change })
}

/// Debits `amount` tokens from a segregated holding of `held` tokens beside the scaled
/// `balance`: it empties the holding first, then borrows the rest, as [`debit`] does, when
/// `allow_borrow` (else [`RiskError::InsufficientBalance`]).
pub fn debit_segregated(
	held: Balance,
	balance: i128,
	amount: Balance,
	indices: &Indices,
	allow_borrow: bool,
) -> Result<SegregatedChange, RiskError> {
	if balance > 0 {
		return Err(RiskError::InsufficientBalance);
	}
	let taken = amount.min(held);
	let rest = amount - taken;
	let mut change = if rest > 0 {
		debit(balance, rest, indices, allow_borrow)?
	} else {
		BalanceChange { balance, ..Default::default() }
	};
	change.netted = taken;
	Ok(SegregatedChange { held: held - taken, change })
}

/// Opts a balance out of lending: a supply of `balance` scaled units leaves the market at
/// its value, `floor(balance x supply_index)` tokens, which are held apart (the fraction
/// stays in the pool, as on a withdrawal); a borrow stays as it is, beside an empty
/// holding.
pub fn segregate(balance: i128, indices: &Indices) -> Result<SegregatedChange, RiskError> {
	if balance <= 0 {
		return Ok(SegregatedChange {
			held: 0,
			change: BalanceChange { balance, ..Default::default() },
		});
	}
	let held = supply_value(balance as u128, indices)?;
	Ok(SegregatedChange {
		held,
		change: BalanceChange {
			balance: 0,
			supply_delta: -balance,
			netted: held,
			..Default::default()
		},
	})
}

/// A borrow liquidation's inputs: the insurance fund takes over part of a borrow and, for
/// it, collateral worth that part over `1 - penalty` (at oracle prices: the collateral goes
/// at its price less the penalty). All values in settlement units.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct BorrowLiquidation {
	/// How far the account's health is below its target (positive).
	pub shortfall: Balance,
	/// The market value of the borrow (what it owes, at its price).
	pub borrow_value: Balance,
	/// The borrow's maintenance liability weight.
	pub borrow_weight: FixedU128,
	/// The market value of the collateral it would give up.
	pub collateral_value: Balance,
	/// The collateral's maintenance haircut (the share of its value health counts).
	pub collateral_haircut: Perbill,
	/// The liquidation penalty.
	pub penalty: Perbill,
}

/// What a borrow liquidation moves, in settlement units.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct BorrowLiquidationSize {
	/// The borrow value the fund takes over.
	pub borrow_value: Balance,
	/// The collateral value the fund takes for it (`borrow_value / (1 - penalty)`, rounded
	/// up, at most the collateral).
	pub collateral_value: Balance,
}

/// Sizes a borrow liquidation: moving borrow value `d` and collateral value `d / (1 - p)`
/// raises health by `d x (w - h / (1 - p))` (the borrow's weighted value gone, the
/// collateral's counted value gone), so the fewest `d` that covers the shortfall, capped by
/// the borrow and by what the collateral can pay. `None` when the pair cannot raise health
/// (`w <= h / (1 - p)`: the collateral counts for more than the borrow weighs) or nothing
/// would move.
pub fn borrow_liquidation_size(
	c: &BorrowLiquidation,
) -> Result<Option<BorrowLiquidationSize>, RiskError> {
	let keep = c.penalty.left_from_one();
	if keep.is_zero() || c.borrow_value == 0 || c.collateral_value == 0 {
		return Ok(None);
	}
	// h / (1 - p), rounded up: the gain is never overstated.
	let given_up = mul_div(
		c.collateral_haircut.deconstruct() as u128,
		ONE,
		keep.deconstruct() as u128,
		Rounding::Up,
	)?;
	let Some(gain) = c.borrow_weight.into_inner().checked_sub(given_up).filter(|g| *g > 0) else {
		return Ok(None);
	};
	let borrow = mul_div(c.shortfall, ONE, gain, Rounding::Up)?.min(c.borrow_value);
	pledge_for(borrow, c.collateral_value, c.penalty)
}

/// The collateral value that pays for borrow value `borrow_value` at `penalty`:
/// `borrow_value / (1 - penalty)`, rounded up (a 100% penalty is taken as one part per
/// billion short of it, so the figure stays finite).
pub fn collateral_due(borrow_value: Balance, penalty: Perbill) -> Result<Balance, RiskError> {
	let keep = penalty.left_from_one().deconstruct().max(1);
	mul_div(borrow_value, Perbill::ACCURACY as u128, keep as u128, Rounding::Up)
}

/// What moving borrow value `borrow_value` to the insurance fund costs in collateral of
/// market value at most `collateral_value`: `borrow_value / (1 - penalty)`, rounded up;
/// when the collateral cannot pay that, all of it, for `collateral x (1 - penalty)` of the
/// borrow, rounded down. So the fund never takes over more borrow than it is paid for at
/// the penalty. `None` when nothing would move (or the penalty is 100%).
pub fn pledge_for(
	borrow_value: Balance,
	collateral_value: Balance,
	penalty: Perbill,
) -> Result<Option<BorrowLiquidationSize>, RiskError> {
	let keep = penalty.left_from_one();
	if keep.is_zero() || borrow_value == 0 || collateral_value == 0 {
		return Ok(None);
	}
	let mut borrow = borrow_value;
	let mut collateral = collateral_due(borrow, penalty)?;
	if collateral > collateral_value {
		collateral = collateral_value;
		borrow = keep.mul_floor(collateral);
	}
	if borrow == 0 {
		return Ok(None);
	}
	Ok(Some(BorrowLiquidationSize { borrow_value: borrow, collateral_value: collateral }))
}
