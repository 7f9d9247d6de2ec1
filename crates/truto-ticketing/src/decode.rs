//! Reading a successful answer's JSON into a type: the one place a body the SDK cannot read
//! becomes a `decode` error naming the field and quoting the body's start.

use serde::de::DeserializeOwned;

use crate::error::{Error, ErrorDetails, ErrorKind, Result};

/// How much of an unreadable body a `decode` error quotes.
const EXCERPT_CHARS: usize = 200;

/// Reads a JSON answer into `T`; a mismatch is a `decode` error naming the field and
/// quoting the start of the body.
pub(crate) fn decode_json<T: DeserializeOwned>(body: &[u8]) -> Result<T> {
    // Tracking the path costs on every value read, so only a body that failed to read
    // is read a second time, with tracking, to name the field at fault.
    if let Ok(value) = serde_json::from_slice(body) {
        return Ok(value);
    }
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let value: T = serde_path_to_error::deserialize(&mut deserializer).map_err(|error| {
        let path = error.path().to_string();
        let reason = error.into_inner();
        let message = if path == "." {
            format!("could not read the response: {reason}")
        } else {
            format!("could not read the response at `{path}`: {reason}")
        };
        decode_error(message, body)
    })?;
    deserializer
        .end()
        .map_err(|reason| decode_error(format!("could not read the response: {reason}"), body))?;
    Ok(value)
}

fn decode_error(message: String, body: &[u8]) -> Error {
    let excerpt: String = String::from_utf8_lossy(body)
        .chars()
        .take(EXCERPT_CHARS)
        .collect();
    Error::new(
        ErrorKind::Decode,
        ErrorDetails {
            message,
            body: Some(excerpt),
            ..ErrorDetails::default()
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decode_errors_name_the_field_and_quote_the_body() {
        let error =
            decode_json::<crate::User>(br#"{"id":"1","emails":[{"email":5}]}"#).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Decode);
        assert!(
            error.message().contains("emails[0].email"),
            "{}",
            error.message()
        );
        assert!(decode_json::<crate::User>(b"{\"id\":\"1\"} trailing").is_err());
        assert!(decode_json::<crate::User>(b"").is_err());
    }
}
