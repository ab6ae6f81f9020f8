//! Webhooks: subscriptions, signed deliveries to a real receiver on loopback
//! (failing, then recovering), retries, disabling, redelivery, claims shared
//! by several senders, and the address rules.

use std::collections::{HashMap, VecDeque};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use actix_web::test::TestRequest;
use chrono::{Duration, NaiveDateTime};
use coopera::auth::Role;
use coopera::webhooks::sender::{Round, Sender, run_once};
use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha2::Sha256;

use crate::support::{TestApp, client_actor, user_actor};

/// A request the receiver got.
#[derive(Debug, Clone)]
struct Received {
    headers: HashMap<String, String>,
    body: String,
}

/// An HTTP receiver on loopback that answers each request with the next
/// status of its script (200 once the script is used up).
struct Receiver {
    url: String,
    got: Arc<Mutex<Vec<Received>>>,
}

impl Receiver {
    fn start(script: &[u16]) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/hooks/coopera", listener.local_addr().unwrap());
        let got = Arc::new(Mutex::new(Vec::new()));
        let script = Arc::new(Mutex::new(script.iter().copied().collect::<VecDeque<_>>()));
        let (g, s) = (got.clone(), script.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut line = String::new();
                reader.read_line(&mut line).unwrap();
                let mut headers = HashMap::new();
                loop {
                    let mut h = String::new();
                    reader.read_line(&mut h).unwrap();
                    let h = h.trim_end();
                    if h.is_empty() {
                        break;
                    }
                    let (name, value) = h.split_once(':').unwrap();
                    headers.insert(name.trim().to_ascii_lowercase(), value.trim().to_owned());
                }
                let len: usize = headers
                    .get("content-length")
                    .map_or(0, |l| l.parse().unwrap());
                let mut body = vec![0; len];
                reader.read_exact(&mut body).unwrap();
                g.lock().unwrap().push(Received {
                    headers,
                    body: String::from_utf8(body).unwrap(),
                });
                let status = s.lock().unwrap().pop_front().unwrap_or(200);
                let _ = write!(
                    stream,
                    "HTTP/1.1 {status} X\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                );
            }
        });
        Receiver { url, got }
    }

    fn got(&self) -> Vec<Received> {
        self.got.lock().unwrap().clone()
    }
}

async fn app() -> TestApp {
    TestApp::builder().webhooks_allow_insecure().build().await
}

/// A subscription of a new organisation made by its admin: (organisation,
/// the admin's token, the 201 answer's body).
async fn subscribed(app: &TestApp, url: &str, types: Value) -> (String, String, Value) {
    let (org, token) = app
        .organization_with_admin(json!({"name": "Fundacja Hook", "kind": "ngo", "country": "PL"}))
        .await;
    let res = app
        .post_json_as(
            &token,
            "/api/v1/webhooks",
            json!({"organization_id": org, "url": url, "event_types": types}),
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text());
    (org, token, res.json())
}

async fn round(app: &TestApp, sender: &Sender, at: NaiveDateTime) -> Round {
    run_once(&app.state.db, sender, at).await.unwrap()
}

fn now() -> NaiveDateTime {
    coopera::db::now()
}

fn verify(secret: &str, received: &Received) -> bool {
    let header = &received.headers["coopera-signature"];
    let (t, v1) = header.split_once(",v1=").unwrap();
    let t = t.strip_prefix("t=").unwrap();
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("{t}.{}", received.body).as_bytes());
    hex::encode(mac.finalize().into_bytes()) == v1
}

async fn deliveries(app: &TestApp, token: &str, sub: &str) -> Vec<Value> {
    let res = app
        .get_as(token, &format!("/api/v1/webhooks/{sub}/deliveries"))
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    res.json()["items"].as_array().unwrap().clone()
}

#[actix_web::test]
async fn a_subscription_shows_its_secret_once_and_is_read_with_its_etag() {
    let app = app().await;
    let (org, token, body) = subscribed(&app, "https://crm.example.org/hooks", json!(null)).await;
    let secret = body["secret"].as_str().unwrap();
    assert!(secret.starts_with("whsec_") && secret.len() > 40);
    let sub = &body["subscription"];
    assert_eq!(sub["organization_id"], org.as_str());
    assert_eq!(sub["status"], "active");
    assert_eq!(
        sub["event_types"],
        json!([
            "organization",
            "person",
            "project",
            "activity",
            "campaign",
            "result_indicator"
        ]),
        "every type an org admin may follow"
    );
    let id = sub["id"].as_str().unwrap();
    let res = app.get_as(&token, &format!("/api/v1/webhooks/{id}")).await;
    assert_eq!(res.status, 200);
    assert!(
        !res.text().contains(secret),
        "the secret is never read again"
    );
    let etag = res.header("etag").unwrap().to_owned();
    let res = app
        .send_as(
            &token,
            TestRequest::get()
                .uri(&format!("/api/v1/webhooks/{id}"))
                .insert_header(("if-none-match", etag.clone())),
        )
        .await;
    assert_eq!(res.status, 304);
    let list = app.get_as(&token, "/api/v1/webhooks").await.json();
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
    // Another organisation's admin sees none of it.
    let (_, other) = app
        .organization_with_admin(json!({"name": "Inna", "kind": "ngo", "country": "PL"}))
        .await;
    app.get_as(&other, &format!("/api/v1/webhooks/{id}"))
        .await
        .assert_problem(403, "forbidden");
    let list = app.get_as(&other, "/api/v1/webhooks").await.json();
    assert_eq!(list["items"], json!([]));
    // A stale If-Match is refused; the current one changes it.
    let patch = |tag: &str| {
        TestRequest::patch()
            .uri(&format!("/api/v1/webhooks/{id}"))
            .insert_header(("if-match", tag.to_owned()))
            .set_json(json!({"url": "https://crm.example.org/v2"}))
    };
    let res = app.send_as(&token, patch(&etag)).await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.json()["url"], "https://crm.example.org/v2");
    app.send_as(&token, patch(&etag))
        .await
        .assert_problem(412, "precondition_failed");
    let res = app
        .send_as(
            &token,
            TestRequest::delete().uri(&format!("/api/v1/webhooks/{id}")),
        )
        .await;
    assert_eq!(res.status, 204);
    app.get_as(&token, &format!("/api/v1/webhooks/{id}"))
        .await
        .assert_problem(404, "not_found");
}

#[actix_web::test]
async fn urls_must_be_https_and_public_without_the_development_switch() {
    let app = TestApp::new().await;
    let (org, token) = app
        .organization_with_admin(json!({"name": "Fundacja", "kind": "ngo", "country": "PL"}))
        .await;
    for (url, code) in [
        ("http://crm.example.org/hooks", "https_required"),
        ("https://127.0.0.1/hooks", "address_not_allowed"),
        ("https://localhost/hooks", "address_not_allowed"),
        ("https://169.254.169.254/latest", "address_not_allowed"),
        ("https://[::1]:8443/", "address_not_allowed"),
        ("not a url", "invalid_url"),
    ] {
        let body = app
            .post_json_as(
                &token,
                "/api/v1/webhooks",
                json!({"organization_id": org, "url": url}),
            )
            .await
            .assert_problem(422, "validation_failed");
        assert_eq!(body["errors"][0]["field"], "url", "{url}");
        assert_eq!(body["errors"][0]["code"], code, "{url}");
    }
    let res = app
        .post_json_as(
            &token,
            "/api/v1/webhooks",
            json!({"organization_id": org, "url": "https://crm.example.org/hooks"}),
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text());
}

#[actix_web::test]
async fn a_subscription_follows_only_types_its_owner_may_read() {
    let app = app().await;
    let (org, token) = app
        .organization_with_admin(json!({"name": "Fundacja", "kind": "ngo", "country": "PL"}))
        .await;
    let create = |types: Value| json!({"organization_id": org, "url": "https://crm.example.org/h", "event_types": types});
    app.post_json_as(&token, "/api/v1/webhooks", create(json!(["api_client"])))
        .await
        .assert_problem(403, "forbidden");
    let body = app
        .post_json_as(&token, "/api/v1/webhooks", create(json!(["Person"])))
        .await
        .assert_problem(422, "validation_failed");
    assert_eq!(body["errors"][0]["field"], "event_types");
    // Users must name the organisation; members and coordinators manage none.
    let body = app
        .post_json_as(
            &token,
            "/api/v1/webhooks",
            json!({"url": "https://crm.example.org/h"}),
        )
        .await
        .assert_problem(422, "validation_failed");
    assert_eq!(body["errors"][0]["field"], "organization_id");
    let member = app.token(&user_actor(
        "member",
        None,
        vec![Role::OrgMember {
            organization_id: org.clone(),
        }],
    ));
    app.post_json_as(&member, "/api/v1/webhooks", create(json!(null)))
        .await
        .assert_problem(403, "forbidden");
    // An administrator may follow every type.
    let res = app
        .post_json_as(&app.admin_token(), "/api/v1/webhooks", create(json!(null)))
        .await;
    assert_eq!(res.status, 201, "{}", res.text());
    assert_eq!(res.json()["subscription"]["event_types"], json!(null));
}

#[actix_web::test]
async fn changes_are_delivered_signed_and_retried_until_the_receiver_recovers() {
    let app = app().await;
    let receiver = Receiver::start(&[500, 503]);
    let (_, token, body) = subscribed(&app, &receiver.url, json!(["organization"])).await;
    let secret = body["secret"].as_str().unwrap().to_owned();
    let sub = body["subscription"]["id"].as_str().unwrap().to_owned();
    let sender = Sender::new(true).unwrap();
    // Only changes after the subscription, of the types it follows.
    let org = app
        .create_org(json!({"name": "Stowarzyszenie Nowe", "kind": "ngo", "country": "PL"}))
        .await;
    app.create_person(json!({"full_name": "Nie Wysyłać"})).await;

    let t0 = now();
    let first = round(&app, &sender, t0).await;
    assert_eq!((first.queued, first.delivered, first.failed), (1, 0, 1));
    let [delivery] = deliveries(&app, &token, &sub).await.try_into().unwrap();
    assert_eq!(delivery["status"], "pending");
    assert_eq!(delivery["attempts"], 1);
    assert_eq!(delivery["last_status_code"], 500);
    assert_eq!(delivery["event_type"], "organization.create");
    // Not due again before its pause (10 s) is over.
    assert_eq!(
        round(&app, &sender, t0 + Duration::seconds(5)).await,
        Round::default()
    );
    assert_eq!(receiver.got().len(), 1);
    let second = round(&app, &sender, t0 + Duration::seconds(11)).await;
    assert_eq!(second.failed, 1, "503 the second time");
    let sub_now = app
        .get_as(&token, &format!("/api/v1/webhooks/{sub}"))
        .await
        .json();
    assert_eq!(sub_now["consecutive_failures"], 2);
    assert_eq!(
        round(&app, &sender, t0 + Duration::seconds(25)).await,
        Round::default()
    );
    let third = round(&app, &sender, t0 + Duration::seconds(40)).await;
    assert_eq!(third.delivered, 1);

    let got = receiver.got();
    assert_eq!(got.len(), 3);
    let id = delivery["id"].as_str().unwrap();
    for r in &got {
        assert!(verify(&secret, r), "signed with the subscription's secret");
        assert!(!verify("whsec_wrong", r));
        assert_eq!(
            r.headers["coopera-delivery"], id,
            "the same id on every try"
        );
        assert_eq!(r.headers["coopera-event"], "organization.create");
        assert_eq!(r.headers["content-type"], "application/json");
    }
    let payload: Value = serde_json::from_str(&got[2].body).unwrap();
    assert_eq!(payload["delivery_id"], id);
    assert_eq!(payload["subscription_id"], sub.as_str());
    assert_eq!(payload["change"]["entity_type"], "organization");
    assert_eq!(payload["change"]["entity_id"], org.as_str());
    assert_eq!(payload["change"]["action"], "create");
    assert!(
        !got[2].body.contains("Stowarzyszenie"),
        "no values, only names"
    );

    let res = app
        .get_as(&token, &format!("/api/v1/webhooks/{sub}/deliveries/{id}"))
        .await;
    assert_eq!(res.status, 200);
    assert!(res.header("etag").is_some());
    let delivered = res.json();
    assert_eq!(delivered["status"], "delivered");
    assert_eq!(delivered["attempts"], 3);
    assert_eq!(delivered["last_status_code"], 200);
    assert_eq!(delivered["next_attempt_at"], Value::Null);
    let sub_now = app
        .get_as(&token, &format!("/api/v1/webhooks/{sub}"))
        .await
        .json();
    assert_eq!(
        sub_now["consecutive_failures"], 0,
        "a success clears the count"
    );
    // Nothing more to send.
    assert_eq!(
        round(&app, &sender, t0 + Duration::hours(2)).await,
        Round::default()
    );
}

#[actix_web::test]
async fn a_delivery_is_given_up_after_its_tries_and_can_be_redelivered_by_hand() {
    let app = app().await;
    let receiver = Receiver::start(&[500; 8]);
    let (_, token, body) = subscribed(&app, &receiver.url, json!(["person"])).await;
    let sub = body["subscription"]["id"].as_str().unwrap().to_owned();
    let sender = Sender::new(true).unwrap();
    app.create_person(json!({"full_name": "Jan Próbny"})).await;
    let t0 = now();
    for hour in 0..8 {
        let r = round(&app, &sender, t0 + Duration::hours(hour)).await;
        assert_eq!(r.failed, 1, "try {}", hour + 1);
    }
    let [delivery] = deliveries(&app, &token, &sub).await.try_into().unwrap();
    assert_eq!(delivery["status"], "failed");
    assert_eq!(delivery["attempts"], 8);
    assert_eq!(
        round(&app, &sender, t0 + Duration::hours(9)).await,
        Round::default()
    );
    let sub_now = app
        .get_as(&token, &format!("/api/v1/webhooks/{sub}"))
        .await
        .json();
    assert_eq!(sub_now["status"], "active", "8 failures do not disable it");

    let id = delivery["id"].as_str().unwrap();
    let uri = format!("/api/v1/webhooks/{sub}/deliveries/{id}/redeliver");
    let res = app
        .send_as(
            &token,
            TestRequest::post()
                .uri(&uri)
                .insert_header(("if-match", "\"stale.v1\"")),
        )
        .await;
    res.assert_problem(412, "precondition_failed");
    let res = app.send_as(&token, TestRequest::post().uri(&uri)).await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.json()["status"], "pending");
    assert_eq!(res.json()["attempts"], 0);
    let r = round(&app, &sender, now()).await;
    assert_eq!(r.delivered, 1);
    assert_eq!(receiver.got().len(), 9);
    // Another organisation's admin cannot redeliver it.
    let (_, other) = app
        .organization_with_admin(json!({"name": "Inna", "kind": "ngo", "country": "PL"}))
        .await;
    app.send_as(&other, TestRequest::post().uri(&uri))
        .await
        .assert_problem(403, "forbidden");
}

#[actix_web::test]
async fn a_receiver_that_keeps_failing_disables_the_subscription_until_turned_on() {
    let app = app().await;
    let receiver = Receiver::start(&[500; 15]);
    let (_, token, body) = subscribed(&app, &receiver.url, json!(["person"])).await;
    let sub = body["subscription"]["id"].as_str().unwrap().to_owned();
    let sender = Sender::new(true).unwrap();
    for name in ["Anna", "Beata", "Celina"] {
        app.create_person(json!({"full_name": name})).await;
    }
    let t0 = now();
    // Three deliveries fail each hour: 15 failures in a row over 4 hours.
    for hour in 0..5 {
        let r = round(&app, &sender, t0 + Duration::hours(hour)).await;
        assert_eq!(r.failed, 3);
    }
    let res = app.get_as(&token, &format!("/api/v1/webhooks/{sub}")).await;
    let disabled = res.json();
    assert_eq!(disabled["status"], "disabled");
    assert!(
        disabled["disabled_reason"]
            .as_str()
            .unwrap()
            .contains("15 tries")
    );
    // Nothing is sent while it is disabled, and redelivery waits for it.
    assert_eq!(
        round(&app, &sender, t0 + Duration::hours(6)).await,
        Round::default()
    );
    assert_eq!(receiver.got().len(), 15);
    let id = deliveries(&app, &token, &sub).await[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.send_as(
        &token,
        TestRequest::post().uri(&format!("/api/v1/webhooks/{sub}/deliveries/{id}/redeliver")),
    )
    .await
    .assert_problem(409, "conflict");
    // A change made meanwhile is not lost.
    app.create_person(json!({"full_name": "Dorota"})).await;
    let res = app
        .send_as(
            &token,
            TestRequest::patch()
                .uri(&format!("/api/v1/webhooks/{sub}"))
                .insert_header(("if-match", res.header("etag").unwrap().to_owned()))
                .set_json(json!({"active": true})),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.json()["status"], "active");
    assert_eq!(res.json()["consecutive_failures"], 0);
    let r = round(&app, &sender, now()).await;
    assert_eq!((r.queued, r.delivered, r.failed), (1, 4, 0));
}

#[actix_web::test]
async fn several_senders_at_once_send_each_delivery_once() {
    let app = app().await;
    let receiver = Receiver::start(&[]);
    let (_, token, body) = subscribed(&app, &receiver.url, json!(["person"])).await;
    let sub = body["subscription"]["id"].as_str().unwrap().to_owned();
    for i in 0..12 {
        app.create_person(json!({"full_name": format!("Osoba {i}")}))
            .await;
    }
    // Two instances (two senders, one database) run their rounds at once.
    let (a, b) = (Sender::new(true).unwrap(), Sender::new(true).unwrap());
    let at = now();
    let (ra, rb) = futures_util::future::join(round(&app, &a, at), round(&app, &b, at)).await;
    assert_eq!(ra.queued + rb.queued, 12);
    // A restart: a third sender finds what the others left, if anything.
    let rc = round(&app, &Sender::new(true).unwrap(), at).await;
    assert_eq!(ra.delivered + rb.delivered + rc.delivered, 12);
    let got = receiver.got();
    let mut ids: Vec<&str> = got
        .iter()
        .map(|r| r.headers["coopera-delivery"].as_str())
        .collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!((got.len(), ids.len()), (12, 12), "each once");
    let listed = deliveries(&app, &token, &sub).await;
    assert!(listed.iter().all(|d| d["status"] == "delivered"));
    let mut seqs: Vec<i64> = listed
        .iter()
        .map(|d| d["change_seq"].as_i64().unwrap())
        .collect();
    let before = seqs.clone();
    seqs.sort_unstable();
    seqs.dedup();
    assert_eq!(seqs.len(), 12);
    assert_eq!(seqs, before, "deliveries listed in the log's order");
}

#[actix_web::test]
async fn deliveries_never_reach_private_addresses_without_the_switch() {
    let app = app().await;
    let receiver = Receiver::start(&[]);
    let by_name = receiver.url.replace("127.0.0.1", "localhost");
    let (_, token, body) = subscribed(&app, &receiver.url, json!(["person"])).await;
    let literal = body["subscription"]["id"].as_str().unwrap().to_owned();
    let res = app
        .post_json_as(
            &token,
            "/api/v1/webhooks",
            json!({"organization_id": body["subscription"]["organization_id"],
                   "url": by_name, "event_types": ["person"]}),
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text());
    let named = res.json()["subscription"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.create_person(json!({"full_name": "Ewa"})).await;
    let strict = Sender::new(false).unwrap();
    let r = round(&app, &strict, now()).await;
    assert_eq!(r.failed, 2);
    assert!(receiver.got().is_empty(), "nothing reached the receiver");
    let [d] = deliveries(&app, &token, &literal).await.try_into().unwrap();
    assert!(
        d["last_error"]
            .as_str()
            .unwrap()
            .contains("not a public address"),
        "{d}"
    );
    let [d] = deliveries(&app, &token, &named).await.try_into().unwrap();
    assert!(
        d["last_error"].as_str().unwrap().contains("not public"),
        "{d}"
    );
    assert_eq!(d["last_status_code"], Value::Null);
}

#[actix_web::test]
async fn an_api_client_subscribes_for_its_organisation_until_it_is_revoked() {
    let app = app().await;
    let receiver = Receiver::start(&[]);
    let org = app
        .create_org(json!({"name": "Fundacja Klient", "kind": "ngo", "country": "PL"}))
        .await;
    let client = app.token(&client_actor(&org, &["webhooks:write", "people:read"]));
    let res = app
        .post_json_as(
            &client,
            "/api/v1/webhooks",
            json!({"url": receiver.url, "event_types": ["person"]}),
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text());
    let sub = res.json()["subscription"].clone();
    assert_eq!(sub["organization_id"], org.as_str());
    let client_id = sub["api_client_id"].as_str().unwrap().to_owned();
    // A type its scopes do not read is refused; so is another organisation.
    app.post_json_as(
        &client,
        "/api/v1/webhooks",
        json!({"url": receiver.url, "event_types": ["organization"]}),
    )
    .await
    .assert_problem(403, "forbidden");
    let other = app
        .create_org(json!({"name": "Obca", "kind": "ngo", "country": "PL"}))
        .await;
    app.post_json_as(
        &client,
        "/api/v1/webhooks",
        json!({"organization_id": other, "url": receiver.url}),
    )
    .await
    .assert_problem(403, "forbidden");
    let no_scope = app.token(&client_actor(&other, &["people:read"]));
    app.get_as(&no_scope, "/api/v1/webhooks")
        .await
        .assert_problem(403, "forbidden");

    app.db(move |conn| {
        use coopera::db::schema::api_clients as ac;
        use diesel::prelude::*;
        diesel::update(ac::table.find(&client_id))
            .set(ac::revoked_at.eq(Some(coopera::db::now())))
            .execute(conn)?;
        Ok(())
    })
    .await;
    app.create_person(json!({"full_name": "Po Odwołaniu"}))
        .await;
    let sender = Sender::new(true).unwrap();
    assert_eq!(round(&app, &sender, now()).await, Round::default());
    assert!(receiver.got().is_empty());
    let id = sub["id"].as_str().unwrap();
    let res = app
        .get_as(&app.admin_token(), &format!("/api/v1/webhooks/{id}"))
        .await
        .json();
    assert_eq!(res["status"], "disabled");
    assert!(res["disabled_reason"].as_str().unwrap().contains("revoked"));
}

#[actix_web::test]
async fn a_delivery_of_another_subscription_is_not_found() {
    let app = app().await;
    let receiver = Receiver::start(&[]);
    let (_, token, a) = subscribed(&app, &receiver.url, json!(["person"])).await;
    let a = a["subscription"]["id"].as_str().unwrap().to_owned();
    let res = app
        .post_json_as(
            &app.admin_token(),
            "/api/v1/webhooks",
            json!({"organization_id": app.create_org(json!({"name": "B", "kind": "ngo", "country": "PL"})).await,
                   "url": receiver.url, "event_types": ["person"]}),
        )
        .await;
    let b = res.json()["subscription"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.create_person(json!({"full_name": "Filip"})).await;
    round(&app, &Sender::new(true).unwrap(), now()).await;
    let admin = app.admin_token();
    let of_b = deliveries(&app, &admin, &b).await[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.get_as(&token, &format!("/api/v1/webhooks/{a}/deliveries/{of_b}"))
        .await
        .assert_problem(404, "not_found");
    let res = app
        .get_as(
            &admin,
            &format!("/api/v1/webhooks/{b}/deliveries?status=delivered"),
        )
        .await;
    assert_eq!(res.json()["items"].as_array().unwrap().len(), 1);
    let res = app
        .get_as(
            &admin,
            &format!("/api/v1/webhooks/{b}/deliveries?status=failed"),
        )
        .await;
    assert_eq!(res.json()["items"], json!([]));
}

#[actix_web::test]
async fn deliveries_done_are_kept_30_days_and_pending_ones_until_sent() {
    let app = app().await;
    let receiver = Receiver::start(&[500]);
    let (_, token, body) = subscribed(&app, &receiver.url, json!(["person"])).await;
    let sub = body["subscription"]["id"].as_str().unwrap().to_owned();
    let sender = Sender::new(true).unwrap();
    app.create_person(json!({"full_name": "Pierwsza"})).await;
    app.create_person(json!({"full_name": "Druga"})).await;
    let r = round(&app, &sender, now()).await;
    assert_eq!((r.delivered, r.failed), (1, 1));
    let purge = |days: i64| {
        app.db(move |conn| {
            let before =
                coopera::db::now() + Duration::days(days) - coopera::webhooks::store::kept_for();
            coopera::webhooks::store::purge(conn, before)
        })
    };
    assert_eq!(purge(29).await, 0, "kept 30 days");
    assert_eq!(
        purge(31).await,
        1,
        "the delivered one goes; the pending one stays"
    );
    let [left] = deliveries(&app, &token, &sub).await.try_into().unwrap();
    assert_eq!(left["status"], "pending");
}
