//! What one edition publishes, as pure functions of the validated model.

pub mod answer;
pub mod crosswalk;
pub mod export;
pub mod links;
pub mod outputs;
pub mod pages;
pub mod permalinks;
pub mod readiness;
pub mod receipts;
pub mod sentinel;

pub mod views;
