//! Emails to applicants: written to the outbox with each decision, sent over
//! SMTP to a local sink that reads them back (diacritics intact), retried
//! after a failure, sent once however many senders run at once, and erased
//! with the applicants' data.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use diesel::prelude::*;
use serde_json::json;

use coopera::db::schema::notifications as nt;
use coopera::notifications::smtp::{Mailer, deliver_due};

use crate::recruitment::{applicant, applied, call_body, withdraw};
use crate::support::TestApp;

/// A local SMTP server that takes every message and keeps it.
struct Sink {
    port: u16,
    messages: Arc<Mutex<Vec<Vec<u8>>>>,
}

impl Sink {
    fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let messages = Arc::new(Mutex::new(Vec::new()));
        let kept = messages.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { return };
                let kept = kept.clone();
                std::thread::spawn(move || {
                    let _ = converse(stream, &kept);
                });
            }
        });
        Self { port, messages }
    }

    fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    fn received(&self) -> Vec<Vec<u8>> {
        self.messages.lock().unwrap().clone()
    }
}

/// One SMTP session: greet, take envelopes and data, keep each message.
fn converse(stream: std::net::TcpStream, kept: &Mutex<Vec<Vec<u8>>>) -> std::io::Result<()> {
    let mut out = stream.try_clone()?;
    let mut lines = BufReader::new(stream);
    out.write_all(b"220 sink ESMTP\r\n")?;
    let mut line = Vec::new();
    loop {
        line.clear();
        if lines.read_until(b'\n', &mut line)? == 0 {
            return Ok(());
        }
        let command = String::from_utf8_lossy(&line).to_ascii_uppercase();
        if command.starts_with("EHLO") {
            out.write_all(b"250-sink\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n")?;
        } else if command.starts_with("DATA") {
            out.write_all(b"354 go on\r\n")?;
            let mut message = Vec::new();
            loop {
                line.clear();
                lines.read_until(b'\n', &mut line)?;
                if line == b".\r\n" || line.is_empty() {
                    break;
                }
                message.extend_from_slice(&line);
            }
            kept.lock().unwrap().push(message);
            out.write_all(b"250 kept\r\n")?;
        } else if command.starts_with("QUIT") {
            out.write_all(b"221 bye\r\n")?;
            return Ok(());
        } else {
            out.write_all(b"250 ok\r\n")?;
        }
    }
}

/// (to, subject, text) of a raw message.
fn read(raw: &[u8]) -> (String, String, String) {
    let m = mail_parser::MessageParser::default()
        .parse(raw)
        .expect("a message");
    let to = m
        .to()
        .and_then(|a| a.first())
        .and_then(|a| a.address())
        .unwrap_or_default()
        .to_owned();
    (
        to,
        m.subject().unwrap_or_default().to_owned(),
        m.body_text(0).unwrap_or_default().into_owned(),
    )
}

async fn outbox(app: &TestApp) -> Vec<(String, String, String, Option<String>, i32)> {
    app.db(|conn| {
        Ok(nt::table
            .order(nt::created_at.asc())
            .select((
                nt::kind,
                nt::recipient,
                nt::status,
                nt::secret,
                nt::attempts,
            ))
            .load(conn)?)
    })
    .await
}

/// An open call with a Polish title and `quota` places a category.
async fn open_call(app: &TestApp, quota: i32) -> (String, String) {
    let (project, coordinator) = app.project_with_coordinator("R-MAIL").await;
    let mut body = call_body(&project, quota);
    body["title"] = json!("Nabór: współpraca z gminą — żółć, źdźbło");
    let call = app.created(&coordinator, "/api/v1/calls", body).await;
    let id = call["id"].as_str().unwrap().to_owned();
    let res = app
        .post_json_as(&coordinator, &format!("/api/v1/calls/{id}/open"), json!({}))
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    (id, coordinator)
}

#[actix_web::test]
async fn each_decision_writes_its_email_and_the_sink_reads_it_intact() {
    let app = TestApp::new().await;
    let (call, _) = open_call(&app, 1).await;
    let mut first = applicant("stefan@example.org");
    first["name"] = json!("Ștefan Țărănescu");
    let res = crate::recruitment::apply(&app, &call, first).await;
    assert_eq!(res.status, 201, "{}", res.text());
    let token = res.json()["management_token"].as_str().unwrap().to_owned();
    let (status, _) = applied(&app, &call, "zofia@example.org").await;
    assert_eq!(status, "waitlisted");
    // A refused application writes nothing: the email goes with the decision.
    let res = crate::recruitment::apply(&app, &call, applicant("zofia@example.org")).await;
    assert_eq!(res.status, 409);
    let queued = outbox(&app).await;
    assert_eq!(queued.len(), 2, "{queued:?}");
    assert_eq!(queued[0].0, "application_received");
    assert_eq!(queued[0].2, "pending");
    assert_eq!(queued[0].3.as_deref(), Some(token.as_str()));

    let sink = Sink::start();
    let mailer = Mailer::new(
        &sink.url(),
        "Coopera <no-reply@example.org>",
        Some("https://portal.example.org/zgloszenie?token={token}".into()),
    )
    .unwrap();
    let round = deliver_due(&app.state.db, &mailer).await.unwrap();
    assert_eq!(round.sent, 2);
    let messages: Vec<_> = sink.received().iter().map(|m| read(m)).collect();
    assert_eq!(messages.len(), 2);
    let (to, subject, text) = &messages[0];
    assert_eq!(to, "stefan@example.org");
    assert_eq!(
        subject,
        "Application received: Nabór: współpraca z gminą — żółć, źdźbło"
    );
    assert!(text.starts_with("Dear Ștefan Țărănescu,"), "{text}");
    assert!(text.contains("You have a place."), "{text}");
    assert!(
        text.contains(&format!(
            "https://portal.example.org/zgloszenie?token={token}"
        )),
        "the link to manage the application: {text}"
    );
    assert!(
        messages[1].2.contains("number 1 on the waitlist"),
        "{}",
        messages[1].2
    );
    // Sent, the token is gone from the outbox; nothing is sent twice.
    let queued = outbox(&app).await;
    assert!(
        queued.iter().all(|q| q.2 == "sent" && q.3.is_none()),
        "{queued:?}"
    );
    assert_eq!(deliver_due(&app.state.db, &mailer).await.unwrap().sent, 0);

    // The withdrawal promotes the second applicant, who is told.
    assert_eq!(withdraw(&app, &token).await.status, 200);
    deliver_due(&app.state.db, &mailer).await.unwrap();
    let messages: Vec<_> = sink.received().iter().map(|m| read(m)).collect();
    let (to, subject, _) = messages.last().unwrap();
    assert_eq!(to, "zofia@example.org");
    assert!(subject.starts_with("You have a place: Nabór"), "{subject}");
}

#[actix_web::test]
async fn a_failed_send_is_retried_and_never_lost() {
    let app = TestApp::new().await;
    let (call, _) = open_call(&app, 5).await;
    applied(&app, &call, "ana@example.org").await;
    // Nothing listens on this port: the send fails, and waits for a retry.
    let closed = TcpListener::bind("127.0.0.1:0").unwrap();
    let nowhere = format!("smtp://127.0.0.1:{}", closed.local_addr().unwrap().port());
    drop(closed);
    let broken = Mailer::new(&nowhere, "Coopera <no-reply@example.org>", None).unwrap();
    let round = deliver_due(&app.state.db, &broken).await.unwrap();
    assert_eq!((round.sent, round.retrying), (0, 1));
    let (status, attempts, error, next): (String, i32, Option<String>, chrono::NaiveDateTime) = app
        .db(|conn| {
            Ok(nt::table
                .select((
                    nt::status,
                    nt::attempts,
                    nt::last_error,
                    nt::next_attempt_at,
                ))
                .first(conn)?)
        })
        .await;
    assert_eq!((status.as_str(), attempts), ("pending", 1));
    assert!(error.is_some());
    assert!(next > coopera::db::now(), "a retry waits");
    let sink = Sink::start();
    let mailer = Mailer::new(&sink.url(), "Coopera <no-reply@example.org>", None).unwrap();
    assert_eq!(deliver_due(&app.state.db, &mailer).await.unwrap().sent, 0);
    // Once its time comes, the retry goes through, with the bare token.
    app.db(|conn| {
        diesel::update(nt::table)
            .set(nt::next_attempt_at.eq(coopera::db::now()))
            .execute(conn)?;
        Ok(())
    })
    .await;
    assert_eq!(deliver_due(&app.state.db, &mailer).await.unwrap().sent, 1);
    let (_, _, text) = read(&sink.received()[0]);
    assert!(text.contains("    app_"), "the token itself: {text}");
    assert_eq!(outbox(&app).await[0].4, 2, "two attempts");
}

#[actix_web::test]
async fn senders_running_at_once_send_each_email_once() {
    let app = TestApp::new().await;
    let (call, _) = open_call(&app, 30).await;
    for n in 0..24 {
        applied(&app, &call, &format!("a{n}@example.org")).await;
    }
    let sink = Sink::start();
    let mailer = Mailer::new(&sink.url(), "Coopera <no-reply@example.org>", None).unwrap();
    let db = &app.state.db;
    let rounds = futures_util::future::join_all(
        (0..4).map(|_| async { deliver_due(db, &mailer).await.unwrap().sent }),
    )
    .await;
    let mut sent: usize = rounds.iter().sum();
    while sent < 24 {
        let more = deliver_due(db, &mailer).await.unwrap().sent;
        assert!(more > 0, "every message is sent");
        sent += more;
    }
    let mut to: Vec<String> = sink.received().iter().map(|m| read(m).0).collect();
    to.sort();
    to.dedup();
    assert_eq!(sink.received().len(), 24, "each once");
    assert_eq!(to.len(), 24);
}

#[actix_web::test]
async fn anonymising_a_call_erases_its_emails() {
    let app = TestApp::new().await;
    let (call, coordinator) = open_call(&app, 5).await;
    applied(&app, &call, "ana@example.org").await;
    let res = app
        .post_json_as(
            &coordinator,
            &format!("/api/v1/calls/{call}/close"),
            json!({}),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    let res = app
        .post_json_as(
            &coordinator,
            &format!("/api/v1/calls/{call}/anonymize"),
            json!({}),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    let queued = outbox(&app).await;
    assert_eq!(queued.len(), 1);
    assert_eq!(queued[0].1, "", "no address left");
    assert_eq!(queued[0].2, "failed", "not sent after the erasure");
    assert_eq!(queued[0].3, None);
}
