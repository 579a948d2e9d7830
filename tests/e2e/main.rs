//! End-to-end tests over HTTP against the local server and moto. One binary, one module
//! per area.

mod support;

mod activities;
mod admin;
mod auth;
mod clients;
mod concurrency;
mod dashboard;
mod faults;
mod isolation;
mod notices;
mod openapi;
mod registry;
mod summaries;
mod workers;
