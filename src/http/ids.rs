//! Record ids in paths and query strings. Ids are UUIDs: a path segment that
//! is not one names no record (404, before the database is asked), and a
//! query filter that is not one is a bad parameter (400 naming it).

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest};
use serde::{Deserialize, Deserializer};

use crate::error::ApiError;

/// The ids in a request's path, in order: `PathIds([id, member_id]):
/// PathIds<2>` for `/partnerships/{id}/members/{member_id}`.
#[derive(Debug)]
pub struct PathIds<const N: usize>(pub [String; N]);

/// The one id of a path such as `/projects/{id}`.
pub type PathId = PathIds<1>;

impl PathId {
    pub fn into_inner(self) -> String {
        let [id] = self.0;
        id
    }
}

impl<const N: usize> FromRequest for PathIds<N> {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        std::future::ready(path_ids(req))
    }
}

fn path_ids<const N: usize>(req: &HttpRequest) -> Result<PathIds<N>, ApiError> {
    let mut ids = Vec::with_capacity(N);
    for (name, value) in req.match_info().iter() {
        super::path_id(name, value)?;
        ids.push(value.to_owned());
    }
    ids.try_into().map(PathIds).map_err(|found: Vec<String>| {
        ApiError::internal(format!(
            "the route has {} path parameters, the handler expects {N}",
            found.len()
        ))
    })
}

/// A query parameter that filters by a record's id. Document it with
/// `#[param(value_type = Option<String>, format = Uuid)]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordId(String);

impl RecordId {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_inner(self) -> String {
        self.0
    }
}

impl<'de> Deserialize<'de> for RecordId {
    fn deserialize<D: Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
        let text = String::deserialize(de)?;
        match uuid::Uuid::try_parse(&text) {
            Ok(_) => Ok(Self(text)),
            Err(_) => Err(serde::de::Error::custom("must be a UUID")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_query_id_must_be_a_uuid() {
        #[derive(Debug, Deserialize)]
        struct Filter {
            org: Option<RecordId>,
        }
        let ok: Filter =
            crate::http::extract::parse_query("org=019a1b2c-0000-7000-8000-000000000003").unwrap();
        assert_eq!(
            ok.org.unwrap().as_str(),
            "019a1b2c-0000-7000-8000-000000000003"
        );
        let err = crate::http::extract::parse_query::<Filter>("org=ABC").unwrap_err();
        assert_eq!(err.field_errors()[0].field, "org");
    }
}
