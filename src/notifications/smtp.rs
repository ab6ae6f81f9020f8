//! Sending the outbox over SMTP (`COOPERA_SMTP_URL`), from a background task
//! of every instance: claim what is due, send each message, record the
//! outcome. A message sent but not yet recorded when an instance dies is sent
//! again once its claim runs out — at least once, never lost.

use std::time::Duration;

use lettre::message::Mailbox;
use lettre::message::header::ContentType;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use super::{Outgoing, SECRET_MARK, claim, mark_failed, mark_sent};
use crate::db::Db;
use crate::error::ApiError;

/// How many messages one round claims.
const BATCH: i64 = 10;

/// An SMTP connection's settings and the sender's address.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    application_link: Option<String>,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mailer").field("from", &self.from).finish()
    }
}

/// 'not an SMTP URL' as a message naming what is wrong.
pub fn check_url(url: &str) -> Result<(), String> {
    AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
        .map(|_| ())
        .map_err(|e| {
            format!("not an SMTP URL such as smtp://user:password@host:587?tls=required: {e}")
        })
}

/// The sender's address, or what is wrong with it.
pub fn check_from(from: &str) -> Result<Mailbox, String> {
    from.parse::<Mailbox>().map_err(|e| {
        format!("`{from}` is not an address such as Coopera <no-reply@example.org>: {e}")
    })
}

impl Mailer {
    /// `url` as [`check_url`] takes it; `from` as [`check_from`];
    /// `application_link` a link with `{token}` where the applicant's
    /// management token goes.
    pub fn new(url: &str, from: &str, application_link: Option<String>) -> Result<Self, String> {
        check_url(url)?;
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| e.to_string())?
            .timeout(Some(Duration::from_secs(15)))
            .build();
        Ok(Self {
            transport,
            from: check_from(from)?,
            application_link,
        })
    }

    /// The text of `m` with its secret in place: the link to manage the
    /// application, or the token itself.
    fn body(&self, m: &Outgoing) -> String {
        match &m.secret {
            None => m.body.clone(),
            Some(secret) => {
                let shown = match &self.application_link {
                    Some(link) => link.replace("{token}", secret),
                    None => secret.clone(),
                };
                m.body.replace(SECRET_MARK, &shown)
            }
        }
    }

    /// Sends `m`: `Err((why, permanent))` when it was not taken.
    async fn send(&self, m: &Outgoing) -> Result<(), (String, bool)> {
        let to: Mailbox = m
            .recipient
            .parse()
            .map_err(|e| (format!("the address `{}`: {e}", m.recipient), true))?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(&m.subject)
            .header(ContentType::TEXT_PLAIN)
            .body(self.body(m))
            .map_err(|e| (e.to_string(), true))?;
        self.transport
            .send(message)
            .await
            .map(|_| ())
            .map_err(|e| (e.to_string(), e.is_permanent()))
    }
}

/// What one round of sending did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Round {
    pub sent: usize,
    /// Not taken now; tried again later.
    pub retrying: usize,
    /// Refused for good.
    pub failed: usize,
}

/// Claims the messages due and sends them, recording each outcome.
pub async fn deliver_due(db: &Db, mailer: &Mailer) -> Result<Round, ApiError> {
    let claimed = db.write(|conn| claim(conn, BATCH)).await?;
    let mut round = Round::default();
    for m in claimed {
        let outcome = mailer.send(&m).await;
        let id = m.id.clone();
        match outcome {
            Ok(()) => {
                db.write(move |conn| mark_sent(conn, &id)).await?;
                round.sent += 1;
            }
            Err((error, permanent)) => {
                tracing::warn!(notification = %m.id, kind = %m.kind, attempt = m.attempts, permanent, %error, "an email was not sent");
                let attempts = m.attempts;
                db.write(move |conn| mark_failed(conn, &id, attempts, &error, permanent))
                    .await?;
                if permanent {
                    round.failed += 1;
                } else {
                    round.retrying += 1;
                }
            }
        }
    }
    Ok(round)
}

/// Sends the outbox for as long as the service runs: a round every few
/// seconds, at once again while rounds come back full.
pub async fn run(db: Db, mailer: Mailer) {
    let pause = Duration::from_secs(5);
    loop {
        match deliver_due(&db, &mailer).await {
            Ok(round) if round.sent + round.retrying + round.failed >= BATCH as usize => continue,
            Ok(round) if round != Round::default() => {
                tracing::info!(
                    sent = round.sent,
                    retrying = round.retrying,
                    failed = round.failed,
                    "emails"
                );
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "sending the outbox failed"),
        }
        actix_web::rt::time::sleep(pause).await;
    }
}
