//! Background jobs.

pub mod deletion;
