//! The `toasoan` command: `serve` (default), `migrate`, `user create`,
//! `seed`, `reindex` (rebuilds the search index), and `openapi` (prints the
//! document committed as openapi.yaml).

use clap::{Parser, Subcommand};
use std::process::ExitCode;
use toasoan_api::config::Config;
use toasoan_api::{openapi, reindex, seed, startup};
use toasoan_domain::user::Role;

#[derive(Parser)]
#[command(
    name = "toasoan",
    version,
    about = "Toà soạn: a headless CMS for newsrooms"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Migrate the database and serve the API (the default).
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Manage accounts.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Fill the database with a demo newsroom of Vietnamese articles.
    Seed {
        /// How many articles to generate (the example page is added too).
        #[arg(long, default_value_t = 1000)]
        articles: usize,
    },
    /// Rebuild the search index from the articles (after an upgrade or to repair it).
    Reindex,
    /// Print the OpenAPI document as YAML.
    Openapi,
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create an account. The password (10+ characters) comes from
    /// TOASOAN_USER_PASSWORD when set, else the first line of standard
    /// input when it is not a terminal, else a prompt without echo; never
    /// from an argument, which every account on the machine can see.
    Create {
        /// Login e-mail.
        #[arg(long)]
        email: String,
        /// admin, editor or author.
        #[arg(long, default_value = "author")]
        role: String,
        /// Shown name.
        #[arg(long)]
        name: String,
    },
}

fn init_logging(json: bool) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if json {
        builder.json().init();
    } else {
        builder.init();
    }
}

#[actix_web::main]
async fn main() -> ExitCode {
    return_large_blocks_to_the_os();
    let cli = Cli::parse();
    if let Some(Command::Openapi) = cli.command {
        return match openapi::yaml() {
            Ok(yaml) => {
                print!("{yaml}");
                ExitCode::SUCCESS
            }
            Err(e) => fail(&e),
        };
    }
    let config = match Config::from_env() {
        Ok(config) => config,
        Err(e) => return fail(&format!("configuration: {e}")),
    };
    init_logging(config.json_logs);
    let result = match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(config).await,
        Command::Migrate => startup::open_database(&config)
            .map(|_| ())
            .map_err(|e| e.to_string()),
        Command::User {
            command: UserCommand::Create { email, role, name },
        } => new_password()
            .and_then(|password| create_user(&config, &email, &password, &role, &name)),
        Command::Seed { articles } => startup::open_database(&config)
            .map_err(|e| e.to_string())
            .and_then(|pool| seed::run(&pool, articles).map_err(|e| e.to_string()))
            .map(|report| println!("{report}")),
        Command::Reindex => startup::open_database(&config)
            .map_err(|e| e.to_string())
            .and_then(|pool| reindex::run(&pool).map_err(|e| e.to_string()))
            .map(|done| println!("reindexed {done} articles")),
        Command::Openapi => Ok(()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(&e),
    }
}

/// Each argon2id check (a login, a password change) takes a 19 MiB block.
/// glibc's malloc raises its mmap threshold to the largest block freed, so
/// after the first logins those blocks come from per-thread arenas that keep
/// them: 1.3 GB resident after six seconds of logins (BENCHMARKS.md). A fixed
/// threshold keeps blocks over 1 MiB mapped, so each is returned when freed.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn return_large_blocks_to_the_os() {
    // SAFETY: mallopt only changes a malloc tunable; it takes no pointer and
    // glibc serialises it against allocations.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 1 << 20);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn return_large_blocks_to_the_os() {}

fn fail(message: &str) -> ExitCode {
    eprintln!("toasoan: {message}");
    ExitCode::FAILURE
}

async fn serve(config: Config) -> Result<(), String> {
    let (server, addr) = startup::start(config).map_err(|e| e.to_string())?;
    tracing::info!(%addr, "serving; docs at http://{addr}/docs/");
    server.await.map_err(|e| e.to_string())
}

/// The new account's password for `user create`: `TOASOAN_USER_PASSWORD`,
/// or the first line of a piped standard input, or typed at a prompt
/// without echo.
fn new_password() -> Result<String, String> {
    use std::io::{BufRead, IsTerminal};
    if let Ok(password) = std::env::var("TOASOAN_USER_PASSWORD") {
        return Ok(password);
    }
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        return rpassword::prompt_password("Password: ").map_err(|e| format!("password: {e}"));
    }
    let mut line = String::new();
    stdin
        .lock()
        .read_line(&mut line)
        .map_err(|e| format!("password from standard input: {e}"))?;
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}

fn create_user(
    config: &Config,
    email: &str,
    password: &str,
    role: &str,
    name: &str,
) -> Result<(), String> {
    let role = Role::parse(role).map_err(|e| e.message)?;
    let pool = startup::open_database(config).map_err(|e| e.to_string())?;
    let mut conn = pool.get().map_err(|e| e.to_string())?;
    let passwords = toasoan_api::auth::Passwords::new(config.argon2)?;
    startup::create_user(&mut conn, &passwords, email, password, name, role)
        .map_err(|e| e.to_string())?;
    println!(
        "created {} account {}",
        role.as_str(),
        email.trim().to_lowercase()
    );
    Ok(())
}
