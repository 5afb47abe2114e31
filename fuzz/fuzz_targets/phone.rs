//! Phone numbers: `PhoneNumber::parse` and the operator lookup.
//!
//! Checked for every input: no panic; an accepted number is 11 ASCII digits starting with
//! `1`, and normalisation is idempotent (`parse(display(parse(x))) == parse(x)`, also through
//! serde and with a country code written in front); a refused segment names a 3- or 5-digit
//! prefix of the number; and the lookup is total: every 11-digit number that starts with `1`
//! (built from the raw bytes) is either accepted with an operator or refused as
//! `UnknownPrefix`, never as a format error.
#![no_main]

use creditloop_domain::phone::{Operator, PhoneError, PhoneNumber};
use libfuzzer_sys::fuzz_target;

fn check_accepted(input: &str, phone: &PhoneNumber) {
    let digits = phone.as_str();
    assert_eq!(digits.len(), 11, "{input:?} -> {digits}");
    assert!(
        digits.starts_with('1') && digits.bytes().all(|b| b.is_ascii_digit()),
        "{input:?} -> {digits}"
    );
    assert_eq!(phone.to_string(), digits);
    // Idempotent: the normal form, and the other ways of writing it, give the same number.
    for again in [
        digits.to_owned(),
        format!("+86 {digits}"),
        format!("0086-{digits}"),
        format!(" 86{digits} "),
    ] {
        assert_eq!(
            PhoneNumber::parse(&again).as_ref(),
            Ok(phone),
            "{input:?}: {again:?}"
        );
    }
    let json = serde_json::to_string(phone).unwrap_or_default();
    assert_eq!(
        serde_json::from_str::<PhoneNumber>(&json).ok().as_ref(),
        Some(phone),
        "{json}"
    );
    // The operator is one of the four and its code round-trips.
    let operator = phone.operator();
    assert!(Operator::ALL.contains(&operator));
    assert_eq!(operator.as_str().parse::<Operator>(), Ok(operator));
    let masked = phone.masked();
    assert_eq!(masked, format!("{}****{}", &digits[..3], &digits[7..]));
}

fn check(input: &str) {
    match PhoneNumber::parse(input) {
        Ok(phone) => check_accepted(input, &phone),
        Err(PhoneError::UnknownPrefix { prefix }) => {
            assert!(
                (prefix.len() == 3 || prefix.len() == 5)
                    && prefix.starts_with('1')
                    && prefix.bytes().all(|b| b.is_ascii_digit()),
                "{input:?} -> prefix {prefix:?}"
            );
        }
        Err(PhoneError::Format) => {}
        Err(other) => panic!("{input:?} -> unexpected {other:?}"),
    }
    if let Err(PhoneError::UnknownOperator { name }) = input.parse::<Operator>() {
        assert!(name.chars().count() <= 32);
    }
}

/// An 11-digit number starting with `1` made from the bytes: known segment or not, it is
/// never a format error.
fn check_lookup_is_total(data: &[u8]) {
    let mut number = String::from("1");
    number.extend(data.iter().take(10).map(|b| char::from(b'0' + b % 10)));
    while number.len() < 11 {
        number.push('0');
    }
    match PhoneNumber::parse(&number) {
        Ok(phone) => {
            assert_eq!(phone.as_str(), number);
            check_accepted(&number, &phone);
        }
        Err(PhoneError::UnknownPrefix { prefix }) => {
            assert!(number.starts_with(&prefix), "{number} -> {prefix}")
        }
        Err(other) => panic!("{number} -> {other:?}"),
    }
}

fuzz_target!(|data: &[u8]| {
    check_lookup_is_total(data);
    if let Ok(input) = std::str::from_utf8(data) {
        check(input);
    }
});
