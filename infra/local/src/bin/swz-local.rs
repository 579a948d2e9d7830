//! `swz-local`: the whole system on one port against moto, as `make run` starts it.
//!
//! Creates the table and bucket, loads the demo data once, creates the administrator
//! named by `ADMIN_USERNAME`, `ADMIN_PASSWORD` and `ADMIN_REGION` if absent, and serves
//! every function's routes on `127.0.0.1:$PORT` (default 8080) until Ctrl-C.

use anyhow::Context;
use swz_local::{bootstrap, demo};
use swz_shared::App;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    swz_shared::telemetry::init();
    let app = App::from_env().await.context("reading the configuration")?;
    swz_local::prepare(&app).await.context("preparing the table and bucket (is moto running?)")?;
    let loaded = demo::load_once(&app).await.context("loading demo data")?;

    if let (Ok(username), Ok(password), Ok(region)) = (
        std::env::var("ADMIN_USERNAME"),
        std::env::var("ADMIN_PASSWORD"),
        std::env::var("ADMIN_REGION"),
    ) {
        let outcome =
            bootstrap::create_admin_if_absent(&app, &username, &password, &region, "管理员")
                .await?;
        println!("administrator {username}: {outcome:?}");
    }

    let port: u16 = std::env::var("PORT").ok().and_then(|p| p.parse().ok()).unwrap_or(8080);
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
        .await
        .with_context(|| format!("binding 127.0.0.1:{port}"))?;

    let pollers = swz_local::streams::spawn(app.clone());
    print_banner(port, loaded);
    axum::serve(listener, swz_local::service(app))
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    pollers.abort();
    Ok(())
}

fn print_banner(port: u16, loaded_now: bool) {
    println!();
    println!("社工站管理系统 is running at http://127.0.0.1:{port}  (health: /api/health)");
    println!(
        "Demo data {}. Demo logins, password {}:",
        if loaded_now { "loaded" } else { "already present" },
        demo::PASSWORD
    );
    for login in demo::LOGINS {
        println!("  {:<10} {}", login.username, login.who);
    }
    println!("Press Ctrl-C to stop.");
}
