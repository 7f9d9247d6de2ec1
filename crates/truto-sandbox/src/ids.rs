//! Fresh identifiers.
//!
//! Random ids come from `fastrand` (a per-thread generator) rather than the
//! OS, so minting them costs no system call on the hot path.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// Numeric provider ids: unique within the process, and large enough to
/// look like a real provider's.
static NEXT_NUMBER: AtomicU64 = AtomicU64::new(4_100_000_001);

pub(crate) fn next_number() -> u64 {
    NEXT_NUMBER.fetch_add(1, Ordering::Relaxed)
}

/// A seeded user took this numeric id: later ones are minted above it, so
/// a create can never collide with it.
pub(crate) fn reserve_number(taken: u64) {
    NEXT_NUMBER.fetch_max(taken.saturating_add(1), Ordering::Relaxed);
}

pub(crate) fn uuid() -> String {
    uuid::Builder::from_random_bytes(fastrand::u128(..).to_le_bytes())
        .into_uuid()
        .to_string()
}

pub(crate) fn request_id() -> String {
    format!("req_{}", uuid())
}

/// Letters and digits, as Meteor-style (Hive) and Qualtrics ids are.
pub(crate) fn alphanumeric(len: usize) -> String {
    (0..len).map(|_| fastrand::alphanumeric()).collect()
}

pub(crate) fn hex(len: usize) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    (0..len)
        .map(|_| char::from(DIGITS[fastrand::usize(..16)]))
        .collect()
}

/// A MongoDB ObjectId (Planhat): creation seconds, then random bytes.
pub(crate) fn object_id() -> String {
    format!("{:08x}{}", unix_seconds() as u32, hex(16))
}

fn unix_seconds() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_have_their_shapes() {
        let uuid = uuid();
        assert_eq!(uuid.len(), 36);
        assert_eq!(&uuid[14..15], "4");
        assert_ne!(uuid, super::uuid());
        assert!(request_id().starts_with("req_"));
        assert_eq!(object_id().len(), 24);
        assert_eq!(alphanumeric(17).len(), 17);
        assert!(next_number() < next_number());
        let taken = next_number() + 1000;
        reserve_number(taken);
        assert!(next_number() > taken);
    }
}
