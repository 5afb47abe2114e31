//! Money and rates.
//!
//! Amounts are integer fen (`Fen`, 1/100 CNY) everywhere inside: in storage, in the ledger and
//! in arithmetic. At the API they are decimal strings with at most two places (`"12.30"`).
//! Rates (supplier discount, recycle rate) are decimal strings with at most four places and
//! are held as integer basis points (`Rate`, 1/10000). The one place where a rate meets an
//! amount is [`Fen::apply_rate`], which rounds half-up to the fen once and reports the
//! remainder so that callers can post or record it.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::str::FromStr;

/// The two assets of the ledger, both denominated in CNY.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Asset {
    /// Money.
    Cash,
    /// Airtime face value.
    Credit,
}

impl Asset {
    pub fn as_str(self) -> &'static str {
        match self {
            Asset::Cash => "CASH",
            Asset::Credit => "CREDIT",
        }
    }

    pub fn parse(s: &str) -> Option<Asset> {
        match s {
            "CASH" => Some(Asset::Cash),
            "CREDIT" => Some(Asset::Credit),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("amount must be a plain decimal number such as 12.30")]
    Format,
    #[error("amount has more than two decimal places")]
    TooPrecise,
    #[error("amount must not be negative")]
    Negative,
    #[error("amount must be greater than zero")]
    Zero,
    #[error("amount exceeds the maximum of {max}")]
    TooLarge { max: Fen },
    #[error("rate must be a decimal between 0 and 1 with at most four places, such as 0.9600")]
    RateFormat,
    #[error("amount arithmetic overflowed")]
    Overflow,
}

/// An amount of CNY in fen. Signed, because ledger postings and external accounts are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Fen(i64);

/// The longest amount string we look at; anything longer is rejected before parsing.
const AMOUNT_TEXT_LEN_MAX: usize = 24;

impl Fen {
    pub const ZERO: Fen = Fen(0);

    pub const fn new(fen: i64) -> Self {
        Fen(fen)
    }

    pub const fn get(self) -> i64 {
        self.0
    }

    /// Parses a non-negative decimal string with at most two places ("0", "12.3", "12.30").
    /// Rejects signs, exponents, whitespace, `NaN`, thousands separators and excess precision.
    pub fn parse(text: &str) -> Result<Fen, MoneyError> {
        if text.len() > AMOUNT_TEXT_LEN_MAX {
            return Err(MoneyError::TooLarge { max: Fen(i64::MAX) });
        }
        if text.starts_with('-') && text.len() > 1 && is_plain_decimal(&text[1..]) {
            return Err(MoneyError::Negative);
        }
        if !is_plain_decimal(text) {
            return Err(MoneyError::Format);
        }
        let decimal = Decimal::from_str_exact(text).map_err(|_| MoneyError::Format)?;
        let scaled = decimal.normalize();
        if scaled.scale() > 2 {
            return Err(MoneyError::TooPrecise);
        }
        let fen = decimal
            .checked_mul(Decimal::ONE_HUNDRED)
            .ok_or(MoneyError::Overflow)?
            .trunc();
        i64::try_from(fen.mantissa() / 10i128.pow(fen.scale()))
            .map(Fen)
            .map_err(|_| MoneyError::Overflow)
    }

    /// Parses an amount that must be strictly positive and at most `max`.
    pub fn parse_positive(text: &str, max: Fen) -> Result<Fen, MoneyError> {
        let fen = match Fen::parse(text) {
            Err(MoneyError::TooLarge { .. } | MoneyError::Overflow) => {
                return Err(MoneyError::TooLarge { max });
            }
            other => other?,
        };
        if fen.0 == 0 {
            return Err(MoneyError::Zero);
        }
        if fen > max {
            return Err(MoneyError::TooLarge { max });
        }
        Ok(fen)
    }

    pub fn checked_add(self, other: Fen) -> Option<Fen> {
        self.0.checked_add(other.0).map(Fen)
    }

    pub fn checked_sub(self, other: Fen) -> Option<Fen> {
        self.0.checked_sub(other.0).map(Fen)
    }

    pub fn checked_neg(self) -> Option<Fen> {
        self.0.checked_neg().map(Fen)
    }

    pub fn is_positive(self) -> bool {
        self.0 > 0
    }

    pub fn abs(self) -> Fen {
        Fen(self.0.saturating_abs())
    }

    /// `self * rate`, rounded half-up (away from zero on .5) to the fen. This is the single
    /// rounding point of the system. Returns the rounded amount and the remainder that the
    /// rounding removed, in 1/10000 fen (`exact = rounded * 10000 + remainder`), so callers can
    /// record it rather than lose it.
    pub fn apply_rate(self, rate: Rate) -> (Fen, i64) {
        let exact = i128::from(self.0) * i128::from(rate.bps());
        let rounded = if exact >= 0 { (exact + 5_000) / 10_000 } else { (exact - 5_000) / 10_000 };
        let remainder = exact - rounded * 10_000;
        // Both fit: |rate| <= 1, so |rounded| <= |self| and |remainder| < 10_000.
        (Fen(rounded as i64), remainder as i64)
    }

    /// The amount as a decimal string with exactly two places, e.g. "-12.30".
    pub fn to_decimal_string(self) -> String {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        format!("{sign}{}.{:02}", abs / 100, abs % 100)
    }
}

impl std::fmt::Display for Fen {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.to_decimal_string())
    }
}

impl std::iter::Sum for Fen {
    fn sum<I: Iterator<Item = Fen>>(iter: I) -> Fen {
        Fen(iter.map(|f| f.0).sum())
    }
}

/// `digits` or `digits.digits`: nothing else is an amount.
fn is_plain_decimal(text: &str) -> bool {
    let (int, frac) = match text.split_once('.') {
        Some((int, frac)) => (int, Some(frac)),
        None => (text, None),
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    digits(int) && frac.is_none_or(digits)
}

/// A rate between 0 and 1 in basis points (1/10000): "0.9600" is 9600.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Rate(u32);

impl Rate {
    pub const ONE: Rate = Rate(10_000);
    pub const ZERO: Rate = Rate(0);

    /// From basis points; `None` above 1.0000.
    pub fn from_bps(bps: u32) -> Option<Rate> {
        (bps <= 10_000).then_some(Rate(bps))
    }

    pub fn bps(self) -> u32 {
        self.0
    }

    pub fn parse(text: &str) -> Result<Rate, MoneyError> {
        if text.len() > AMOUNT_TEXT_LEN_MAX || !is_plain_decimal(text) {
            return Err(MoneyError::RateFormat);
        }
        let decimal = Decimal::from_str(text).map_err(|_| MoneyError::RateFormat)?;
        if decimal.normalize().scale() > 4 || decimal > Decimal::ONE {
            return Err(MoneyError::RateFormat);
        }
        let bps = (decimal * Decimal::from(10_000)).trunc();
        u32::try_from(bps.mantissa() / 10i128.pow(bps.scale()))
            .ok()
            .and_then(Rate::from_bps)
            .ok_or(MoneyError::RateFormat)
    }

    /// The rate as a decimal string with four places, e.g. "0.9600".
    pub fn to_decimal_string(self) -> String {
        format!("{}.{:04}", self.0 / 10_000, self.0 % 10_000)
    }
}

impl std::fmt::Display for Rate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.to_decimal_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const MAX: Fen = Fen::new(100_000_000_00);

    #[test]
    fn parses_plain_amounts() {
        assert_eq!(Fen::parse("12.30"), Ok(Fen(1230)));
        assert_eq!(Fen::parse("12.3"), Ok(Fen(1230)));
        assert_eq!(Fen::parse("12"), Ok(Fen(1200)));
        assert_eq!(Fen::parse("0.01"), Ok(Fen(1)));
        assert_eq!(Fen::parse("1.10"), Ok(Fen(110)));
        assert_eq!(Fen::parse("1.000"), Ok(Fen(100)));
    }

    #[test]
    fn rejects_everything_else() {
        for bad in ["1e3", "NaN", "inf", "", ".5", "5.", "+5", " 5", "5 ", "1,000", "0x10", "1.2.3", "１２"] {
            assert_eq!(Fen::parse(bad), Err(MoneyError::Format), "{bad}");
        }
        assert_eq!(Fen::parse("1.001"), Err(MoneyError::TooPrecise));
        assert_eq!(Fen::parse("-5"), Err(MoneyError::Negative));
        assert_eq!(Fen::parse_positive("0.00", MAX), Err(MoneyError::Zero));
        assert_eq!(Fen::parse_positive("100000000.01", MAX), Err(MoneyError::TooLarge { max: MAX }));
        assert_eq!(
            Fen::parse_positive("99999999999999999999999", MAX),
            Err(MoneyError::TooLarge { max: MAX })
        );
        assert!(Fen::parse("92233720368547758.08").is_err());
    }

    #[test]
    fn formats_with_two_places() {
        assert_eq!(Fen(1230).to_string(), "12.30");
        assert_eq!(Fen(-5).to_string(), "-0.05");
        assert_eq!(Fen(0).to_string(), "0.00");
        assert_eq!(Fen(i64::MIN).to_string(), "-92233720368547758.08");
    }

    #[test]
    fn applies_rates_half_up_and_keeps_the_remainder() {
        let rate = Rate::parse("0.9650").unwrap_or(Rate::ONE);
        assert_eq!(rate.bps(), 9650);
        // 1 fen * 0.965 = 0.965 fen -> 1 fen; the rounding added 0.035 fen = 350/10000.
        assert_eq!(Fen(1).apply_rate(rate), (Fen(1), -350));
        // 10.00 * 0.965 = 9.65 exactly
        assert_eq!(Fen(1000).apply_rate(rate), (Fen(965), 0));
        // 0.03 * 0.5 = 0.015 -> 0.02 (half-up)
        assert_eq!(Fen(3).apply_rate(Rate(5000)), (Fen(2), -5000));
        assert_eq!(Fen(-3).apply_rate(Rate(5000)), (Fen(-2), 5000));
    }

    #[test]
    fn parses_rates() {
        assert_eq!(Rate::parse("0.96").map(Rate::bps), Ok(9600));
        assert_eq!(Rate::parse("1").map(Rate::bps), Ok(10_000));
        assert_eq!(Rate::parse("0.00001"), Err(MoneyError::RateFormat));
        assert_eq!(Rate::parse("1.0001"), Err(MoneyError::RateFormat));
        assert_eq!(Rate::parse("-0.5"), Err(MoneyError::RateFormat));
        assert_eq!(Rate(9600).to_string(), "0.9600");
    }

    proptest! {
        #[test]
        fn parse_never_panics(s in "\\PC{0,30}") {
            let _ = Fen::parse(&s);
            let _ = Rate::parse(&s);
        }

        #[test]
        fn display_round_trips(fen in 0i64..=i64::MAX) {
            prop_assert_eq!(Fen::parse(&Fen(fen).to_string()), Ok(Fen(fen)));
        }

        #[test]
        fn rounding_loses_nothing(fen in -1_000_000_000i64..1_000_000_000, bps in 0u32..=10_000) {
            let (rounded, remainder) = Fen(fen).apply_rate(Rate(bps));
            prop_assert_eq!(i128::from(rounded.get()) * 10_000 + i128::from(remainder),
                i128::from(fen) * i128::from(bps));
            prop_assert!(remainder.abs() <= 5_000);
        }
    }
}
