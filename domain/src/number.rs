//! Integers as JSON Schema reads them: `2` and `2.0` are the same integer,
//! so a client (or a generator) that writes `2.0` is not refused.

use serde::{Deserialize, Deserializer, de::Error};

/// Deserializes an integer written as a JSON integer or as a number with
/// no fractional part; anything else (2.5, out of range) is an error.
pub fn integer<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: TryFrom<i64>,
{
    let number = serde_json_number(deserializer)?;
    let whole = number.ok_or_else(|| D::Error::custom("expected an integer"))?;
    T::try_from(whole).map_err(|_| D::Error::custom("integer out of range"))
}

/// Like `integer`, for an optional field (`null` or absent is `None`).
pub fn optional_integer<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: TryFrom<i64>,
{
    #[derive(Deserialize)]
    struct Wrapped(#[serde(deserialize_with = "integer")] i64);
    match Option::<Wrapped>::deserialize(deserializer)? {
        None => Ok(None),
        Some(Wrapped(n)) => T::try_from(n)
            .map(Some)
            .map_err(|_| D::Error::custom("integer out of range")),
    }
}

/// Reads a number; `Some` when it is whole and fits an i64.
fn serde_json_number<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<i64>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Number {
        Int(i64),
        Float(f64),
    }
    Ok(match Number::deserialize(deserializer)? {
        Number::Int(n) => Some(n),
        Number::Float(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => Some(f as i64),
        Number::Float(_) => None,
    })
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    struct Heading {
        #[serde(deserialize_with = "super::integer")]
        level: u8,
        #[serde(default, deserialize_with = "super::optional_integer")]
        rank: Option<i32>,
    }

    fn parse(json: &str) -> Result<Heading, serde_json::Error> {
        serde_json::from_str(json)
    }

    #[test]
    fn whole_numbers_are_integers_however_written() {
        assert_eq!(parse(r#"{"level": 2}"#).unwrap().level, 2);
        assert_eq!(parse(r#"{"level": 3.0}"#).unwrap().level, 3);
        assert_eq!(
            parse(r#"{"level": 2, "rank": -152.0}"#).unwrap().rank,
            Some(-152)
        );
        assert_eq!(parse(r#"{"level": 2, "rank": null}"#).unwrap().rank, None);
        assert_eq!(parse(r#"{"level": 2}"#).unwrap().rank, None);
    }

    #[test]
    fn fractions_strings_and_overflow_are_refused() {
        assert!(parse(r#"{"level": 2.5}"#).is_err());
        assert!(parse(r#"{"level": "2"}"#).is_err());
        assert!(parse(r#"{"level": 300}"#).is_err());
        assert!(parse(r#"{"level": 1e300}"#).is_err());
    }
}
