//! What the document generators share: a seeded random generator and money formatting.

use sp_arithmetic::FixedI128;

/// Settlement units (USDC, six decimals) per USD.
pub const USD: i128 = 1_000_000;

/// Settlement units as whole USD with thousands separators.
pub fn dollars(units: i128) -> String {
	let whole = units.abs() / USD;
	let digits = whole.to_string();
	let mut grouped = String::new();
	for (i, c) in digits.chars().enumerate() {
		if i > 0 && (digits.len() - i) % 3 == 0 {
			grouped.push(',');
		}
		grouped.push(c);
	}
	if units < 0 {
		format!("-{grouped}")
	} else {
		grouped
	}
}

/// A seeded generator (SplitMix64): the same paths everywhere.
pub struct Random(pub u64);

impl Random {
	/// The next 64 random bits.
	pub fn next(&mut self) -> u64 {
		self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
		let mut z = self.0;
		z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
		z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
		z ^ (z >> 31)
	}

	/// Uniform in [0, 1).
	pub fn uniform(&mut self) -> FixedI128 {
		FixedI128::from_inner(((self.next() >> 11) as i128 * 1_000_000_000_000_000_000) >> 53)
	}

	/// Standard normal, approximately: the sum of twelve uniforms less six (Irwin-Hall).
	pub fn normal(&mut self) -> FixedI128 {
		(0..12).fold(FixedI128::from_u32(0), |sum, _| sum + self.uniform()) - FixedI128::from_u32(6)
	}
}
