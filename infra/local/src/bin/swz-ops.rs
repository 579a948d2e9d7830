//! `swz-ops`: operator commands against the table named by the environment, locally or
//! deployed (the same variables the functions read: TABLE_NAME, BUCKET_NAME, JWT_SECRET,
//! DATA_KEY, and the usual AWS ones).
//!
//! ```text
//! swz-ops bootstrap-admin <username> <region-code> [display-name]   # password from ADMIN_PASSWORD
//! swz-ops prepare                                                   # create table and bucket
//! swz-ops demo                                                      # load the demo data once
//! swz-ops openapi                                                   # print the OpenAPI document
//! ```

use anyhow::{Context, bail};
use swz_local::{bootstrap, demo};
use swz_shared::App;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("openapi") {
        // Needs no configuration: the document is generated from the code alone.
        println!("{}", serde_json::to_string_pretty(&swz_local::openapi())?);
        return Ok(());
    }
    let app = App::from_env().await.context("reading the configuration")?;
    match args.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        ["bootstrap-admin", username, region, rest @ ..] => {
            let password = std::env::var("ADMIN_PASSWORD")
                .context("set ADMIN_PASSWORD; a password is never taken on the command line")?;
            let name = rest.first().copied().unwrap_or("管理员");
            let outcome =
                bootstrap::create_admin_if_absent(&app, username, &password, region, name).await?;
            println!("administrator {username}: {outcome:?}");
        }
        ["prepare"] => {
            swz_local::prepare(&app).await?;
            println!("table {} and bucket {} are ready", app.store.table, app.files.bucket);
        }
        ["demo"] => {
            let loaded = demo::load_once(&app).await?;
            println!("demo data {}", if loaded { "loaded" } else { "already present" });
        }
        _ => bail!(
            "usage: swz-ops bootstrap-admin <username> <region-code> [display-name] | prepare | demo | openapi"
        ),
    }
    Ok(())
}
