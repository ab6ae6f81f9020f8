//! Password hashing with argon2id (the crate's defaults: 19 MiB, 2 passes).
//! Both operations are slow on purpose: call them on the blocking pool.

use argon2::Argon2;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};

use crate::error::{ApiError, FieldError};

pub const MIN_PASSWORD_LEN: usize = 12;

pub fn hash(password: &str) -> Result<String, ApiError> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| ApiError::internal(format!("password hashing failed: {e}")))
}

/// Whether `password` matches `stored` (a PHC string). A malformed stored hash
/// never matches.
pub fn verify(password: &str, stored: &str) -> bool {
    Argon2::default()
        .verify_password(password.as_bytes(), stored)
        .is_ok()
}

/// A hash of a password nobody knows, verified against when the account does not
/// exist, so that a login takes as long whether or not the email is known.
pub fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| hash(&crate::auth::secrets::generate("")).unwrap_or_default())
}

/// The rules a new password must meet.
pub fn check_strength(password: &str, email: &str) -> Result<(), FieldError> {
    if password.chars().count() < MIN_PASSWORD_LEN {
        return Err(FieldError::new(
            "password",
            "too_short",
            format!("must be at least {MIN_PASSWORD_LEN} characters"),
        ));
    }
    if password.trim().eq_ignore_ascii_case(email.trim()) {
        return Err(FieldError::new(
            "password",
            "equals_email",
            "must not be the email address",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_verifies_only_its_password() {
        let h = hash("correct horse battery").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify("correct horse battery", &h));
        assert!(!verify("correct horse batterY", &h));
        assert!(!verify("anything", "not a hash"));
    }

    #[test]
    fn weak_passwords_are_refused() {
        assert_eq!(
            check_strength("short", "a@b.org").unwrap_err().code,
            "too_short"
        );
        assert_eq!(
            check_strength("admin@example.org", "Admin@example.org")
                .unwrap_err()
                .code,
            "equals_email"
        );
        assert!(check_strength("a long enough passphrase", "a@b.org").is_ok());
    }
}
