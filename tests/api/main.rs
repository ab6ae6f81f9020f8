//! The integration tests: one binary, the service in-process, a fresh database per
//! test (SQLite; PostgreSQL with `COOPERA_TEST_DATABASE_URL`).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod access_matrix;
mod activities;
mod archiving;
mod auth;
mod changes;
mod cli;
mod concurrency;
mod conflicts;
mod consultation_meetings;
mod consultation_watch;
mod consultations;
mod errors;
mod exports;
mod good_practices;
mod health;
mod idempotency;
mod imports;
mod indicators;
mod login_throttle;
mod notifications;
mod openapi;
mod organizations;
mod participation;
mod partnerships;
mod people;
mod projects;
mod quality;
mod quality_actions;
mod quality_survey;
mod recruitment;
mod recruitment_review;
mod registers;
mod revocation;
mod security;
mod support;
mod swagger_ui;
mod territorial_units;
mod training;
mod training_assignment;
mod training_results;
mod webhooks;
