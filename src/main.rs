//! The `kiosque` command line: parses arguments and dispatches, nothing else.

use std::net::IpAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};
use kiosque::build::{BuildOptions, build};
use kiosque::check::{CheckOptions, check};
use kiosque::diagnostic::Diagnostic;
use kiosque::serve::ServeOptions;

/// mimalloc: ~12 % less user time than glibc's malloc on a 10,000-article build (see Cargo.toml).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// kiosque: a static site generator for tech news sites.
#[derive(Parser)]
#[command(version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Render content/ into public/.
    Build(BuildArgs),
    /// Create a new site in DIR, with the default theme.
    Init(InitArgs),
    /// Create a dated draft article from its title.
    New(NewArgs),
    /// Show why articles are related to one article: every candidate and each signal's part.
    ExplainRelated(ExplainArgs),
    /// Build in memory and report broken links, anchors and images.
    Check(CheckArgs),
    /// Preview the site: build it in memory, serve it, rebuild and reload on every save.
    Serve(ServeArgs),
}

/// Options shared by the commands that read a site.
#[derive(Args)]
struct SiteArgs {
    /// The site folder (the one holding site.yaml).
    #[arg(long, default_value = ".")]
    root: PathBuf,
}

#[derive(Args)]
struct BuildArgs {
    #[command(flatten)]
    site: SiteArgs,
    /// The output folder [default: ROOT/public].
    #[arg(long)]
    output: Option<PathBuf>,
    /// Include draft articles.
    #[arg(long)]
    drafts: bool,
    /// Include articles dated in the future, and expired ones.
    #[arg(long)]
    future: bool,
    /// Override site.yaml's base_url (for preview deployments).
    #[arg(long)]
    base_url: Option<String>,
    /// Turn every warning into an error (for CI).
    #[arg(long)]
    strict: bool,
    /// Print the time of each stage.
    #[arg(long)]
    timings: bool,
}

#[derive(Args)]
struct CheckArgs {
    #[command(flatten)]
    site: SiteArgs,
    /// Include draft articles.
    #[arg(long)]
    drafts: bool,
    /// Include articles dated in the future, and expired ones.
    #[arg(long)]
    future: bool,
    /// Also request every external link (off by default: it goes over the network).
    #[arg(long)]
    external: bool,
    /// External requests at once.
    #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u16).range(1..=64))]
    concurrency: u16,
    /// Seconds before an external request gives up.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=300))]
    timeout: u64,
}

#[derive(Args)]
struct ServeArgs {
    #[command(flatten)]
    site: SiteArgs,
    /// The port to listen on (0 picks a free one).
    #[arg(long, default_value_t = 1111)]
    port: u16,
    /// The address to listen on; anything but 127.0.0.1 shows the preview to the network.
    #[arg(long, default_value = "127.0.0.1")]
    bind: IpAddr,
    /// Show drafts and articles dated in the future, marked as such.
    #[arg(long)]
    drafts: bool,
    /// Open the site in the default browser.
    #[arg(long)]
    open: bool,
}

#[derive(Args)]
struct InitArgs {
    /// The folder to create.
    dir: PathBuf,
}

#[derive(Args)]
struct NewArgs {
    #[command(flatten)]
    site: SiteArgs,
    /// The article's title, such as "Le créateur de ChatGPT vient d'être licencié".
    title: String,
}

#[derive(Args)]
struct ExplainArgs {
    #[command(flatten)]
    site: SiteArgs,
    /// The article: its path under content/ (articles/2026/11/x.md) or its slug.
    article: String,
    /// Include draft articles.
    #[arg(long)]
    drafts: bool,
}

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Build(args) => run_build(args),
        Command::Check(args) => run_check(args),
        Command::Init(args) => report(kiosque::scaffold::init(&args.dir).map(|()| {
            println!(
                "Created a new site in {}. Next: cd {} && kiosque build",
                args.dir.display(),
                args.dir.display()
            );
        })),
        Command::ExplainRelated(args) => run_explain(args),
        Command::New(args) => report(
            kiosque::scaffold::new_article(&args.site.root, &args.title)
                .map(|path| println!("Created {}", path.display())),
        ),
        Command::Serve(args) => report(
            kiosque::serve::run(&ServeOptions {
                root: args.site.root,
                port: args.port,
                bind: args.bind,
                drafts: args.drafts,
                open: args.open,
            })
            .map_err(anyhow::Error::from),
        ),
    }
}

fn run_build(args: BuildArgs) -> ExitCode {
    let options = BuildOptions {
        root: args.site.root,
        output: args.output,
        drafts: args.drafts,
        future: args.future,
        base_url: args.base_url,
        strict: args.strict,
    };
    let started = std::time::Instant::now();
    match build(&options) {
        Ok(report) => {
            print_diagnostics(&report.warnings);
            if args.timings {
                for timing in &report.timings {
                    let cpu = timing
                        .cpu
                        .map(|cpu| format!("  (CPU {})", millis(cpu)))
                        .unwrap_or_default();
                    println!("  {:<16} {}{cpu}", timing.stage, millis(timing.wall));
                }
            }
            println!(
                "Built {} pages ({} files: {} written, {} unchanged, {} removed) into {} in {}",
                report.pages,
                report.files,
                report.stats.written,
                report.stats.unchanged,
                report.stats.removed,
                report.output.display(),
                millis(started.elapsed())
            );
            if let Some(due) = report.next_scheduled {
                println!("Next scheduled article is due at {due}: rebuild then to publish it.");
            }
            if let Some(expiry) = report.next_expiry {
                println!("Next article expires at {expiry}: rebuild then to remove it.");
            }
            ExitCode::SUCCESS
        }
        Err(diagnostics) => {
            print_diagnostics(&diagnostics);
            let errors = diagnostics.iter().filter(|d| d.is_error()).count();
            eprintln!("Build failed with {errors} error(s); the output folder was left as it was.");
            ExitCode::FAILURE
        }
    }
}

fn run_explain(args: ExplainArgs) -> ExitCode {
    let options = BuildOptions {
        root: args.site.root,
        drafts: args.drafts,
        ..BuildOptions::default()
    };
    let prepared = match kiosque::build::prepare(&options) {
        Ok(prepared) => prepared,
        Err(diagnostics) => {
            print_diagnostics(&diagnostics);
            return ExitCode::FAILURE;
        }
    };
    let site = &prepared.site;
    match kiosque::site::explain_related(site, &args.article) {
        Ok((target, explanations)) => {
            println!(
                "Related to: {} ({})",
                site.articles[target].title, site.articles[target].path
            );
            println!(
                "threshold {}, count {}",
                site.config.related.threshold, site.config.related.count
            );
            println!();
            println!(
                "{:>5} {:>6} {:>6} {:>6} {:>6} {:>6} {:>6} {:>6}  article",
                "kept", "total", "text", "tags", "categ", "author", "series", "recency"
            );
            for e in explanations {
                let kept = match (e.pinned, e.kept) {
                    (true, _) => "pin",
                    (false, true) => "yes",
                    (false, false) => "",
                };
                println!(
                    "{kept:>5} {:>6.3} {:>6.3} {:>6.3} {:>6.3} {:>6.3} {:>6.3} {:>6.3}  {}",
                    e.total,
                    e.text,
                    e.tags,
                    e.categories,
                    e.author,
                    e.series,
                    e.recency,
                    site.articles[e.index].title
                );
            }
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run_check(args: CheckArgs) -> ExitCode {
    let options = CheckOptions {
        build: BuildOptions {
            root: args.site.root,
            drafts: args.drafts,
            future: args.future,
            ..BuildOptions::default()
        },
        external: args.external,
        concurrency: usize::from(args.concurrency),
        timeout: Duration::from_secs(args.timeout),
    };
    match check(&options) {
        Ok(report) => {
            print_diagnostics(&report.warnings);
            print_diagnostics(&report.problems);
            let external = if args.external {
                format!(", {} external URLs requested", report.external)
            } else {
                String::new()
            };
            println!(
                "Checked {} links on {} pages{external}: {} problem(s).",
                report.links,
                report.pages,
                report.problems.len()
            );
            if report.problems.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
        Err(diagnostics) => {
            print_diagnostics(&diagnostics);
            let errors = diagnostics.iter().filter(|d| d.is_error()).count();
            eprintln!("The site does not build ({errors} error(s)): nothing was checked.");
            ExitCode::FAILURE
        }
    }
}

fn print_diagnostics(diagnostics: &[Diagnostic]) {
    for diagnostic in diagnostics {
        eprintln!("{diagnostic}");
    }
}

fn millis(duration: Duration) -> String {
    format!("{} ms", duration.as_millis())
}

fn report(result: anyhow::Result<()>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}
