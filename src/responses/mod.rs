//! Responses: CSV exports + a [`Survey`](crate::survey::Survey) in,
//! normalised [`Response`](crate::answers::Response)s plus a
//! [`Reconciliation`] out. Every row read is used, counted as a duplicate,
//! or rejected with a reason; every answer set aside is counted by rule.

mod reconcile;

pub use reconcile::{FileTally, Reconciliation};
