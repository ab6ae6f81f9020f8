//! Extractors whose failures are problem responses naming the offending field.
//!
//! actix's own `Json` and `Query` report serde's message without the field's
//! path; these use `serde_path_to_error` so a client learns *which* field or
//! parameter is wrong. `ApiJson` also runs the type's `validator` rules, so a
//! handler only ever sees valid input.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};
use futures_util::StreamExt;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use validator::Validate;

use crate::error::{ApiError, FieldError, ProblemCode};

/// The request body limit, registered as app data by `build_app`.
#[derive(Debug, Clone, Copy)]
pub struct BodyLimit(pub usize);

/// A JSON request body, deserialised and validated.
#[derive(Debug)]
pub struct ApiJson<T>(pub T);

impl<T> ApiJson<T> {
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T: DeserializeOwned + Validate + 'static> FromRequest for ApiJson<T> {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let limit = req
            .app_data::<BodyLimit>()
            .map_or(crate::config::DEFAULT_BODY_LIMIT, |l| l.0);
        let content_type_ok = is_json(req);
        let declared_len = req
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<usize>().ok());
        let mut payload = payload.take();
        Box::pin(async move {
            if !content_type_ok {
                return Err(ApiError::new(
                    ProblemCode::UnsupportedMediaType,
                    "The body must be JSON, sent with `Content-Type: application/json`.",
                ));
            }
            if declared_len.is_some_and(|len| len > limit) {
                return Err(too_large(limit));
            }
            let mut body = web::BytesMut::new();
            while let Some(chunk) = payload.next().await {
                let chunk = chunk.map_err(|e| {
                    ApiError::new(
                        ProblemCode::MalformedJson,
                        format!("The request body could not be read: {e}"),
                    )
                })?;
                if body.len() + chunk.len() > limit {
                    return Err(too_large(limit));
                }
                body.extend_from_slice(&chunk);
            }
            let value = parse_json::<T>(&body)?;
            value.validate()?;
            Ok(ApiJson(value))
        })
    }
}

fn is_json(req: &HttpRequest) -> bool {
    match req.mime_type() {
        Ok(Some(mime)) => {
            mime.type_() == "application"
                && (mime.subtype() == "json" || mime.suffix().is_some_and(|s| s == "json"))
        }
        _ => false,
    }
}

pub(crate) fn too_large(limit: usize) -> ApiError {
    ApiError::new(
        ProblemCode::PayloadTooLarge,
        format!("The request body exceeds the limit of {limit} bytes."),
    )
}

/// Deserialises a JSON body: a syntax error is 400; a body that is not an
/// object, holds a NUL character (which PostgreSQL cannot store), or has a wrong
/// or missing field is 422 naming the field.
pub fn parse_json<T: DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    let value: serde_json::Value = parse_syntax(body)?;
    if !value.is_object() {
        return Err(ApiError::validation(vec![FieldError::new(
            "",
            "not_an_object",
            "the body must be a JSON object",
        )]));
    }
    from_value(value)
}

/// Deserialises one JSON object already parsed (a body, or a row of an
/// import): a NUL character or a wrong or missing field is 422 naming the
/// field.
pub fn from_value<T: DeserializeOwned>(value: serde_json::Value) -> Result<T, ApiError> {
    if let Some(path) = find_nul(&value, String::new()) {
        return Err(ApiError::validation(vec![FieldError::new(
            path,
            "nul_character",
            "must not contain the NUL character (U+0000)",
        )]));
    }
    serde_path_to_error::deserialize(value).map_err(|err| {
        let path = err.path().to_string();
        let path = if path == "." { String::new() } else { path };
        let message = strip_position(&err.into_inner().to_string());
        let (field, code) = name_the_field(&path, &message);
        ApiError::validation(vec![FieldError::new(field, code, message)])
    })
}

/// serde reports a missing field at the path of the object that holds it, and
/// an unknown one at its own path; the field is named in the message ("missing
/// field `reason`"). Either way the answer names the field once.
fn name_the_field(path: &str, message: &str) -> (String, &'static str) {
    let named = |prefix: &str| {
        message
            .strip_prefix(prefix)
            .and_then(|rest| rest.split('`').next())
            .map(|name| {
                let already_there =
                    path == name || path.strip_suffix(name).is_some_and(|p| p.ends_with('.'));
                if path.is_empty() || already_there {
                    if path.is_empty() {
                        name.to_owned()
                    } else {
                        path.to_owned()
                    }
                } else {
                    format!("{path}.{name}")
                }
            })
    };
    if let Some(field) = named("missing field `") {
        (field, "required")
    } else if let Some(field) = named("unknown field `") {
        (field, "unknown_field")
    } else {
        (path.to_owned(), "invalid_type")
    }
}

/// A text field that must say something: not empty, not only blanks.
pub fn not_blank(value: &str) -> Result<(), validator::ValidationError> {
    if value.trim().is_empty() {
        return Err(
            validator::ValidationError::new("blank").with_message("must not be blank".into())
        );
    }
    Ok(())
}

/// An integer body field. JSON Schema counts `3.0` as an integer (and so do
/// clients that write every number as a float); serde does not. Accepts both,
/// and refuses fractions and values outside `i32`.
pub fn integer<'de, D: serde::Deserializer<'de>>(de: D) -> Result<i32, D::Error> {
    let n = serde_json::Number::deserialize(de)?;
    let value = match n.as_i64() {
        Some(i) => i32::try_from(i).ok(),
        None => n
            .as_f64()
            .filter(|f| f.fract() == 0.0 && *f >= f64::from(i32::MIN) && *f <= f64::from(i32::MAX))
            .map(|f| f as i32),
    };
    value.ok_or_else(|| {
        serde::de::Error::custom(format!("invalid value: {n}, expected a 32-bit integer"))
    })
}

/// [`integer`] for an optional field (`null` or absent is `None`).
pub fn optional_integer<'de, D: serde::Deserializer<'de>>(de: D) -> Result<Option<i32>, D::Error> {
    #[derive(Deserialize)]
    struct Wrapped(#[serde(deserialize_with = "integer")] i32);
    Ok(Option::<Wrapped>::deserialize(de)?.map(|w| w.0))
}

/// [`integer`] for a field where `null` clears and absent leaves unchanged
/// (with `#[serde(default)]`).
pub fn nullable_integer<'de, D: serde::Deserializer<'de>>(
    de: D,
) -> Result<Option<Option<i32>>, D::Error> {
    optional_integer(de).map(Some)
}

/// The path of the first string holding U+0000, if any.
fn find_nul(value: &serde_json::Value, path: String) -> Option<String> {
    use serde_json::Value;
    match value {
        Value::String(s) if s.contains('\0') => Some(path),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, v)| find_nul(v, format!("{path}[{i}]"))),
        Value::Object(map) => map.iter().find_map(|(k, v)| {
            let child = if path.is_empty() {
                k.clone()
            } else {
                format!("{path}.{k}")
            };
            find_nul(v, child)
        }),
        _ => None,
    }
}

fn parse_syntax(body: &[u8]) -> Result<serde_json::Value, ApiError> {
    let de = &mut serde_json::Deserializer::from_slice(body);
    serde_path_to_error::deserialize(de).map_err(|err| {
        let path = err.path().to_string();
        let inner = err.into_inner();
        match inner.classify() {
            serde_json::error::Category::Data => {
                let field = if path == "." { String::new() } else { path };
                ApiError::validation(vec![FieldError::new(
                    field,
                    "invalid_type",
                    strip_position(&inner.to_string()),
                )])
            }
            _ if body.iter().all(u8::is_ascii_whitespace) => ApiError::new(
                ProblemCode::MalformedJson,
                "The request body is empty; a JSON document is required.",
            ),
            _ => ApiError::new(
                ProblemCode::MalformedJson,
                format!("The request body is not valid JSON: {inner}."),
            ),
        }
    })
}

/// serde_json's data errors end with " at line 1 column 9", which means nothing
/// once the field is named.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_owned(),
        None => message.to_owned(),
    }
}

/// A `validator` rule: the field is a UUID (record ids).
pub fn validate_uuid(value: &str) -> Result<(), validator::ValidationError> {
    if uuid::Uuid::try_parse(value).is_ok() {
        Ok(())
    } else {
        let mut err = validator::ValidationError::new("uuid");
        err.message = Some("must be a UUID".into());
        Err(err)
    }
}

/// For `PATCH` bodies: distinguishes an absent field (`None`, unchanged) from
/// an explicit `null` (`Some(None)`, cleared). Use with `#[serde(default,
/// deserialize_with = "double_option")]`.
pub fn double_option<'de, T, D>(de: D) -> Result<Option<Option<T>>, D::Error>
where
    T: serde::Deserialize<'de>,
    D: serde::Deserializer<'de>,
{
    Option::<T>::deserialize(de).map(Some)
}

/// A `validator` rule: an absolute `http` or `https` URL. Other schemes
/// (`javascript:`, `data:`, `file:`…) are refused, because stored links are
/// served to every reader and a frontend may render them as links.
pub fn validate_http_url(value: &str) -> Result<(), validator::ValidationError> {
    if is_http_url(value) {
        Ok(())
    } else {
        let mut err = validator::ValidationError::new("invalid_url");
        err.message = Some("must be an http or https URL".into());
        Err(err)
    }
}

/// Whether `value` is an absolute `http(s)://` URL with a host.
pub fn is_http_url(value: &str) -> bool {
    let lower = value.get(..8).unwrap_or(value).to_ascii_lowercase();
    (lower.starts_with("https://") || lower.starts_with("http://"))
        && validator::ValidateUrl::validate_url(value)
}

/// A `validator` rule: an ISO 3166-1 alpha-2 code (two letters, any case).
pub fn validate_country(value: &str) -> Result<(), validator::ValidationError> {
    if value.len() == 2 && value.bytes().all(|b| b.is_ascii_alphabetic()) {
        Ok(())
    } else {
        let mut err = validator::ValidationError::new("iso_3166_1_alpha_2");
        err.message = Some("must be a two-letter ISO 3166-1 country code such as PL or RO".into());
        Err(err)
    }
}

/// Query parameters, deserialised with the name of a bad parameter reported.
#[derive(Debug)]
pub struct ApiQuery<T>(pub T);

impl<T> ApiQuery<T> {
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T: DeserializeOwned> FromRequest for ApiQuery<T> {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        std::future::ready(parse_query(req.query_string()).map(ApiQuery))
    }
}

pub fn parse_query<T: DeserializeOwned>(query: &str) -> Result<T, ApiError> {
    let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
    serde_path_to_error::deserialize(de).map_err(|err| {
        let field = err.path().to_string();
        let message = err.inner().to_string();
        if field == "." {
            ApiError::new(
                ProblemCode::InvalidParameter,
                format!("The query string is invalid: {message}."),
            )
        } else {
            ApiError::invalid_parameter(&field, "invalid_value", message)
        }
    })
}

/// Error handlers for actix's own extractors, where a handler still uses them
/// (path segments, forms): their failures become problems too.
pub fn path_config() -> web::PathConfig {
    web::PathConfig::default().error_handler(|err, req| {
        let field = req
            .match_info()
            .iter()
            .map(|(name, _)| name)
            .next()
            .unwrap_or("path")
            .to_owned();
        ApiError::invalid_parameter(&field, "invalid_value", err.to_string()).into()
    })
}

pub fn query_config() -> web::QueryConfig {
    web::QueryConfig::default().error_handler(|err, _| {
        ApiError::new(
            ProblemCode::InvalidParameter,
            format!("The query string is invalid: {err}."),
        )
        .into()
    })
}

pub fn json_config(limit: usize) -> web::JsonConfig {
    web::JsonConfig::default()
        .limit(limit)
        .error_handler(|err, _| {
            use actix_web::error::JsonPayloadError as E;
            let api = match err {
                E::ContentType => ApiError::new(
                    ProblemCode::UnsupportedMediaType,
                    "The body must be JSON, sent with `Content-Type: application/json`.",
                ),
                E::Overflow { limit } | E::OverflowKnownLength { limit, .. } => too_large(limit),
                E::Deserialize(e) if e.is_data() => ApiError::validation(vec![FieldError::new(
                    "",
                    "invalid_type",
                    strip_position(&e.to_string()),
                )]),
                other => ApiError::new(
                    ProblemCode::MalformedJson,
                    format!("The request body is not valid JSON: {other}."),
                ),
            };
            api.into()
        })
}

pub fn form_config(limit: usize) -> web::FormConfig {
    web::FormConfig::default()
        .limit(limit)
        .error_handler(|err, _| {
            use actix_web::error::UrlencodedError as E;
            let api = match err {
                E::ContentType => ApiError::new(
                    ProblemCode::UnsupportedMediaType,
                    "The body must be sent as `application/x-www-form-urlencoded`.",
                ),
                E::Overflow { limit, .. } => too_large(limit),
                other => ApiError::new(
                    ProblemCode::InvalidParameter,
                    format!("The form body is invalid: {other}."),
                ),
            };
            api.into()
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Body {
        name: String,
        members: Vec<Member>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Member {
        role: String,
    }

    #[test]
    fn an_unknown_field_is_named_once() {
        let err = parse_json::<Body>(br#"{"nme": "x"}"#).unwrap_err();
        assert_eq!(err.field_errors()[0].field, "nme");
        assert_eq!(err.field_errors()[0].code, "unknown_field");
        let err = parse_json::<Body>(br#"{"name": "x", "members": [{"rle": "a"}]}"#).unwrap_err();
        assert_eq!(err.field_errors()[0].field, "members[0].rle");
    }

    #[test]
    fn a_wrong_type_deep_in_the_body_names_its_path() {
        let err = parse_json::<Body>(br#"{"name": "x", "members": [{"role": "a"}, {"role": 3}]}"#)
            .unwrap_err();
        assert_eq!(err.code(), ProblemCode::ValidationFailed);
        assert_eq!(err.field_errors()[0].field, "members[1].role");
    }

    #[test]
    fn a_missing_or_unknown_field_is_named_not_just_its_object() {
        let err = parse_json::<Body>(br#"{"name": "x", "members": [{}]}"#).unwrap_err();
        assert_eq!(err.field_errors()[0].field, "members[0].role");
        assert_eq!(err.field_errors()[0].code, "required");
        let err = parse_json::<Body>(br#"{"members": []}"#).unwrap_err();
        assert_eq!(err.field_errors()[0].field, "name");
    }

    #[derive(Debug, Deserialize)]
    struct Counted {
        #[serde(deserialize_with = "integer")]
        n: i32,
        #[serde(default, deserialize_with = "optional_integer")]
        m: Option<i32>,
    }

    #[test]
    fn an_integral_float_is_an_integer_and_a_fraction_is_not() {
        let c = parse_json::<Counted>(br#"{"n": 3.0, "m": 2}"#).unwrap();
        assert_eq!((c.n, c.m), (3, Some(2)));
        let c = parse_json::<Counted>(br#"{"n": -7, "m": null}"#).unwrap();
        assert_eq!((c.n, c.m), (-7, None));
        for bad in [&br#"{"n": 3.5}"#[..], br#"{"n": 1e10}"#, br#"{"n": "3"}"#] {
            let err = parse_json::<Counted>(bad).unwrap_err();
            assert_eq!(err.field_errors()[0].field, "n");
        }
    }

    #[test]
    fn a_syntax_error_is_malformed_json() {
        let err = parse_json::<Body>(b"{\"name\": ").unwrap_err();
        assert_eq!(err.code(), ProblemCode::MalformedJson);
    }

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Params {
        limit: Option<u32>,
    }

    #[test]
    fn a_bad_query_parameter_is_named() {
        let err = parse_query::<Params>("limit=lots").unwrap_err();
        assert_eq!(err.code(), ProblemCode::InvalidParameter);
        assert_eq!(err.field_errors()[0].field, "limit");
    }
}
