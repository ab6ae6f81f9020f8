//! What the benchmarks share: the median of timed runs, and running a
//! benchmark on a fresh SQLite database and, when
//! `COOPERA_BENCH_POSTGRES_URL` names a server, on a fresh PostgreSQL one.

use std::time::{Duration, Instant};

use diesel::prelude::*;

/// The median time of `runs` calls of `f`.
pub fn median_of<T>(runs: usize, mut f: impl FnMut() -> T) -> Duration {
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            std::hint::black_box(f());
            t.elapsed()
        })
        .collect();
    times.sort();
    times[times.len() / 2]
}

/// Runs `bench(backend, url)` on a fresh SQLite database, then on a fresh
/// PostgreSQL database (dropped afterwards) if `COOPERA_BENCH_POSTGRES_URL`
/// is set.
pub fn on_each_database(bench: impl Fn(&str, &str)) {
    let dir = tempfile::tempdir().expect("temporary directory");
    bench(
        "sqlite",
        &format!("sqlite://{}", dir.path().join("bench.db").display()),
    );
    if let Ok(admin) = std::env::var("COOPERA_BENCH_POSTGRES_URL") {
        let name = format!("coopera_bench_{}", std::process::id());
        let mut conn = diesel::PgConnection::establish(&admin).expect("PostgreSQL");
        diesel::sql_query(format!("CREATE DATABASE {name}"))
            .execute(&mut conn)
            .expect("create database");
        let url = format!(
            "{}/{name}",
            admin.rsplit_once('/').expect("a URL with a database").0
        );
        bench("postgres", &url);
        diesel::sql_query(format!("DROP DATABASE {name} WITH (FORCE)"))
            .execute(&mut conn)
            .expect("drop database");
    }
}
