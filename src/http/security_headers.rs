//! Headers every response carries, whatever produced it: no MIME sniffing, no
//! framing (Swagger UI included, against clickjacking), and no caching of
//! responses that hold personal data or secrets.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::Next;

/// Paths whose answers hold personal data or secrets: never stored by a cache
/// (RFC 9111 `no-store`), so a shared browser or proxy keeps none of it.
const NO_STORE_PREFIXES: &[&str] = &[
    "/api/v1/me",
    "/api/v1/people",
    "/api/v1/users",
    "/api/v1/api-clients",
    "/api/v1/auth/",
    "/api/v1/audit",
    "/api/v1/consultation-submissions",
];

fn holds_personal_data(path: &str) -> bool {
    NO_STORE_PREFIXES.iter().any(|p| {
        path.strip_prefix(p)
            .is_some_and(|rest| p.ends_with('/') || rest.is_empty() || rest.starts_with('/'))
    }) || (path.starts_with("/api/v1/organizations/") && path.contains("/members"))
        || (path.starts_with("/api/v1/consultations/")
            && (path.ends_with("/submissions") || path.ends_with("/report")))
}

pub async fn middleware(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    // The decoded path, as routing sees it (`/api/v1/%70eople` is `/api/v1/people`).
    let no_store = holds_personal_data(req.match_info().as_str());
    let mut res = next.call(req).await?;
    let headers = res.headers_mut();
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    if !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("frame-ancestors 'none'"),
        );
    }
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    if no_store {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    Ok(res)
}

#[cfg(test)]
mod tests {
    use super::holds_personal_data;

    #[test]
    fn personal_paths_are_recognised_exactly() {
        assert!(holds_personal_data("/api/v1/me"));
        assert!(holds_personal_data("/api/v1/people"));
        assert!(holds_personal_data("/api/v1/people/0190"));
        assert!(holds_personal_data("/api/v1/users/1"));
        assert!(holds_personal_data("/api/v1/auth/token"));
        assert!(holds_personal_data("/api/v1/organizations/1/members/2"));
        assert!(!holds_personal_data("/api/v1/meetings"));
        assert!(!holds_personal_data("/api/v1/organizations/1"));
        assert!(!holds_personal_data("/api/v1/projects"));
    }
}
