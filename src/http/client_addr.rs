//! The client's network address, for throttling and rate limits.
//!
//! The TCP peer is the client unless it is one of the configured trusted proxies
//! (`COOPERA_TRUSTED_PROXIES`); then the client is the right-most address in
//! `X-Forwarded-For` that is not itself a trusted proxy. A forwarded address
//! from anyone else is ignored, so a client cannot choose its own address.
//!
//! Limits count addresses by [`bucket`]: an IPv4 address alone, an IPv6 address
//! by its /64 network, which is what one subscriber is usually given.

use std::net::{IpAddr, Ipv6Addr};
use std::str::FromStr;

use actix_web::HttpRequest;
use ipnet::IpNet;

/// The proxies whose `X-Forwarded-For` is believed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<IpNet>);

impl TrustedProxies {
    /// Parses a comma-separated list of addresses and CIDR networks, such as
    /// `10.0.0.0/8, 192.0.2.7, 2001:db8::/48`.
    pub fn parse(list: &str) -> Result<Self, String> {
        list.split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|item| {
                IpNet::from_str(item)
                    .or_else(|_| IpAddr::from_str(item).map(IpNet::from))
                    .map_err(|_| format!("`{item}` is not an IP address or CIDR network"))
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Self)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The scheme and host the client reached the service at, for links in
    /// documents: what a trusted proxy forwarded (`Forwarded`,
    /// `X-Forwarded-Proto`, `X-Forwarded-Host`), else the connection's own
    /// scheme and `Host`.
    pub fn origin(&self, req: &HttpRequest) -> String {
        if req
            .peer_addr()
            .is_some_and(|p| self.trusts(canonical(p.ip())))
        {
            let info = req.connection_info();
            return format!("{}://{}", info.scheme(), info.host());
        }
        let config = req.app_config();
        let scheme = if config.secure() { "https" } else { "http" };
        let host = req
            .headers()
            .get(actix_web::http::header::HOST)
            .and_then(|h| h.to_str().ok())
            .unwrap_or(config.host());
        format!("{scheme}://{host}")
    }

    fn trusts(&self, ip: IpAddr) -> bool {
        self.0.iter().any(|net| net.contains(&ip))
    }

    /// The client's address: the peer, or what trusted proxies forwarded.
    pub fn client(&self, peer: IpAddr, forwarded_for: &[&str]) -> IpAddr {
        let peer = canonical(peer);
        if !self.trusts(peer) {
            return peer;
        }
        let mut client = peer;
        for hop in forwarded_for
            .iter()
            .flat_map(|h| h.split(','))
            .rev()
            .map(str::trim)
        {
            let Some(ip) = parse_hop(hop) else {
                // An unparsable hop ends the chain we can believe.
                break;
            };
            client = ip;
            if !self.trusts(ip) {
                break;
            }
        }
        client
    }
}

/// One `X-Forwarded-For` entry: an address, an IPv6 address in brackets, or
/// either with a port.
fn parse_hop(hop: &str) -> Option<IpAddr> {
    if let Ok(ip) = IpAddr::from_str(hop) {
        return Some(canonical(ip));
    }
    if let Ok(sock) = std::net::SocketAddr::from_str(hop) {
        return Some(canonical(sock.ip()));
    }
    hop.strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .and_then(|h| Ipv6Addr::from_str(h).ok())
        .map(|ip| canonical(IpAddr::V6(ip)))
}

/// An IPv4-mapped IPv6 address (`::ffff:192.0.2.1`) is the IPv4 address.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        IpAddr::V4(_) => ip,
    }
}

/// The key limits count an address under: IPv4 as is, IPv6 by its /64.
pub fn bucket(ip: IpAddr) -> String {
    match canonical(ip) {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => {
            let s = v6.segments();
            let net = Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0);
            format!("{net}/64")
        }
    }
}

/// The rate-limit key of the client of `req` (`unknown` without a peer, as in
/// in-process tests).
pub fn client_bucket(req: &HttpRequest, proxies: &TrustedProxies) -> String {
    let Some(peer) = req.peer_addr() else {
        return "unknown".to_owned();
    };
    let forwarded: Vec<&str> = req
        .headers()
        .get_all("x-forwarded-for")
        .filter_map(|v| v.to_str().ok())
        .collect();
    bucket(proxies.client(peer.ip(), &forwarded))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn a_forwarded_address_counts_only_from_a_trusted_proxy() {
        let none = TrustedProxies::default();
        assert_eq!(
            none.client(ip("198.51.100.1"), &["203.0.113.9"]),
            ip("198.51.100.1")
        );
        let lb = TrustedProxies::parse("10.0.0.0/8, 192.0.2.7").unwrap();
        assert_eq!(
            lb.client(ip("10.1.2.3"), &["203.0.113.9"]),
            ip("203.0.113.9")
        );
        assert_eq!(
            lb.client(ip("192.0.2.7"), &["203.0.113.9"]),
            ip("203.0.113.9")
        );
        // A client's own X-Forwarded-For entries are left of the proxies' ones.
        assert_eq!(
            lb.client(ip("10.1.2.3"), &["1.2.3.4, 203.0.113.9, 10.9.9.9"]),
            ip("203.0.113.9")
        );
        assert_eq!(
            lb.client(ip("10.1.2.3"), &["1.2.3.4", "203.0.113.9:5123"]),
            ip("203.0.113.9")
        );
        // No header: the proxy itself.
        assert_eq!(lb.client(ip("10.1.2.3"), &[]), ip("10.1.2.3"));
        // Garbage ends the chain at the last address believed.
        assert_eq!(
            lb.client(ip("10.1.2.3"), &["evil, 10.9.9.9"]),
            ip("10.9.9.9")
        );
        assert_eq!(
            lb.client(ip("10.1.2.3"), &["[2001:db8::5]:443"]),
            ip("2001:db8::5")
        );
        assert!(TrustedProxies::parse("10.0.0.0/33").is_err());
        assert!(TrustedProxies::parse("proxy.local").is_err());
        assert!(TrustedProxies::parse(" ").unwrap().is_empty());
    }

    #[test]
    fn ipv6_counts_by_its_64_and_mapped_ipv4_as_ipv4() {
        assert_eq!(bucket(ip("2001:db8:1:2::1")), "2001:db8:1:2::/64");
        assert_eq!(
            bucket(ip("2001:db8:1:2:ffff:ffff:ffff:ffff")),
            bucket(ip("2001:db8:1:2::1"))
        );
        assert_ne!(bucket(ip("2001:db8:1:3::1")), bucket(ip("2001:db8:1:2::1")));
        assert_eq!(bucket(ip("::ffff:192.0.2.1")), "192.0.2.1");
        assert_eq!(bucket(ip("192.0.2.1")), "192.0.2.1");
    }
}
