//! Failed-login throttling: guessing is refused per address, never for the
//! account's owner elsewhere; trusted proxies and IPv6 networks; stale rows go.

use std::net::SocketAddr;

use actix_web::test::TestRequest;
use coopera::auth::throttle::{ADDRESS_LIMIT, PAIR_LIMIT};
use coopera::db::schema::login_throttle::dsl as lt;
use diesel::prelude::*;

use crate::support::{TestApp, TestResponse};

const PASSWORD: &str = "correct horse battery staple";

async fn login_from(
    app: &TestApp,
    peer: &str,
    forwarded_for: Option<&str>,
    email: &str,
    password: &str,
) -> TestResponse {
    let mut req = TestRequest::post()
        .uri("/api/v1/auth/token")
        .peer_addr(peer.parse::<SocketAddr>().unwrap())
        .set_form([
            ("grant_type", "password"),
            ("username", email),
            ("password", password),
        ]);
    if let Some(xff) = forwarded_for {
        req = req.insert_header(("x-forwarded-for", xff));
    }
    app.send(req).await
}

async fn failures(app: &TestApp, key: &str) -> Option<i32> {
    let key = key.to_owned();
    app.db(move |conn| {
        Ok(lt::login_throttle
            .find(key)
            .select(lt::failures)
            .first(conn)
            .optional()?)
    })
    .await
}

#[actix_web::test]
async fn guessing_blocks_the_guessers_address_but_not_the_owner_elsewhere() {
    let app = TestApp::new().await;
    app.create_user("anna@example.org", PASSWORD, vec![], None)
        .await;
    let attacker = "203.0.113.9:40000";
    for _ in 0..PAIR_LIMIT {
        login_from(&app, attacker, None, "anna@example.org", "wrong password")
            .await
            .assert_problem(400, "invalid_grant");
    }
    // The guesser is refused, even with the right password.
    let res = login_from(&app, attacker, None, "anna@example.org", PASSWORD).await;
    res.assert_problem(429, "rate_limited");
    let retry: u64 = res.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=30).contains(&retry), "{retry}");
    // The counts are in the database, shared by every instance.
    assert_eq!(
        failures(&app, "pair:anna@example.org|203.0.113.9").await,
        Some(PAIR_LIMIT)
    );
    assert_eq!(
        failures(&app, "account:anna@example.org").await,
        Some(PAIR_LIMIT)
    );
    // The owner, from another address, gets in; the account count is cleared.
    let res = login_from(
        &app,
        "198.51.100.7:5000",
        None,
        "anna@example.org",
        PASSWORD,
    )
    .await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(failures(&app, "account:anna@example.org").await, None);
    // An unknown email is throttled the same way, so 429 reveals nothing.
    for _ in 0..PAIR_LIMIT {
        login_from(&app, attacker, None, "ghost@example.org", "x").await;
    }
    login_from(&app, attacker, None, "ghost@example.org", "x")
        .await
        .assert_problem(429, "rate_limited");
}

#[actix_web::test]
async fn one_address_guessing_many_accounts_is_blocked_for_all() {
    let app = TestApp::new().await;
    app.create_user("anna@example.org", PASSWORD, vec![], None)
        .await;
    for i in 0..ADDRESS_LIMIT {
        login_from(
            &app,
            "203.0.113.9:1",
            None,
            &format!("u{i}@example.org"),
            "x",
        )
        .await
        .assert_problem(400, "invalid_grant");
    }
    login_from(&app, "203.0.113.9:1", None, "anna@example.org", PASSWORD)
        .await
        .assert_problem(429, "rate_limited");
    // Its neighbour is another address.
    let res = login_from(&app, "203.0.113.10:1", None, "anna@example.org", PASSWORD).await;
    assert_eq!(res.status, 200, "{}", res.text());
}

#[actix_web::test]
async fn ipv6_addresses_count_by_their_64() {
    let app = TestApp::new().await;
    app.create_user("anna@example.org", PASSWORD, vec![], None)
        .await;
    // Each attempt from a different address of one /64.
    for i in 1..=PAIR_LIMIT {
        login_from(
            &app,
            &format!("[2001:db8:1:2::{i:x}]:443"),
            None,
            "anna@example.org",
            "wrong",
        )
        .await
        .assert_problem(400, "invalid_grant");
    }
    login_from(
        &app,
        "[2001:db8:1:2:ffff::1]:443",
        None,
        "anna@example.org",
        PASSWORD,
    )
    .await
    .assert_problem(429, "rate_limited");
    let res = login_from(
        &app,
        "[2001:db8:1:3::1]:443",
        None,
        "anna@example.org",
        PASSWORD,
    )
    .await;
    assert_eq!(res.status, 200, "another /64: {}", res.text());
}

#[actix_web::test]
async fn forwarded_addresses_count_only_from_trusted_proxies() {
    // Behind the load balancer 10.0.0.5, every user arrives from it.
    let app = TestApp::builder()
        .trusted_proxies("10.0.0.0/24")
        .build()
        .await;
    app.create_user("anna@example.org", PASSWORD, vec![], None)
        .await;
    let lb = "10.0.0.5:3000";
    for _ in 0..PAIR_LIMIT {
        login_from(&app, lb, Some("203.0.113.9"), "anna@example.org", "wrong").await;
    }
    login_from(&app, lb, Some("203.0.113.9"), "anna@example.org", PASSWORD)
        .await
        .assert_problem(429, "rate_limited");
    // Another user behind the same balancer is not affected.
    let res = login_from(&app, lb, Some("198.51.100.7"), "anna@example.org", PASSWORD).await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert!(
        failures(&app, "pair:anna@example.org|203.0.113.9")
            .await
            .is_some()
    );

    // Without trust, a forwarded address is ignored: the guesser cannot escape
    // its block by naming another address.
    let app = TestApp::new().await;
    app.create_user("anna@example.org", PASSWORD, vec![], None)
        .await;
    for i in 0..PAIR_LIMIT {
        let fake = format!("192.0.2.{i}");
        login_from(
            &app,
            "203.0.113.9:1",
            Some(&fake),
            "anna@example.org",
            "wrong",
        )
        .await;
    }
    login_from(
        &app,
        "203.0.113.9:1",
        Some("192.0.2.200"),
        "anna@example.org",
        PASSWORD,
    )
    .await
    .assert_problem(429, "rate_limited");
}

#[actix_web::test]
async fn overlong_usernames_are_refused_and_stale_counts_purged() {
    let app = TestApp::new().await;
    let long = format!("{}@example.org", "a".repeat(300));
    let body = login_from(&app, "203.0.113.9:1", None, &long, "x")
        .await
        .assert_problem(400, "invalid_parameter");
    assert_eq!(body["errors"][0]["field"], "username");
    let long_password = "p".repeat(1001);
    let body = login_from(&app, "203.0.113.9:1", None, "a@example.org", &long_password)
        .await
        .assert_problem(400, "invalid_parameter");
    assert_eq!(body["errors"][0]["field"], "password");
    let rows: i64 = app
        .db(|conn| Ok(lt::login_throttle.count().get_result(conn)?))
        .await;
    assert_eq!(rows, 0, "nothing is stored for a refused request");

    // A count older than the window that no longer blocks is deleted by the
    // next attempt; a recent one stays.
    app.db(|conn| {
        let old = coopera::db::now() - chrono::Duration::minutes(16);
        diesel::insert_into(lt::login_throttle)
            .values((
                lt::throttle_key.eq("account:old@example.org"),
                lt::failures.eq(3),
                lt::last_failure_at.eq(old),
                lt::blocked_until.eq(Some(old)),
            ))
            .execute(conn)?;
        Ok(())
    })
    .await;
    login_from(&app, "203.0.113.9:1", None, "b@example.org", "x")
        .await
        .assert_problem(400, "invalid_grant");
    assert_eq!(failures(&app, "account:old@example.org").await, None);
    assert_eq!(failures(&app, "account:b@example.org").await, Some(1));
}

#[test]
fn an_account_under_attack_slows_down_but_never_refuses() {
    use coopera::auth::throttle::{MAX_ACCOUNT_DELAY_MS, account_delay};
    assert_eq!(account_delay(0).as_millis(), 0);
    assert_eq!(account_delay(PAIR_LIMIT).as_millis(), 0);
    assert!(account_delay(PAIR_LIMIT + 1).as_millis() > 0);
    assert!(account_delay(PAIR_LIMIT + 4) > account_delay(PAIR_LIMIT + 1));
    assert_eq!(
        account_delay(10_000).as_millis(),
        u128::from(MAX_ACCOUNT_DELAY_MS)
    );
}
