//! End-to-end tests over HTTP against the local server and moto. One binary, one module
//! per area.

mod support;

mod admin;
mod auth;
mod notices;
mod concurrency;
mod faults;
mod isolation;
mod openapi;
mod summaries;
mod registry;
mod workers;
mod clients;
mod activities;
mod dashboard;
