//! One folder per tab of the left navigation.

pub mod audit;
pub mod containers;
pub mod dashboard;
pub mod images;
pub mod reports;
pub mod sensors;
pub mod settings;
pub mod signin;
