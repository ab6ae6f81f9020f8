//! The sender: a background task of every instance that fans the change log
//! out into deliveries and sends those that are due, signed, over HTTPS.
//!
//! A delivery's host name is resolved by [`GuardedResolver`], which refuses
//! loopback, private and link-local answers (unless the development switch
//! is on), so a name that points at an internal address — or is changed to
//! point at one after the subscription was checked — is never reached.
//! Redirects are not followed and proxies from the environment are not used.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use chrono::NaiveDateTime;

use super::rules;
use super::store::{self, Claimed, Outcome};
use crate::db::Db;
use crate::error::ApiError;

/// Deliveries claimed per round.
const BATCH: i64 = 50;
/// How long a try may take, connection included.
const TIMEOUT: Duration = Duration::from_secs(10);

/// Sends deliveries.
#[derive(Clone)]
pub struct Sender {
    client: reqwest::Client,
    allow_private: bool,
}

impl Sender {
    /// A sender; `allow_private` (the development switch
    /// `COOPERA_WEBHOOKS_ALLOW_INSECURE`) lets deliveries reach loopback,
    /// private and link-local addresses.
    pub fn new(allow_private: bool) -> Result<Self, String> {
        let client = reqwest::Client::builder()
            .timeout(TIMEOUT)
            .connect_timeout(Duration::from_secs(5))
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .user_agent(concat!("Coopera-Webhooks/", env!("CARGO_PKG_VERSION")))
            .dns_resolver(Arc::new(GuardedResolver { allow_private }))
            .build()
            .map_err(|e| format!("cannot build the webhook client: {e}"))?;
        Ok(Self {
            client,
            allow_private,
        })
    }

    /// One try of `delivery`: POSTs its payload, signed now.
    pub async fn send(&self, delivery: &Claimed) -> Outcome {
        if let Err(error) = self.check_literal_address(&delivery.url) {
            return Outcome::Failed {
                status: None,
                error,
            };
        }
        let timestamp = chrono::Utc::now().timestamp();
        let body = delivery.payload.clone().into_bytes();
        let signature = rules::signature(&delivery.secret, timestamp, &body);
        let result = self
            .client
            .post(&delivery.url)
            .header("content-type", "application/json")
            .header("coopera-delivery", &delivery.id)
            .header("coopera-event", &delivery.event_type)
            .header(rules::SIGNATURE_HEADER, signature)
            .body(body)
            .send()
            .await;
        match result {
            Ok(res) if res.status().is_success() => Outcome::Delivered {
                status: res.status().as_u16(),
            },
            Ok(res) => Outcome::Failed {
                status: Some(res.status().as_u16()),
                error: format!("the receiver answered {}", res.status()),
            },
            Err(e) => Outcome::Failed {
                status: None,
                error: describe(&e),
            },
        }
    }

    /// A URL whose host is an address is not resolved, so it is checked
    /// here.
    fn check_literal_address(&self, url: &str) -> Result<(), String> {
        let parsed = reqwest::Url::parse(url).map_err(|e| format!("bad URL: {e}"))?;
        let ip = match parsed.host() {
            Some(url::Host::Ipv4(ip)) => std::net::IpAddr::V4(ip),
            Some(url::Host::Ipv6(ip)) => std::net::IpAddr::V6(ip),
            _ => return Ok(()),
        };
        if self.allow_private || rules::is_public(ip) {
            Ok(())
        } else {
            Err(format!("{ip} is not a public address"))
        }
    }
}

/// The error's chain of causes, in one line.
fn describe(e: &reqwest::Error) -> String {
    let mut text = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// Resolves host names with the system resolver and keeps only the
/// addresses a delivery may reach.
struct GuardedResolver {
    allow_private: bool,
}

impl reqwest::dns::Resolve for GuardedResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let allow_private = self.allow_private;
        Box::pin(async move {
            let host = name.as_str().to_owned();
            let found: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let allowed: Vec<SocketAddr> = found
                .iter()
                .copied()
                .filter(|a| allow_private || rules::is_public(a.ip()))
                .collect();
            if allowed.is_empty() {
                let err: Box<dyn std::error::Error + Send + Sync> = if found.is_empty() {
                    format!("{host} has no address").into()
                } else {
                    format!("{host} resolves only to addresses that are not public").into()
                };
                return Err(err);
            }
            let addrs: reqwest::dns::Addrs = Box::new(allowed.into_iter());
            Ok(addrs)
        })
    }
}

/// What one round did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Round {
    /// Deliveries made from the change log.
    pub queued: usize,
    pub delivered: usize,
    pub failed: usize,
}

/// One round at `at`: fans out every active subscription, then claims the
/// deliveries due and sends them, at once, and records each outcome.
pub async fn run_once(db: &Db, sender: &Sender, at: NaiveDateTime) -> Result<Round, ApiError> {
    let mut round = Round::default();
    for id in db.run(store::behind).await? {
        round.queued += db.write(move |conn| store::fan_out(conn, &id, at)).await?;
    }
    // Each claim is one conditional update: no transaction is needed.
    let claimed = db.run(move |conn| store::claim(conn, at, BATCH)).await?;
    let tries: Vec<_> = claimed
        .into_iter()
        .map(|delivery| {
            let sender = sender.clone();
            actix_web::rt::spawn(async move {
                let outcome = sender.send(&delivery).await;
                (delivery, outcome)
            })
        })
        .collect();
    for handle in tries {
        let (delivery, outcome) = handle.await.map_err(ApiError::internal)?;
        match &outcome {
            Outcome::Delivered { .. } => round.delivered += 1,
            Outcome::Failed { error, .. } => {
                round.failed += 1;
                tracing::info!(delivery = %delivery.id, url = %delivery.url, error, "webhook delivery failed");
            }
        }
        db.write(move |conn| store::record_outcome(conn, &delivery, &outcome, at))
            .await?;
    }
    Ok(round)
}

/// Runs rounds for ever: at once while there is work, otherwise every
/// second.
pub async fn run(db: Db, sender: Sender) {
    let pause = Duration::from_secs(1);
    loop {
        match run_once(&db, &sender, crate::db::now()).await {
            Ok(round) if round.delivered + round.failed >= BATCH as usize => continue,
            Ok(round) if round != Round::default() => {
                tracing::debug!(
                    queued = round.queued,
                    delivered = round.delivered,
                    failed = round.failed,
                    "webhooks"
                );
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "sending webhooks failed"),
        }
        actix_web::rt::time::sleep(pause).await;
    }
}
