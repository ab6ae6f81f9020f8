//! The `coopera` command: serves the API (the default), applies migrations, or
//! prints the OpenAPI document.

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use coopera::config::Config;
use coopera::db::Db;
use coopera::{AppState, build_app};
use tracing_subscriber::EnvFilter;

#[derive(Parser)]
#[command(
    name = "coopera",
    version,
    about = "Coopera: cooperation between NGOs and public administration, as an HTTP/JSON API.",
    long_about = "Coopera: cooperation between NGOs and public administration, as an HTTP/JSON API.\n\n\
Configuration comes from the environment (and a .env file): DATABASE_URL, COOPERA_LISTEN, \
COOPERA_DB_POOL_SIZE, COOPERA_DB_TIMEOUT_SECS, COOPERA_BODY_LIMIT, COOPERA_CORS_ORIGINS, \
COOPERA_WORKERS, COOPERA_JWT_SECRET, COOPERA_ACCESS_TOKEN_TTL_SECS, \
COOPERA_REFRESH_TOKEN_TTL_DAYS, COOPERA_TRUSTED_PROXIES, RUST_LOG. See README.md."
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Apply pending migrations, then serve the API (the default).
    Serve,
    /// Apply pending migrations and exit.
    Migrate,
    /// Print the OpenAPI document (JSON) to standard output.
    Openapi,
    /// Import an official register into the database.
    Import {
        #[command(subcommand)]
        register: Register,
    },
    /// Load the demonstration data (idempotent) and print the demo accounts. The
    /// demo accounts have published passwords: a database that already has
    /// other accounts is refused unless --allow-existing-accounts is given.
    SeedDemo {
        /// Load the demo accounts even though the database has other accounts.
        #[arg(long)]
        allow_existing_accounts: bool,
    },
    /// Create an administrator. The password is read from COOPERA_ADMIN_PASSWORD
    /// or, if that is unset, from the first line of standard input.
    CreateAdmin {
        /// The administrator's email, used to log in.
        #[arg(long)]
        email: String,
        /// The name shown for the account (default: the email).
        #[arg(long)]
        name: Option<String>,
    },
}

#[derive(Subcommand)]
enum Register {
    /// The Polish TERYT TERC register (GUS CSV: WOJ;POW;GMI;RODZ;NAZWA;NAZWA_DOD;STAN_NA).
    /// Idempotent; prints how many units were added, updated, left unchanged,
    /// skipped and rejected (with line numbers).
    Terc {
        /// The CSV file, UTF-8.
        file: std::path::PathBuf,
    },
    /// Romania's SIRUTA register (INS CSV from data.gov.ro, `;` or `,`
    /// separated, with the columns SIRUTA, DENLOC, JUD, TIP and NIV).
    /// Municipalities, towns, communes and Bucharest's sectors become units
    /// `RO-<SIRUTA>`. Idempotent; prints the same summary as `terc`.
    Siruta {
        /// The CSV file, UTF-8.
        file: std::path::PathBuf,
    },
}

fn main() -> ExitCode {
    // A missing .env is normal; a malformed one is worth saying.
    if let Err(e) = dotenvy::dotenv()
        && !e.not_found()
    {
        eprintln!("coopera: cannot read .env: {e}");
        return ExitCode::from(2);
    }
    let cli = Cli::parse();
    let command = cli.command.unwrap_or(Command::Serve);
    if let Command::Openapi = command {
        print!("{}", coopera::openapi_json());
        return ExitCode::SUCCESS;
    }

    let config = match Config::from_env() {
        Ok(config) => config,
        Err(e) => {
            eprintln!("coopera: invalid configuration: {e}");
            return ExitCode::from(2);
        }
    };
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::new(&config.log_filter))
        .with_target(false)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stdout()))
        .init();

    let result = match command {
        Command::Migrate => migrate(&config).map(|_| ()),
        Command::CreateAdmin { email, name } => create_admin(&config, &email, name),
        Command::Import { register } => import_register(&config, register),
        Command::SeedDemo {
            allow_existing_accounts,
        } => seed_demo(&config, allow_existing_accounts),
        _ => serve(config),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // One line, also when a driver's message has several.
            let e = e.split_whitespace().collect::<Vec<_>>().join(" ");
            eprintln!("coopera: {e}");
            ExitCode::FAILURE
        }
    }
}

fn migrate(config: &Config) -> Result<Db, String> {
    let db = Db::connect(&config.database_url, config.pool_size, config.db_timeout)?;
    let applied = db.migrate()?;
    match applied {
        0 => tracing::info!("the database schema is up to date"),
        n => tracing::info!("applied {n} migrations; the database schema is up to date"),
    }
    Ok(db)
}

fn create_admin(config: &Config, email: &str, name: Option<String>) -> Result<(), String> {
    use coopera::auth::{password, users};
    let email = users::normalize_email(email);
    if !validator::ValidateEmail::validate_email(&email) {
        return Err(format!("`{email}` is not an email address"));
    }
    let password = match std::env::var("COOPERA_ADMIN_PASSWORD") {
        Ok(p) if !p.is_empty() => p,
        _ => {
            if std::io::IsTerminal::is_terminal(&std::io::stdin()) {
                eprint!(
                    "Password for {email} (at least {} characters): ",
                    password::MIN_PASSWORD_LEN
                );
            }
            let mut line = String::new();
            std::io::stdin()
                .read_line(&mut line)
                .map_err(|e| format!("cannot read the password: {e}"))?;
            line.trim_end_matches(['\r', '\n']).to_owned()
        }
    };
    password::check_strength(&password, &email)
        .map_err(|e| format!("the password {}", e.message))?;
    let db = migrate(config)?;
    let password_hash = password::hash(&password).map_err(|e| e.to_string())?;
    let mut conn = db
        .pool()
        .get()
        .map_err(|e| format!("cannot connect to the database: {e}"))?;
    let user = users::insert_user(
        &mut conn,
        &system_caller(),
        users::NewUser {
            display_name: name.unwrap_or_else(|| email.clone()),
            email,
            password_hash,
            roles: vec![users::GlobalRole::Admin],
            person_id: None,
        },
    )
    .map_err(|e| e.problem().detail)?;
    println!("created administrator {} ({})", user.email, user.id);
    Ok(())
}

fn system_caller() -> coopera::audit::Caller {
    coopera::audit::Caller {
        actor: coopera::auth::Actor::Anonymous,
        request_id: None,
    }
}

fn import_register(config: &Config, register: Register) -> Result<(), String> {
    use coopera::territorial_units::{register, siruta, terc};
    let (name, country, file, parse): (_, _, _, fn(std::fs::File) -> Result<_, String>) =
        match register {
            Register::Terc { file } => ("TERC", "PL", file, |f| terc::parse(f)),
            Register::Siruta { file } => ("SIRUTA", "RO", file, |f| siruta::parse(f)),
        };
    let reader =
        std::fs::File::open(&file).map_err(|e| format!("cannot open {}: {e}", file.display()))?;
    let parsed = parse(reader).map_err(|e| format!("{}: {e}", file.display()))?;
    let db = migrate(config)?;
    let mut conn = db
        .pool()
        .get()
        .map_err(|e| format!("cannot connect to the database: {e}"))?;
    let bar = indicatif::ProgressBar::new(parsed.units.len() as u64);
    if let Ok(style) = indicatif::ProgressStyle::with_template(
        "{bar:40} {pos}/{len} territorial units ({eta} left)",
    ) {
        bar.set_style(style);
    }
    let summary = register::import(&mut conn, &system_caller(), country, parsed, || bar.inc(1))
        .map_err(|e| e.to_string())?;
    bar.finish_and_clear();
    println!(
        "{name} import: {} added, {} updated, {} unchanged, {} skipped (not local government units), {} rejected",
        summary.added,
        summary.updated,
        summary.unchanged,
        summary.skipped,
        summary.rejected.len()
    );
    for r in &summary.rejected {
        println!("  line {}: {}", r.line, r.reason);
    }
    Ok(())
}

fn seed_demo(config: &Config, allow_existing_accounts: bool) -> Result<(), String> {
    let db = migrate(config)?;
    let mut conn = db
        .pool()
        .get()
        .map_err(|e| format!("cannot connect to the database: {e}"))?;
    let others = coopera::demo::other_accounts(&mut conn, 3).map_err(|e| e.to_string())?;
    if !others.is_empty() {
        if !allow_existing_accounts {
            return Err(format!(
                "the database already has user accounts ({}{}); the demo accounts have published \
                 passwords, so seed-demo leaves it alone. Point DATABASE_URL at a fresh database, \
                 or run `coopera seed-demo --allow-existing-accounts` to add them anyway",
                others.join(", "),
                if others.len() == 3 { ", …" } else { "" }
            ));
        }
        println!(
            "Warning: this database has other user accounts; adding demo accounts with published passwords to it."
        );
    }
    let report = coopera::demo::seed(&mut conn).map_err(|e| e.to_string())?;
    print!("{report}");
    Ok(())
}

/// Every 30 seconds, lapses the recruitment offers past their time and passes
/// their places on (each instance sweeps; the call's lock makes each lapse
/// happen once), deletes the idempotency keys kept past their 24 hours, and
/// the webhook deliveries done more than 30 days ago.
async fn sweep(db: coopera::db::Db) {
    let mut every = actix_web::rt::time::interval(std::time::Duration::from_secs(30));
    loop {
        every.tick().await;
        match db.run(coopera::recruitment::places::sweep_offers).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(lapsed = n, "recruitment offers lapsed"),
            Err(e) => tracing::warn!(error = %e, "sweeping recruitment offers failed"),
        }
        let expired = db
            .run(|conn| coopera::http::idempotency::purge_expired(conn, coopera::db::now()))
            .await;
        if let Err(e) = expired {
            tracing::warn!(error = %e, "deleting expired idempotency keys failed");
        }
        let done = db
            .run(|conn| {
                let before = coopera::db::now() - coopera::webhooks::store::kept_for();
                coopera::webhooks::store::purge(conn, before)
            })
            .await;
        if let Err(e) = done {
            tracing::warn!(error = %e, "deleting old webhook deliveries failed");
        }
    }
}

fn serve(config: Config) -> Result<(), String> {
    let db = migrate(&config)?;
    let secret = coopera::auth::jwt::load_secret(config.jwt_secret.as_deref(), &config.data_dir())?;
    let tokens = coopera::auth::jwt::TokenKeys::new(
        &secret,
        config.access_token_ttl,
        config.refresh_token_ttl,
    );
    let state = AppState {
        tokens: std::sync::Arc::new(tokens),
        db,
        body_limit: config.body_limit,
        cors: config.cors.clone(),
        trusted_proxies: config.trusted_proxies.clone(),
        public_rate_limit: config.public_rate_limit,
        consultation_periods: config.consultation_periods,
        survey_min_responses: config.survey_min_responses,
        callers: std::sync::Arc::new(coopera::auth::current::Callers::new(config.access_recheck)),
        webhooks_allow_insecure: config.webhooks_allow_insecure,
    };
    let listen = config.listen;
    let sweeper_db = state.db.clone();
    let mailer = match &config.smtp_url {
        Some(url) => Some(coopera::notifications::smtp::Mailer::new(
            url,
            &config.mail_from,
            config.application_link.clone(),
        )?),
        None => None,
    };
    let outbox_db = state.db.clone();
    let webhooks_db = state.db.clone();
    let webhooks = coopera::webhooks::sender::Sender::new(config.webhooks_allow_insecure)?;
    actix_web::rt::System::new().block_on(async move {
        actix_web::rt::spawn(sweep(sweeper_db));
        actix_web::rt::spawn(coopera::webhooks::sender::run(webhooks_db, webhooks));
        match mailer {
            Some(mailer) => {
                actix_web::rt::spawn(coopera::notifications::smtp::run(outbox_db, mailer));
            }
            None => {
                let waiting = outbox_db.run(coopera::notifications::pending).await.unwrap_or(0);
                tracing::warn!(
                    waiting,
                    "no SMTP server configured (COOPERA_SMTP_URL): emails to applicants are kept in the outbox, unsent"
                );
            }
        }
        let mut server = actix_web::HttpServer::new(move || build_app(state.clone()))
            .bind(listen)
            .map_err(|e| format!("cannot listen on {listen} (COOPERA_LISTEN): {e}"))?;
        if let Some(workers) = config.workers {
            server = server.workers(workers);
        }
        tracing::info!("serving on http://{listen}; Swagger UI at http://{listen}/swagger-ui/");
        server.run().await.map_err(|e| format!("server error: {e}"))
    })
}
