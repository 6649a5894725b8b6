//! `custalyze serve`: the customer app and the scoring API over HTTP.

use std::path::PathBuf;

use clap::Args;
use custalyze_analysis::AnalysisOptions;
use custalyze_serve::{AppState, Served};

use crate::CliError;
use crate::input::InputArgs;
use crate::tables::TableArgs;

/// Arguments of `custalyze serve`.
#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  custalyze serve                                     # the embedded sample on 127.0.0.1:8080
  custalyze report --out report && custalyze serve --report report
  custalyze serve --input retail.csv --schema online-retail --addr 127.0.0.1:9000

Opens the web app at http://ADDR/ (look a customer up, browse segments and customers) and the
JSON API under /api (described at /api/openapi.json): GET /api/customers/{id},
GET /api/customers?segment=&tier=&sort=&limit=&offset=, GET /api/segments,
GET /api/customers/{id}/recommendations?k=, POST /api/score, GET /api/health. The analysis runs
once at start (or is read from DIR/analysis.json with --report, without purchase histories);
--reload re-runs it when the input file changes and swaps it in atomically. Binds to loopback
unless --addr says otherwise.")]
pub struct ServeArgs {
    /// A directory written by `custalyze report` (its analysis.json).
    #[arg(long, value_name = "DIR", conflicts_with = "input")]
    report: Option<PathBuf>,
    #[command(flatten)]
    input: InputArgs,
    #[command(flatten)]
    tables: TableArgs,
    /// Address to listen on.
    #[arg(long, value_name = "HOST:PORT", default_value = "127.0.0.1:8080")]
    addr: String,
    /// Re-run the analysis when the input file changes (checked every 2 s) and swap it in
    /// atomically; requests in flight finish on the old one.
    #[arg(long, requires = "input", conflicts_with = "report")]
    reload: bool,
}

/// The analysis of the input, with its purchase histories.
fn analyse(args: &ServeArgs) -> Result<Served, CliError> {
    let tables = args.tables.tables(&args.input)?;
    let r = crate::report::analyse(&args.input, &tables, &AnalysisOptions::new())?;
    let log = custalyze_analysis::analysed_rows(&r.log, r.analysis.window.as_of)
        .map_err(|e| CliError(e.to_string()))?;
    Ok(Served::new(r.analysis, Some(&log)))
}

fn modified(path: &std::path::Path) -> Option<std::time::SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}

/// Runs the command (until the process is stopped).
pub fn run(args: &ServeArgs) -> Result<(), CliError> {
    let served = match &args.report {
        Some(dir) => Served::new(crate::customer::load_saved(dir)?.analysis, None),
        None => analyse(args)?,
    };
    eprintln!(
        "serving {} customers on http://{}/ (API under /api, /api/openapi.json); Ctrl-C stops",
        served.analysis.facts.len(),
        args.addr
    );
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| CliError(format!("cannot start the server runtime: {e}")))?;
    let state = AppState::new(served);
    let stop = std::sync::atomic::AtomicBool::new(false);
    std::thread::scope(|scope| {
        if let (true, Some(path)) = (args.reload, args.input.input.as_deref()) {
            let (state, stop) = (state.clone(), &stop);
            scope.spawn(move || {
                let mut seen = modified(path);
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    std::thread::sleep(std::time::Duration::from_secs(2));
                    let now = modified(path);
                    if now == seen {
                        continue;
                    }
                    seen = now;
                    // A failed re-run keeps the analysis being served, and says why.
                    match analyse(args) {
                        Ok(s) => {
                            eprintln!(
                                "reloaded {}: {} customers",
                                path.display(),
                                s.analysis.facts.len()
                            );
                            state.replace(s);
                        }
                        Err(e) => eprintln!(
                            "reload of {} failed, still serving the previous analysis: {}",
                            path.display(),
                            e.0
                        ),
                    }
                }
            });
        }
        let result = runtime
            .block_on(custalyze_serve::serve(&args.addr, state))
            .map_err(|e| CliError(e.to_string()));
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        result
    })
}
