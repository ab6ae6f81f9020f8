//! Archiving a record: it stays readable and referable, is hidden from its
//! list unless asked for (`include_archived=true`), and can no longer be
//! changed. The reason is kept in the change log.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use crate::error::ApiError;

/// Why a record is archived.
#[derive(Debug, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ArchiveRecord {
    #[validate(
        length(min = 1, max = 2000),
        custom(function = "crate::http::extract::not_blank")
    )]
    #[schema(min_length = 1, max_length = 2000)]
    pub reason: String,
}

/// 409 with `detail` if the record was archived (`archived_at` is set).
pub fn refuse_archived<T>(
    archived_at: Option<T>,
    detail: impl Into<Cow<'static, str>>,
) -> Result<(), ApiError> {
    if archived_at.is_some() {
        return Err(ApiError::invalid_transition("archived", Vec::new(), detail));
    }
    Ok(())
}
