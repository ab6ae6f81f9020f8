//! What webhooks obey without a database: which URLs may receive deliveries
//! and which addresses a delivery may reach, how a delivery is signed, how
//! long a failed one waits, and when a failing subscription is turned off.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use chrono::{Duration, NaiveDateTime};
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The longest URL a subscription takes.
pub const MAX_URL_LEN: usize = 2000;

/// Tries of one delivery before it is given up (`failed`); it can still be
/// redelivered by hand.
pub const MAX_ATTEMPTS: i32 = 8;

/// A subscription is disabled once this many tries in a row have failed …
pub const DISABLE_AFTER_FAILURES: i32 = 15;

/// … over at least this long (so that a short outage with many deliveries
/// waiting does not disable it).
pub fn disable_after_period() -> Duration {
    Duration::hours(1)
}

/// The header that carries the signature.
pub const SIGNATURE_HEADER: &str = "Coopera-Signature";

/// Why a URL cannot receive deliveries: `(code, message)` for the `url`
/// field.
pub type UrlProblem = (&'static str, &'static str);

/// Checks a subscription's URL: absolute `https://` with a host, no user or
/// password in it, and a host that is not a loopback, private, link-local or
/// otherwise non-public address (nor `localhost`). With `allow_insecure` (a
/// development switch) `http://` and any host are accepted.
///
/// A host name is checked again when a delivery resolves it
/// ([`is_public`]), so a name that later points at a private address is not
/// reached either.
pub fn check_url(url: &str, allow_insecure: bool) -> Result<(), UrlProblem> {
    if url.len() > MAX_URL_LEN {
        return Err(("too_long", "must be at most 2000 characters"));
    }
    let parsed =
        reqwest::Url::parse(url).map_err(|_| ("invalid_url", "must be an absolute URL"))?;
    match parsed.scheme() {
        "https" => {}
        "http" if allow_insecure => {}
        _ => return Err(("https_required", "must be an https:// URL")),
    }
    let Some(host) = parsed.host() else {
        return Err(("invalid_url", "must name a host"));
    };
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err((
            "invalid_url",
            "must not carry a user name or password; the signature proves the sender",
        ));
    }
    if parsed.fragment().is_some() {
        return Err(("invalid_url", "must not have a #fragment"));
    }
    if allow_insecure {
        return Ok(());
    }
    let public = match host {
        url::Host::Ipv4(ip) => is_public(IpAddr::V4(ip)),
        url::Host::Ipv6(ip) => is_public(IpAddr::V6(ip)),
        url::Host::Domain(name) => {
            let name = name.trim_end_matches('.').to_ascii_lowercase();
            name != "localhost" && !name.ends_with(".localhost")
        }
    };
    if public {
        Ok(())
    } else {
        Err((
            "address_not_allowed",
            "must not point at a loopback, private or link-local address",
        ))
    }
}

/// Whether a delivery may connect to `ip`: not loopback, private, link-local,
/// shared (carrier-grade NAT), unspecified, broadcast, multicast,
/// documentation or reserved — in IPv4, in IPv6, and in IPv4 mapped into
/// IPv6.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => public_v4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => public_v4(v4),
            None => public_v6(v6),
        },
    }
}

fn public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    !(ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_unspecified()
        || ip.is_broadcast()
        || ip.is_multicast()
        || ip.is_documentation()
        || a == 0
        || (a == 100 && (64..128).contains(&b))
        || (a == 192 && b == 0 && c == 0)
        || (a == 198 && (b == 18 || b == 19))
        || a >= 240)
}

fn public_v6(ip: Ipv6Addr) -> bool {
    let first = ip.segments()[0];
    !(ip.is_loopback()
        || ip.is_unspecified()
        || ip.is_multicast()
        || (first & 0xfe00) == 0xfc00
        || (first & 0xffc0) == 0xfe80
        || (first == 0x2001 && ip.segments()[1] == 0x0db8)
        // NAT64 (64:ff9b::/96) would reach an IPv4 address by another name.
        || (first == 0x0064 && ip.segments()[1] == 0xff9b))
}

/// The `Coopera-Signature` header of `body` sent at `timestamp` (Unix
/// seconds): `t=<timestamp>,v1=<hex HMAC-SHA256 of "<timestamp>.<body>"
/// keyed with the subscription's secret>`.
pub fn signature(secret: &str, timestamp: i64, body: &[u8]) -> String {
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret.as_bytes()) else {
        unreachable!("HMAC takes keys of any length")
    };
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    format!(
        "t={timestamp},v1={}",
        hex::encode(mac.finalize().into_bytes())
    )
}

/// The pause after the `attempts`-th failed try: 10 s, doubling, at most an
/// hour.
pub fn retry_after(attempts: i32) -> Duration {
    let doublings = u32::try_from(attempts.clamp(1, 12) - 1).unwrap_or(0);
    Duration::seconds(10 * 2_i64.pow(doublings)).min(Duration::hours(1))
}

/// Whether a subscription that has now failed `failures` tries in a row,
/// the first at `failing_since`, is to be disabled at `now`.
pub fn disable_now(failures: i32, failing_since: NaiveDateTime, now: NaiveDateTime) -> bool {
    failures >= DISABLE_AFTER_FAILURES && now - failing_since >= disable_after_period()
}

/// The event type of a change: `organization.update`.
pub fn event_type(entity_type: &str, action: &str) -> String {
    format!("{entity_type}.{action}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_https_urls_to_public_hosts_are_accepted() {
        assert_eq!(
            check_url("https://crm.example.org/hooks?x=1", false),
            Ok(())
        );
        assert_eq!(check_url("https://203.0.114.9:8443/h", false), Ok(()));
        let code = |url: &str| check_url(url, false).unwrap_err().0;
        assert_eq!(code("http://crm.example.org/hooks"), "https_required");
        assert_eq!(code("ftp://crm.example.org/"), "https_required");
        assert_eq!(code("crm.example.org/hooks"), "invalid_url");
        assert_eq!(code("https://user:pw@crm.example.org/"), "invalid_url");
        assert_eq!(code("https://crm.example.org/#x"), "invalid_url");
        for private in [
            "https://127.0.0.1/",
            "https://localhost:8080/",
            "https://api.localhost/",
            "https://10.1.2.3/",
            "https://172.16.0.1/",
            "https://192.168.1.10/",
            "https://169.254.169.254/latest/meta-data",
            "https://[::1]/",
            "https://[fe80::1]/",
            "https://[fd00::1]/",
            "https://[::ffff:10.0.0.1]/",
            "https://0.0.0.0/",
            "https://100.64.0.1/",
        ] {
            assert_eq!(code(private), "address_not_allowed", "{private}");
        }
        let long = format!("https://crm.example.org/{}", "a".repeat(MAX_URL_LEN));
        assert_eq!(code(&long), "too_long");
    }

    #[test]
    fn the_development_switch_allows_http_and_private_hosts() {
        assert_eq!(check_url("http://127.0.0.1:9000/hook", true), Ok(()));
        assert_eq!(check_url("http://localhost/hook", true), Ok(()));
        assert_eq!(
            check_url("ftp://localhost/hook", true).unwrap_err().0,
            "https_required"
        );
    }

    #[test]
    fn public_addresses_are_told_from_the_others() {
        for public in [
            "203.0.114.9",
            "8.8.8.8",
            "2a00:1450:4001:82b::200e",
            "::ffff:8.8.8.8",
        ] {
            assert!(is_public(public.parse().unwrap()), "{public}");
        }
        for other in [
            "127.0.0.2",
            "10.0.0.1",
            "172.31.255.255",
            "192.168.0.1",
            "169.254.0.1",
            "100.127.0.1",
            "0.1.2.3",
            "255.255.255.255",
            "224.0.0.1",
            "198.18.0.1",
            "240.0.0.1",
            "192.0.2.1",
            "::",
            "::1",
            "fe80::1",
            "fc00::1",
            "ff02::1",
            "2001:db8::1",
            "64:ff9b::a00:1",
            "::ffff:127.0.0.1",
            "::ffff:192.168.0.1",
        ] {
            assert!(!is_public(other.parse().unwrap()), "{other}");
        }
    }

    #[test]
    fn the_signature_is_an_hmac_of_the_timestamp_and_the_body() {
        // Computed independently: printf '1733011200.{"a":1}' |
        //   openssl dgst -sha256 -hmac whsec_test
        let sig = signature("whsec_test", 1_733_011_200, br#"{"a":1}"#);
        assert_eq!(
            sig,
            "t=1733011200,v1=16b6899fcbb85a3b31be830b04adfda8bb10e98840cfd0632631c242c1e77979"
        );
        assert_ne!(sig, signature("whsec_other", 1_733_011_200, br#"{"a":1}"#));
        assert_ne!(sig, signature("whsec_test", 1_733_011_201, br#"{"a":1}"#));
    }

    #[test]
    fn retries_wait_longer_each_time_up_to_an_hour() {
        assert_eq!(retry_after(1), Duration::seconds(10));
        assert_eq!(retry_after(2), Duration::seconds(20));
        assert_eq!(retry_after(7), Duration::seconds(640));
        assert_eq!(retry_after(10), Duration::hours(1));
        assert_eq!(retry_after(100), Duration::hours(1));
    }

    #[test]
    fn a_subscription_is_disabled_after_many_failures_over_an_hour() {
        let start = chrono::DateTime::from_timestamp(1_733_011_200, 0)
            .unwrap()
            .naive_utc();
        let later = start + Duration::minutes(61);
        assert!(disable_now(DISABLE_AFTER_FAILURES, start, later));
        assert!(!disable_now(DISABLE_AFTER_FAILURES - 1, start, later));
        assert!(
            !disable_now(100, start, start + Duration::minutes(5)),
            "a burst of failures in a short outage"
        );
    }

    #[test]
    fn event_types_name_the_record_and_the_action() {
        assert_eq!(event_type("organization", "update"), "organization.update");
    }
}
