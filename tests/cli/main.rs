//! The integration tests, one binary (as cargo and jj build theirs): each module is one
//! area of the product, run against the built `crm`.
#![allow(clippy::too_many_lines, reason = "a test is one story, told in order")]

mod common;

mod add;
mod bad_input;
mod cache;
mod calendar;
mod check;
mod cli;
mod client_reads;
mod completions_man;
mod concurrency;
mod contact;
mod crash;
mod day_one;
mod dedupe;
mod edit_rm;
mod forget;
mod fuzz_regressions;
mod git;
mod html;
mod import_export;
mod import_interrupt;
mod ingest;
mod init;
mod integrity;
mod layers;
mod list;
mod mcp;
mod merge;
mod query;
mod reports;
mod reports_edge;
mod rights;
mod schema;
mod scoring;
mod scripts;
mod second_trial;
mod security;
mod set;
mod show_get;
mod sql;
mod tour;
mod vcard;
mod voice;
mod watch;
mod whatsapp;
mod wrong_answers;
