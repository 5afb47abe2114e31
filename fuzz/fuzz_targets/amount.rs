//! Amounts and rates: `Fen::parse`, `Fen::parse_positive`, `Rate::parse`, formatting and
//! `Fen::apply_rate`.
//!
//! Checked for every input: no panic; the parsers agree with an independent reference
//! implementation of the accepted grammar (digits, optionally `.` and digits, at most 24
//! bytes) computed in `i128`, so a value past `i64::MAX` must be refused, never wrapped; what
//! is accepted formats and re-parses to the same value; `apply_rate` keeps
//! `exact = rounded * 10000 + remainder` with the remainder within half a fen.
#![no_main]

use creditloop_domain::{Fen, MoneyError, Rate};
use libfuzzer_sys::fuzz_target;

/// The longest text the parsers look at (`AMOUNT_TEXT_LEN_MAX` in money.rs).
const TEXT_MAX: usize = 24;
const AMOUNT_MAX: Fen = Fen::new(10_000_000_00);

/// The reference: `Some(value in units of 10^-places)` for a plain decimal with at most
/// `places` significant decimal places, `None` for anything else. `Err(())` means the
/// grammar is right but the precision is too high.
fn reference(text: &str, places: u32) -> Option<Result<i128, ()>> {
    let (int, frac) = match text.split_once('.') {
        Some((int, frac)) => (int, Some(frac)),
        None => (text, None),
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(int) || !frac.is_none_or(digits) {
        return None;
    }
    // At most 24 bytes: the integer part fits an i128 easily (< 10^24).
    let mut value: i128 = 0;
    for b in int.bytes() {
        value = value * 10 + i128::from(b - b'0');
    }
    let frac = frac.unwrap_or("").trim_end_matches('0');
    if frac.len() > places as usize {
        return Some(Err(()));
    }
    let mut fraction: i128 = 0;
    for i in 0..places as usize {
        let digit = frac.as_bytes().get(i).map_or(0, |b| i128::from(b - b'0'));
        fraction = fraction * 10 + digit;
    }
    Some(Ok(value * 10i128.pow(places) + fraction))
}

fn check_fen(text: &str) {
    let parsed = Fen::parse(text);
    if text.len() > TEXT_MAX {
        assert!(
            matches!(parsed, Err(MoneyError::TooLarge { .. })),
            "{text:?} -> {parsed:?}"
        );
    } else {
        match reference(text, 2) {
            None => assert!(
                matches!(parsed, Err(MoneyError::Format | MoneyError::Negative)),
                "{text:?} is not a plain decimal but parsed as {parsed:?}"
            ),
            Some(Err(())) => assert_eq!(parsed, Err(MoneyError::TooPrecise), "{text:?}"),
            Some(Ok(value)) if value > i128::from(i64::MAX) => {
                assert!(
                    parsed.is_err(),
                    "{text:?} is past i64::MAX but parsed as {parsed:?}"
                )
            }
            Some(Ok(value)) => assert_eq!(parsed, Ok(Fen::new(value as i64)), "{text:?}"),
        }
    }
    if let Some(rest) = text.strip_prefix('-') {
        if !rest.is_empty() && text.len() <= TEXT_MAX && reference(rest, 2).is_some() {
            assert_eq!(parsed, Err(MoneyError::Negative), "{text:?}");
        }
    }
    if let Ok(fen) = parsed {
        assert!(fen.get() >= 0);
        round_trip(fen);
    }
    match Fen::parse_positive(text, AMOUNT_MAX) {
        Ok(fen) => {
            assert!(
                fen.is_positive() && fen <= AMOUNT_MAX,
                "{text:?} -> {fen:?}"
            );
            assert_eq!(parsed, Ok(fen));
        }
        Err(MoneyError::Zero) => assert_eq!(parsed, Ok(Fen::ZERO)),
        Err(MoneyError::TooLarge { max }) => {
            assert_eq!(max, AMOUNT_MAX);
            assert!(
                parsed.is_err() || parsed.as_ref().is_ok_and(|f| *f > AMOUNT_MAX),
                "{text:?} -> {parsed:?}"
            );
        }
        Err(e) => assert_eq!(parsed, Err(e)),
    }
}

/// A non-negative amount formats with exactly two places and parses back to itself.
fn round_trip(fen: Fen) {
    let text = fen.to_decimal_string();
    assert_eq!(text, fen.to_string());
    let (int, frac) = text.split_once('.').unwrap_or((&text, ""));
    assert_eq!(frac.len(), 2, "{text}");
    assert!(!int.is_empty());
    if fen.get() >= 0 {
        assert_eq!(Fen::parse(&text), Ok(fen), "{fen:?} formatted as {text}");
    } else {
        assert_eq!(Fen::parse(&text), Err(MoneyError::Negative), "{text}");
    }
}

fn check_rate(text: &str) {
    let parsed = Rate::parse(text);
    let expected = if text.len() > TEXT_MAX {
        None
    } else {
        match reference(text, 4) {
            Some(Ok(bps)) if bps <= 10_000 => Some(bps as u32),
            _ => None,
        }
    };
    match expected {
        Some(bps) => assert_eq!(parsed.as_ref().map(|r| r.bps()), Ok(bps), "{text:?}"),
        None => assert_eq!(parsed, Err(MoneyError::RateFormat), "{text:?}"),
    }
    if let Ok(rate) = parsed {
        let formatted = rate.to_decimal_string();
        assert_eq!(Rate::parse(&formatted), Ok(rate), "{formatted}");
        assert_eq!(Rate::from_bps(rate.bps()), Some(rate));
    }
}

/// `apply_rate` on an arbitrary amount and rate taken from the raw bytes.
fn check_apply_rate(data: &[u8]) {
    let mut amount = [0u8; 8];
    let mut bps = [0u8; 2];
    for (i, b) in data.iter().take(10).enumerate() {
        if i < 8 {
            amount[i] = *b;
        } else {
            bps[i - 8] = *b;
        }
    }
    let fen = Fen::new(i64::from_le_bytes(amount));
    round_trip(fen);
    let Some(rate) = Rate::from_bps(u32::from(u16::from_le_bytes(bps)) % 10_001) else {
        unreachable!("a rate of at most 10000 bps is valid")
    };
    let (rounded, remainder) = fen.apply_rate(rate);
    let exact = i128::from(fen.get()) * i128::from(rate.bps());
    assert_eq!(
        i128::from(rounded.get()) * 10_000 + i128::from(remainder),
        exact,
        "{fen:?} * {rate:?}"
    );
    assert!(
        remainder.abs() <= 5_000,
        "{fen:?} * {rate:?} left {remainder}"
    );
    assert!(rounded.get().unsigned_abs() <= fen.get().unsigned_abs());
}

fuzz_target!(|data: &[u8]| {
    check_apply_rate(data);
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    check_fen(text);
    check_rate(text);
});
