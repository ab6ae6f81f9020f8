//! The `coopera` binary itself: configuration errors, migrations, the document.

use std::process::Command;

fn coopera() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_coopera"));
    // Run where no .env file can interfere.
    cmd.current_dir(std::env::temp_dir());
    for var in [
        "DATABASE_URL",
        "COOPERA_LISTEN",
        "COOPERA_DB_POOL_SIZE",
        "COOPERA_DB_TIMEOUT_SECS",
        "COOPERA_BODY_LIMIT",
        "COOPERA_CORS_ORIGINS",
        "COOPERA_WORKERS",
        "RUST_LOG",
    ] {
        cmd.env_remove(var);
    }
    cmd
}

#[test]
fn invalid_configuration_exits_2_with_one_line_naming_the_variable() {
    for (var, value) in [
        ("COOPERA_LISTEN", "everywhere"),
        ("COOPERA_DB_POOL_SIZE", "0"),
        ("COOPERA_BODY_LIMIT", "lots"),
        ("COOPERA_CORS_ORIGINS", "not an origin"),
        ("DATABASE_URL", "mysql://localhost/coopera"),
        ("RUST_LOG", "coopera=shouting"),
    ] {
        let out = coopera().env(var, value).arg("serve").output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{var}={value}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
        assert!(stderr.contains(var), "{stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
}

#[test]
fn migrate_creates_the_sqlite_file_and_its_folder_and_is_idempotent() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("nested/folder/coopera.db");
    let url = format!("sqlite://{}", db.display());
    let migrations = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations/sqlite"))
        .unwrap()
        .count();
    for said in [
        format!("applied {migrations} migrations; the database schema is up to date"),
        "the database schema is up to date".to_owned(),
    ] {
        let out = coopera()
            .env("DATABASE_URL", &url)
            .arg("migrate")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let log = String::from_utf8_lossy(&out.stdout);
        assert!(log.trim_end().ends_with(&said), "{log}");
    }
    assert!(db.exists());
}

#[test]
fn an_unreachable_database_fails_without_a_panic() {
    let out = coopera()
        .env("DATABASE_URL", "postgres://coopera@127.0.0.1:1/none")
        .env("COOPERA_DB_TIMEOUT_SECS", "1")
        .arg("migrate")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("cannot connect to the database"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    // Said once, on standard error, not also as a log line.
    assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(!stdout.contains("cannot connect"), "{stdout}");
}

#[test]
fn the_openapi_command_prints_the_committed_document() {
    let out = coopera().arg("openapi").output().unwrap();
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        coopera::openapi_json()
    );
}

#[test]
fn every_command_has_help() {
    for args in [
        vec!["--help"],
        vec!["serve", "--help"],
        vec!["migrate", "--help"],
        vec!["openapi", "--help"],
    ] {
        let out = coopera().args(&args).output().unwrap();
        assert!(out.status.success(), "{args:?}");
        assert!(String::from_utf8_lossy(&out.stdout).contains("Usage"));
    }
}

#[test]
fn create_admin_refuses_weak_passwords_and_creates_a_working_account() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("c.db").display());
    for weak in ["short", "admin@example.org"] {
        let out = coopera()
            .env("DATABASE_URL", &url)
            .env("COOPERA_ADMIN_PASSWORD", weak)
            .args(["create-admin", "--email", "admin@example.org"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{weak}");
        assert!(String::from_utf8_lossy(&out.stderr).contains("password"));
    }
    // From standard input.
    let mut child = coopera()
        .env("DATABASE_URL", &url)
        .args(["create-admin", "--email", "Admin@Example.org"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"a long enough passphrase\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("admin@example.org"));
    // The same email again is refused.
    let out = coopera()
        .env("DATABASE_URL", &url)
        .env("COOPERA_ADMIN_PASSWORD", "another long passphrase")
        .args(["create-admin", "--email", "admin@example.org"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn seed_demo_refuses_a_database_with_other_accounts_unless_told() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("coopera.db").display());
    let run = |args: &[&str], extra_env: Option<(&str, &str)>| {
        let mut cmd = coopera();
        cmd.env("DATABASE_URL", &url).args(args);
        if let Some((k, v)) = extra_env {
            cmd.env(k, v);
        }
        cmd.output().unwrap()
    };
    let out = run(
        &["create-admin", "--email", "boss@example.org"],
        Some(("COOPERA_ADMIN_PASSWORD", "a long enough passphrase")),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = run(&["seed-demo"], None);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("boss@example.org"), "{stderr}");
    assert!(stderr.contains("--allow-existing-accounts"), "{stderr}");
    let out = run(&["seed-demo", "--allow-existing-accounts"], None);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("published"), "{stdout}");
    assert!(stdout.contains("admin@coopera.example"), "{stdout}");
}

#[test]
fn seed_demo_runs_twice_on_a_fresh_database() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("coopera.db").display());
    for _ in 0..2 {
        let out = coopera()
            .env("DATABASE_URL", &url)
            .arg("seed-demo")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}
