//! The `openwelfare` binary: parses the command line and config, sets up logging, runs.

use clap::Parser;
use server::cli::{run, Cli};
use server::config::Config;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let config = Config::load()?;
    let filter = tracing_subscriber::EnvFilter::try_from_env("OW_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn,sea_orm=warn"));
    let subscriber = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    if config.log_json {
        subscriber.json().init();
    } else {
        subscriber.init();
    }
    run(Cli::parse(), config).await
}
