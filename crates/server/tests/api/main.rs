//! HTTP-level tests of the API: each starts a real server on 127.0.0.1:0 with a fresh SQLite
//! database and speaks HTTP to it. One binary (modules below) so it links once.

#[path = "../common/mod.rs"]
mod common;

mod access;
mod aggregate;
mod audit;
mod auth;
mod bad_input;
mod bench_sensors;
mod cli;
mod contract;
mod dashboards;
mod deletes;
mod details;
mod ingest;
mod lifecycle;
mod limits;
mod lists;
mod plans;
mod processes;
mod profiles;
mod reports;
mod retention;
mod searches;
mod seeding;
mod sensorapi;
mod serving;
mod snippets;
mod store_writes;
mod trends;
