//! Responsibilities: tasks a partnership assigns to its members, by category, with
//! a due date and a status (`todo` → `in_progress` → `done` with evidence, or
//! `cancelled`); `overdue` is computed from the server clock. The standard set of
//! seed 000 can be applied to a member in one call.

pub mod handlers;
pub mod model;
pub mod rules;
pub mod store;
