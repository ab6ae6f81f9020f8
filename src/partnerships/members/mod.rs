//! A partnership's members: who takes part, with which role, since when and
//! until when (leaving keeps the record as history), their local coordinator
//! and working team, and the single lead.

pub mod handlers;
pub mod model;
pub mod store;
