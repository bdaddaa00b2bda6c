//! The `dossier` command line.
#![allow(clippy::print_stdout, clippy::print_stderr)] // the command line is where output belongs

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use clap::{Args, Parser, Subcommand};

use dossier::build::{self, BuildOptions, Mode};
use dossier::config::{Config, Overrides};
use dossier::diagnostics::{Diagnostic, LinkPolicy};
use dossier::output::atomic::Foreign;
use dossier::scaffold;

/// mimalloc: the build allocates and frees many small strings on every thread, where
/// glibc's allocator spends much of its time growing and locking per-thread arenas.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// A static site generator for cross-linked dossiers.
#[derive(Parser)]
#[command(name = "dossier", version, about)]
struct Cli {
    #[command(flatten)]
    global: Global,
    #[command(subcommand)]
    command: Command,
}

#[derive(Args)]
struct Global {
    /// The site folder (the one with `site.yaml`).
    #[arg(long, global = true, default_value = ".")]
    root: PathBuf,
    /// Print only errors: no warnings, no summary of a run that succeeds.
    #[arg(long, short, global = true, conflicts_with = "verbose")]
    quiet: bool,
    /// Also print how long each stage took.
    #[arg(long, short, global = true)]
    verbose: bool,
}

#[derive(Subcommand)]
enum Command {
    /// Build the site into `public/` (or --output).
    Build(BuildArgs),
    /// Do everything `build` does except writing; report every problem.
    Check(CheckArgs),
    /// Build into memory, serve, and rebuild on every change with live reload.
    Serve(ServeArgs),
    /// Write a new entry with filled-in front matter.
    New(NewArgs),
    /// Write a new, buildable site into a folder.
    Init(InitArgs),
}

/// The options `build` and `check` share.
#[derive(Args)]
struct SiteArgs {
    /// Override `base_url` from site.yaml.
    #[arg(long)]
    base_url: Option<String>,
    /// Include entries marked `draft: true`.
    #[arg(long)]
    drafts: bool,
    /// Treat warnings as errors (link problems stay warnings under `--links warn`).
    #[arg(long)]
    strict: bool,
    #[command(flatten)]
    links: LinksArg,
}

/// `--links`, shared by build, check and serve.
#[derive(Args)]
struct LinksArg {
    /// Whether broken and ambiguous links fail the run (`error`) or are warnings (`warn`),
    /// over `links:` in site.yaml.
    #[arg(long, value_enum, value_name = "error|warn")]
    links: Option<Links>,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum Links {
    Error,
    Warn,
}

impl LinksArg {
    fn policy(&self) -> Option<LinkPolicy> {
        self.links.map(|l| match l {
            Links::Error => LinkPolicy::Error,
            Links::Warn => LinkPolicy::Warn,
        })
    }
}

#[derive(Args)]
struct BuildArgs {
    /// Where to write the site (default: ROOT/public).
    #[arg(long, short)]
    output: Option<PathBuf>,
    #[command(flatten)]
    site: SiteArgs,
    /// Build into a folder Dossier did not make; it is moved aside, not deleted.
    #[arg(long)]
    force: bool,
}

#[derive(Args)]
struct CheckArgs {
    #[command(flatten)]
    site: SiteArgs,
}

#[derive(Args)]
struct ServeArgs {
    /// The address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    bind: std::net::IpAddr,
    /// The port to listen on (the next free one when it is taken).
    #[arg(long, default_value_t = 1111)]
    port: u16,
    /// Include entries marked `draft: true`.
    #[arg(long)]
    drafts: bool,
    /// Open the site in the default browser.
    #[arg(long)]
    open: bool,
    #[command(flatten)]
    links: LinksArg,
}

#[derive(Args)]
struct NewArgs {
    /// The kind of entry: person, place, event … (or its folder: people, places …).
    kind: String,
    /// The entry's title; the file name is made from it.
    title: String,
}

#[derive(Args)]
struct InitArgs {
    /// The folder for the new site (created if missing; must be empty).
    #[arg(required_unless_present = "from", conflicts_with = "from")]
    dir: Option<PathBuf>,
    /// Instead, write a site.yaml into this folder of notes made with Obsidian, Quartz,
    /// Jekyll or Hugo, so that it builds as it is.
    #[arg(long, value_name = "SRC")]
    from: Option<PathBuf>,
}

/// Where messages go: diagnostics and notes on stderr, results on stdout.
struct Reporter {
    quiet: bool,
    verbose: bool,
    styled: bool,
}

impl Reporter {
    /// Prints a problem; under `--quiet` only errors.
    fn diagnostic(&self, d: &Diagnostic) {
        if d.is_error() || !self.quiet {
            eprintln!("{}", d.render(self.styled));
        }
    }

    fn info(&self, line: &str) {
        if !self.quiet {
            println!("{line}");
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let styled = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let reporter = Reporter {
        quiet: cli.global.quiet,
        verbose: cli.global.verbose,
        styled,
    };
    let root = cli.global.root;
    match cli.command {
        Command::Build(args) => run_build(
            &reporter,
            BuildOptions {
                root,
                output: args.output,
                base_url: args.site.base_url,
                drafts: args.site.drafts,
                strict: args.site.strict,
                links: args.site.links.policy(),
                foreign: if args.force {
                    Foreign::PutAside
                } else {
                    Foreign::Refuse
                },
                mode: Mode::Build,
            },
        ),
        Command::Check(args) => run_build(
            &reporter,
            BuildOptions {
                root,
                output: None,
                base_url: args.site.base_url,
                drafts: args.site.drafts,
                strict: args.site.strict,
                links: args.site.links.policy(),
                foreign: Foreign::Refuse,
                mode: Mode::Check,
            },
        ),
        Command::Serve(args) => run_serve(&reporter, root, &args),
        Command::New(args) => run_new(&reporter, &root, &args),
        Command::Init(args) => run_init(&reporter, &args),
    }
}

fn run_build(reporter: &Reporter, opts: BuildOptions) -> ExitCode {
    let outcome = build::run(&opts);
    for d in outcome.diagnostics.iter() {
        reporter.diagnostic(d);
    }
    if reporter.verbose {
        for stage in &outcome.stages {
            let resident = stage
                .resident
                .map(|b| format!("{:>8.1} MiB resident", b as f64 / (1024.0 * 1024.0)))
                .unwrap_or_default();
            eprintln!(
                "  {:<30} {:>8.1} ms {resident}",
                stage.name,
                stage.took.as_secs_f64() * 1000.0
            );
        }
    }
    let verb = match (opts.mode, outcome.ok()) {
        (Mode::Build, true) => "built",
        (Mode::Check, true) => "checked",
        (Mode::Build, false) => "build failed, the output is unchanged:",
        (Mode::Check, false) => "check failed:",
    };
    let line = format!("{verb} {}", outcome.summary_line());
    // `check` ends with the problems counted by kind, to see what is left while a site
    // moves over (under --quiet, the errors only).
    let kinds = (opts.mode == Mode::Check)
        .then(|| outcome.diagnostics.kinds_line(reporter.quiet))
        .flatten();
    if outcome.ok() {
        reporter.info(&line);
        if let Some(kinds) = &kinds {
            reporter.info(kinds);
        }
        ExitCode::SUCCESS
    } else {
        eprintln!("{line}");
        if let Some(kinds) = &kinds {
            eprintln!("{kinds}");
        }
        ExitCode::from(1)
    }
}

impl dossier::serve::Log for Reporter {
    fn info(&self, line: &str) {
        Reporter::info(self, line);
    }

    fn diagnostic(&self, d: &Diagnostic) {
        Reporter::diagnostic(self, d);
    }
}

fn run_serve(reporter: &Reporter, root: PathBuf, args: &ServeArgs) -> ExitCode {
    let stop = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&stop);
    if let Err(e) = ctrlc::set_handler(move || flag.store(true, Ordering::SeqCst)) {
        eprintln!("error: cannot handle Ctrl-C: {e}");
        return ExitCode::from(1);
    }
    let opts = dossier::serve::ServeOptions {
        root,
        bind: args.bind,
        port: args.port,
        drafts: args.drafts,
        open: args.open,
        verbose: reporter.verbose,
        links: args.links.policy(),
    };
    match dossier::serve::run(&opts, reporter, stop) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {}", e.0);
            ExitCode::from(1)
        }
    }
}

fn run_new(reporter: &Reporter, root: &std::path::Path, args: &NewArgs) -> ExitCode {
    let report = Config::load(root, &Overrides::default());
    for d in &report.diagnostics {
        reporter.diagnostic(d);
    }
    let Some(config) = report.config else {
        return ExitCode::from(1);
    };
    let kind = match scaffold::find_kind(&config, &args.kind) {
        Ok(kind) => kind,
        Err(d) => {
            reporter.diagnostic(&d);
            return ExitCode::from(2);
        }
    };
    match scaffold::new_entry(root, &config, kind, &args.title) {
        Ok(path) => {
            reporter.info(&format!("wrote {}", path.display()));
            ExitCode::SUCCESS
        }
        Err(d) => {
            reporter.diagnostic(&d);
            ExitCode::from(1)
        }
    }
}

fn run_init(reporter: &Reporter, args: &InitArgs) -> ExitCode {
    if let Some(src) = &args.from {
        return match scaffold::from::init_from(src) {
            Ok(adopted) => {
                reporter.info(&format!(
                    "{} is {}: wrote {}/site.yaml; check it with: dossier --root {} check",
                    src.display(),
                    adopted.tool.name(),
                    src.display(),
                    src.display()
                ));
                ExitCode::SUCCESS
            }
            Err(d) => {
                reporter.diagnostic(&d);
                ExitCode::from(1)
            }
        };
    }
    let Some(dir) = &args.dir else {
        return ExitCode::from(2);
    };
    match scaffold::init(dir) {
        Ok(files) => {
            reporter.info(&format!(
                "wrote a new site of {} files into {}; build it with: dossier --root {} build",
                files.len(),
                dir.display(),
                dir.display()
            ));
            ExitCode::SUCCESS
        }
        Err(d) => {
            reporter.diagnostic(&d);
            ExitCode::from(1)
        }
    }
}
