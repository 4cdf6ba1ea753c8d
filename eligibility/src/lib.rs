//! The benefits rules engine (docs/ARCHITECTURE.md §4: the checker evaluates in the browser).
//!
//! - [`facts`]: the questionnaire model — typed facts about a household and its members;
//!   what is not answered is unknown, never zero.
//! - [`rules`]: benefit rules as data — conditions over facts and over the members,
//!   amounts, parameters with dated values — checked on load, errors by line.
//! - [`eval`]: three-valued evaluation with the reasons (as data, written in words on
//!   demand) and the facts that would decide.
//! - [`catalogue`]: the published catalogue of a tenant (rules and entries of each
//!   administration above it) evaluated as a whole — by the server and by the widget.
//! - [`cases`]: test cases in the spirit of OpenFisca's YAML tests (situation and date →
//!   expected outcome and amount per benefit).
//!
//! Pure Rust without I/O: the server and the widget (wasm) run this same code.

pub mod cases;
pub mod catalogue;
pub mod date;
pub mod eval;
pub mod explain;
pub mod facts;
pub mod json;
pub mod rules;

pub use date::Date;
pub use eval::{decide, evaluate, About, Outcome, Reason, Status};
pub use facts::{Answers, Situation};
pub use rules::Rulebook;

/// The languages reasons are given in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    It,
    En,
}
