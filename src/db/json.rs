//! JSON kept in a text column (a call's form, a programme's modules): written
//! by the service, so a value that does not read back is a 500.

use crate::error::ApiError;

/// `value` as its column holds it.
pub fn column<T: serde::Serialize>(value: &T) -> Result<String, ApiError> {
    serde_json::to_string(value).map_err(ApiError::internal)
}

/// The column `raw` (holding `what`) read back.
pub fn stored<T: serde::de::DeserializeOwned>(raw: &str, what: &str) -> Result<T, ApiError> {
    serde_json::from_str(raw).map_err(|e| ApiError::internal(format!("stored {what}: {e}")))
}
