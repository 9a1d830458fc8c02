//! The custom origins referenda dispatch with, besides Root.

pub use pallet_custom_origins::*;

/// A pallet whose only item is the [`Origin`] enum: the origins of governance tracks narrower
/// than Root.
#[frame_support::pallet]
pub mod pallet_custom_origins {
	use frame_support::pallet_prelude::*;

	/// No configuration: the pallet only defines origins.
	#[pallet::config]
	pub trait Config: frame_system::Config {}

	/// The pallet.
	#[pallet::pallet]
	pub struct Pallet<T>(_);

	/// Origins of the governance tracks.
	#[derive(
		PartialEq,
		Eq,
		Clone,
		MaxEncodedLen,
		Encode,
		Decode,
		DecodeWithMemTracking,
		TypeInfo,
		RuntimeDebug,
	)]
	#[pallet::origin]
	pub enum Origin {
		/// A referendum on the `risk_parameters` track passed: it may change the clearing
		/// house's risk parameters, and nothing else.
		RiskParameters,
	}
}

/// Succeeds only for the [`Origin::RiskParameters`] origin.
pub struct RiskParameters;

impl<O> frame_support::traits::EnsureOrigin<O> for RiskParameters
where
	O: frame_support::traits::OriginTrait + From<Origin>,
	for<'a> &'a O::PalletsOrigin: TryInto<&'a Origin>,
{
	type Success = ();

	fn try_origin(origin: O) -> Result<Self::Success, O> {
		let is_risk_parameters = matches!(origin.caller().try_into(), Ok(Origin::RiskParameters));
		if is_risk_parameters {
			Ok(())
		} else {
			Err(origin)
		}
	}

	#[cfg(feature = "runtime-benchmarks")]
	fn try_successful_origin() -> Result<O, ()> {
		Ok(O::from(Origin::RiskParameters))
	}
}
