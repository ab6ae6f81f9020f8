//! Opaque secrets (refresh tokens, API client secrets): random, shown once, stored
//! only as SHA-256 hashes. They carry 256 bits of entropy, so a fast hash is
//! enough; passwords, chosen by people, use argon2id instead (`password.rs`).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// A new secret: `prefix` followed by 32 random bytes, base64url-encoded.
pub fn generate(prefix: &str) -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    format!("{prefix}{}", URL_SAFE_NO_PAD.encode(bytes))
}

pub fn hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// Compares a presented secret with a stored hash in constant time.
pub fn matches(secret: &str, stored_hash: &str) -> bool {
    hash(secret).as_bytes().ct_eq(stored_hash.as_bytes()).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_unique_and_verify_only_against_their_hash() {
        let a = generate("rt_");
        let b = generate("rt_");
        assert_ne!(a, b);
        assert!(a.starts_with("rt_") && a.len() > 40);
        assert!(matches(&a, &hash(&a)));
        assert!(!matches(&b, &hash(&a)));
    }
}
