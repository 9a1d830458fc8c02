//! `docs/capital-efficiency.md` is what its generator prints: regenerate it with
//! `cargo run -q --release -p risk-engine --example capital_efficiency > docs/capital-efficiency.md`.

#[path = "../examples/capital_efficiency.rs"]
mod generator;

#[test]
fn the_committed_document_is_what_the_generator_prints() {
	let committed = include_str!("../../../docs/capital-efficiency.md");
	let generated = generator::render();
	assert!(
		committed == generated,
		"docs/capital-efficiency.md is out of date: regenerate it with `cargo run -q --release \
		 -p risk-engine --example capital_efficiency > docs/capital-efficiency.md`"
	);
}
