//! Mainland China mobile numbers and the operator that holds their number segment (号段).
//!
//! A top-up sends credit to a phone number, so the number is parsed once at the edge into a
//! [`PhoneNumber`]: eleven digits, starting with `1`, in a segment that the MIIT allocated to
//! a mobile operator for numbers that carry a prepaid balance. Everything deeper (the ledger
//! memo, the carrier order, the masked number in an email) takes a `PhoneNumber` and never
//! re-checks a raw string.
//!
//! The operator comes from the number segment, i.e. from who the segment was *allocated* to.
//! Since nationwide number portability (携号转网, 2019) a subscriber may have moved to another
//! operator while keeping the number; the carrier gateway therefore carries the operator as a
//! separate field of an order, so that a looked-up operator can replace the guessed one.
//!
//! Segments that exist but are not subscriber numbers one can top up are rejected on purpose:
//! IoT segments (140x, 141x, 144x, 146, 148) hold 13-digit machine numbers, and 17406–17412 is
//! the MIIT's emergency-communications block. They fail with [`PhoneError::UnknownPrefix`],
//! like unallocated segments, because to a person entering a number the advice is the same:
//! this is not a mobile number that can receive credit.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// Inputs longer than this are rejected before they are scanned. The longest accepted form,
/// `0086-138-1234-5678` with generous spacing, is well under it.
const INPUT_BYTES_MAX: usize = 40;

/// The length of a mainland China mobile number without country code.
const NATIONAL_DIGITS: usize = 11;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PhoneError {
    #[error(
        "not a mainland China mobile number: expected 11 digits starting with 1, \
         optionally preceded by +86, 0086 or 86, with only spaces or dashes in between"
    )]
    Format,
    #[error("number segment {prefix} is not a mobile number segment that can be topped up")]
    UnknownPrefix { prefix: String },
    #[error(
        "unknown operator {name}; expected CHINA_MOBILE, CHINA_UNICOM, CHINA_TELECOM or CHINA_BROADNET"
    )]
    UnknownOperator { name: String },
}

/// The four mobile network operators of mainland China.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Operator {
    ChinaMobile,
    ChinaUnicom,
    ChinaTelecom,
    ChinaBroadnet,
}

impl Operator {
    pub const ALL: [Operator; 4] = [
        Operator::ChinaMobile,
        Operator::ChinaUnicom,
        Operator::ChinaTelecom,
        Operator::ChinaBroadnet,
    ];

    /// The stable code used in storage, GraphQL and carrier orders.
    pub fn as_str(self) -> &'static str {
        match self {
            Operator::ChinaMobile => "CHINA_MOBILE",
            Operator::ChinaUnicom => "CHINA_UNICOM",
            Operator::ChinaTelecom => "CHINA_TELECOM",
            Operator::ChinaBroadnet => "CHINA_BROADNET",
        }
    }

    pub fn display_name_zh(self) -> &'static str {
        match self {
            Operator::ChinaMobile => "中国移动",
            Operator::ChinaUnicom => "中国联通",
            Operator::ChinaTelecom => "中国电信",
            Operator::ChinaBroadnet => "中国广电",
        }
    }

    pub fn display_name_en(self) -> &'static str {
        match self {
            Operator::ChinaMobile => "China Mobile",
            Operator::ChinaUnicom => "China Unicom",
            Operator::ChinaTelecom => "China Telecom",
            Operator::ChinaBroadnet => "China Broadnet",
        }
    }
}

impl fmt::Display for Operator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Operator {
    type Err = PhoneError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Operator::ALL
            .into_iter()
            .find(|operator| operator.as_str() == s)
            .ok_or_else(|| PhoneError::UnknownOperator {
                // The input is echoed in the message, so it is cut to a readable length.
                name: s.chars().take(32).collect(),
            })
    }
}

/// What a number segment is used for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Allocation {
    /// Subscriber numbers of this operator (including its MVNO and data-card segments), which
    /// carry a prepaid balance and can be topped up.
    Subscriber(Operator),
    /// Allocated, but not to numbers that can be topped up (IoT, emergency communications).
    /// Listed so that the table documents them; they are rejected like unallocated segments.
    NotToppable,
}

use Allocation::{NotToppable, Subscriber};
use Operator::{ChinaBroadnet as BN, ChinaMobile as CM, ChinaTelecom as CT, ChinaUnicom as CU};

/// Mobile number segments (号段) per the MIIT number-segment allocation (工业和信息化部
/// 电信网码号资源分配), as in force in 2024, including the 2019 allocations of 16x/19x and the
/// Broadnet segment 192.
///
/// A prefix is 3, 4 or 5 digits; the longest matching prefix wins. A 3-digit segment that is
/// split between holders (134, 170, 174) is listed only by its parts, so that a number in an
/// unlisted part (e.g. 17406…) finds no entry and is rejected. Segments not listed (10x–12x,
/// 142, 143, 154, 160, 161, 163, 164, 168, 169, 179, 194, …) are unallocated for mobile use.
const SEGMENTS: &[(&str, Allocation)] = &[
    // 13x: the original GSM/CDMA segments.
    ("130", Subscriber(CU)),
    ("131", Subscriber(CU)),
    ("132", Subscriber(CU)),
    ("133", Subscriber(CT)),
    ("1340", Subscriber(CM)),
    ("1341", Subscriber(CM)),
    ("1342", Subscriber(CM)),
    ("1343", Subscriber(CM)),
    ("1344", Subscriber(CM)),
    ("1345", Subscriber(CM)),
    ("1346", Subscriber(CM)),
    ("1347", Subscriber(CM)),
    ("1348", Subscriber(CM)),
    // 1349 was China Satcom's satellite segment; it now serves China Telecom's Tiantong
    // satellite phones, which are billed and topped up like Telecom numbers.
    ("1349", Subscriber(CT)),
    ("135", Subscriber(CM)),
    ("136", Subscriber(CM)),
    ("137", Subscriber(CM)),
    ("138", Subscriber(CM)),
    ("139", Subscriber(CM)),
    // 14x: 145/147/149 are data-card segments (also opened to voice) with a balance; the
    // others hold 13-digit IoT numbers (1400 Unicom, 1410 Telecom, 1440 and 148 Mobile,
    // 146 Unicom).
    ("140", NotToppable),
    ("141", NotToppable),
    ("144", NotToppable),
    ("145", Subscriber(CU)),
    ("146", NotToppable),
    ("147", Subscriber(CM)),
    ("148", NotToppable),
    ("149", Subscriber(CT)),
    // 15x.
    ("150", Subscriber(CM)),
    ("151", Subscriber(CM)),
    ("152", Subscriber(CM)),
    ("153", Subscriber(CT)),
    ("155", Subscriber(CU)),
    ("156", Subscriber(CU)),
    ("157", Subscriber(CM)),
    ("158", Subscriber(CM)),
    ("159", Subscriber(CM)),
    // 16x: 162, 165 and 167 are virtual-operator (MVNO) segments hosted by the operator named.
    ("162", Subscriber(CT)),
    ("165", Subscriber(CM)),
    ("166", Subscriber(CU)),
    ("167", Subscriber(CU)),
    // 170x and 171 are MVNO segments, split by host network.
    ("1700", Subscriber(CT)),
    ("1701", Subscriber(CT)),
    ("1702", Subscriber(CT)),
    ("1703", Subscriber(CM)),
    ("1704", Subscriber(CU)),
    ("1705", Subscriber(CM)),
    ("1706", Subscriber(CM)),
    ("1707", Subscriber(CU)),
    ("1708", Subscriber(CU)),
    ("1709", Subscriber(CU)),
    ("171", Subscriber(CU)),
    ("172", Subscriber(CM)),
    ("173", Subscriber(CT)),
    // 174: 17400–17405 are China Telecom's satellite numbers; 17406–17412 are the MIIT's
    // emergency-communications block; the rest of 174 is unallocated.
    ("17400", Subscriber(CT)),
    ("17401", Subscriber(CT)),
    ("17402", Subscriber(CT)),
    ("17403", Subscriber(CT)),
    ("17404", Subscriber(CT)),
    ("17405", Subscriber(CT)),
    ("17406", NotToppable),
    ("17407", NotToppable),
    ("17408", NotToppable),
    ("17409", NotToppable),
    ("17410", NotToppable),
    ("17411", NotToppable),
    ("17412", NotToppable),
    ("175", Subscriber(CU)),
    ("176", Subscriber(CU)),
    ("177", Subscriber(CT)),
    ("178", Subscriber(CM)),
    // 18x.
    ("180", Subscriber(CT)),
    ("181", Subscriber(CT)),
    ("182", Subscriber(CM)),
    ("183", Subscriber(CM)),
    ("184", Subscriber(CM)),
    ("185", Subscriber(CU)),
    ("186", Subscriber(CU)),
    ("187", Subscriber(CM)),
    ("188", Subscriber(CM)),
    ("189", Subscriber(CT)),
    // 19x: 192 is China Broadnet (中国广电), the fourth operator since 2019.
    ("190", Subscriber(CT)),
    ("191", Subscriber(CT)),
    ("192", Subscriber(BN)),
    ("193", Subscriber(CT)),
    ("195", Subscriber(CM)),
    ("196", Subscriber(CU)),
    ("197", Subscriber(CM)),
    ("198", Subscriber(CM)),
    ("199", Subscriber(CT)),
];

/// The longest prefix that the table distinguishes.
const PREFIX_DIGITS_MAX: usize = 5;

/// Finds the allocation of an 11-digit national number by longest prefix.
fn allocation_of(national: &str) -> Option<Allocation> {
    (3..=PREFIX_DIGITS_MAX).rev().find_map(|len| {
        let prefix = national.get(..len)?;
        SEGMENTS
            .iter()
            .find(|(segment, _)| *segment == prefix)
            .map(|(_, allocation)| *allocation)
    })
}

/// The prefix named in an [`PhoneError::UnknownPrefix`]: the 3-digit segment, or the 5 digits
/// that matter when that segment is split between holders.
fn reported_prefix(national: &str) -> String {
    let three = national.get(..3).unwrap_or(national);
    let split = SEGMENTS
        .iter()
        .any(|(segment, _)| segment.len() > 3 && segment.starts_with(three));
    let len = if split { PREFIX_DIGITS_MAX } else { 3 };
    national.get(..len).unwrap_or(national).to_string()
}

/// Strips spaces, dashes and the country code, leaving the national digits. It does not
/// check the length or the segment.
fn national_digits(input: &str) -> Result<String, PhoneError> {
    let trimmed = input.trim();
    if trimmed.len() > INPUT_BYTES_MAX {
        return Err(PhoneError::Format);
    }
    let (has_plus, body) = match trimmed.strip_prefix('+') {
        Some(rest) => (true, rest),
        None => (false, trimmed),
    };
    let mut digits = String::with_capacity(INPUT_BYTES_MAX);
    for c in body.chars() {
        match c {
            '0'..='9' => digits.push(c),
            ' ' | '-' => {}
            _ => return Err(PhoneError::Format),
        }
    }
    let national = if has_plus {
        // After a plus only the country code 86 is acceptable: other countries are not
        // mainland China, and "+0086" is not a way anyone writes a number.
        digits.strip_prefix("86").ok_or(PhoneError::Format)?
    } else if digits.len() == NATIONAL_DIGITS + 4 && digits.starts_with("0086") {
        &digits[4..]
    } else if digits.len() == NATIONAL_DIGITS + 2 && digits.starts_with("86") {
        &digits[2..]
    } else {
        &digits
    };
    Ok(national.to_string())
}

/// A mainland China mobile number that can be topped up, normalised to 11 digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PhoneNumber {
    /// Exactly 11 ASCII digits, starting with `1`.
    number: String,
    /// Derived from `number` by the segment table when parsed; kept so that asking for it
    /// cannot fail.
    operator: Operator,
}

impl PhoneNumber {
    /// Parses `13812345678`, `+86 138 1234 5678`, `+8613812345678`, `0086-138-1234-5678`,
    /// `86 13812345678` and the like. Anything other than digits, spaces, dashes and one
    /// leading `+` is rejected, as is a number in a segment that cannot be topped up.
    pub fn parse(input: &str) -> Result<PhoneNumber, PhoneError> {
        let national = national_digits(input)?;
        if national.len() != NATIONAL_DIGITS || !national.starts_with('1') {
            return Err(PhoneError::Format);
        }
        match allocation_of(&national) {
            Some(Allocation::Subscriber(operator)) => Ok(PhoneNumber {
                number: national,
                operator,
            }),
            Some(Allocation::NotToppable) | None => Err(PhoneError::UnknownPrefix {
                prefix: reported_prefix(&national),
            }),
        }
    }

    /// The 11 digits, e.g. `13812345678`.
    pub fn as_str(&self) -> &str {
        &self.number
    }

    /// The number with its middle four digits hidden, e.g. `138****5678`, for emails, logs
    /// and lists where the full number is not needed.
    pub fn masked(&self) -> String {
        let head = self.number.get(..3).unwrap_or_default();
        let tail = self.number.get(7..).unwrap_or_default();
        format!("{head}****{tail}")
    }

    /// The operator the number's segment is allocated to (see the module docs on
    /// number portability).
    pub fn operator(&self) -> Operator {
        self.operator
    }
}

impl fmt::Display for PhoneNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.number)
    }
}

impl FromStr for PhoneNumber {
    type Err = PhoneError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        PhoneNumber::parse(s)
    }
}

impl TryFrom<String> for PhoneNumber {
    type Error = PhoneError;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        PhoneNumber::parse(&value)
    }
}

impl From<PhoneNumber> for String {
    fn from(value: PhoneNumber) -> Self {
        value.number
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn operator_of(input: &str) -> Operator {
        PhoneNumber::parse(input).unwrap().operator()
    }

    fn unknown_prefix(input: &str) -> String {
        match PhoneNumber::parse(input) {
            Err(PhoneError::UnknownPrefix { prefix }) => prefix,
            other => panic!("expected UnknownPrefix for {input}, got {other:?}"),
        }
    }

    #[test]
    fn accepts_the_common_ways_of_writing_a_number() {
        for input in [
            "13812345678",
            "+86 138 1234 5678",
            "+8613812345678",
            "0086-138-1234-5678",
            "86 13812345678",
            "8613812345678",
            "008613812345678",
            "138-1234-5678",
            "  138 1234 5678  ",
            "+86-138-1234-5678",
            "+ 86 13812345678",
        ] {
            let phone = PhoneNumber::parse(input).unwrap();
            assert_eq!(phone.as_str(), "13812345678", "input {input:?}");
        }
    }

    #[test]
    fn rejects_malformed_input_as_format() {
        for input in [
            "",
            "   ",
            "+",
            "1381234567",
            "138123456789",
            "1381234567a",
            "１３８１２３４５６７８",
            "138.1234.5678",
            "(138) 1234 5678",
            "+1 13812345678",
            "+0086 13812345678",
            "+86 0138 1234 5678",
            "0138 1234 5678",
            "23812345678",
            "86 23812345678",
            "8813812345678",
            "++8613812345678",
            "13812345678+",
            "138\t1234\t5678",
            "0000000000000000000000000000000000000000000000000",
        ] {
            assert_eq!(
                PhoneNumber::parse(input),
                Err(PhoneError::Format),
                "input {input:?}"
            );
        }
    }

    #[test]
    fn detects_the_operator_from_the_segment() {
        let cases = [
            ("13012345678", CU),
            ("13312345678", CT),
            ("13412345678", CM),
            ("13482345678", CM),
            ("13492345678", CT),
            ("13912345678", CM),
            ("14512345678", CU),
            ("14712345678", CM),
            ("14912345678", CT),
            ("15312345678", CT),
            ("15512345678", CU),
            ("15712345678", CM),
            ("16212345678", CT),
            ("16512345678", CM),
            ("16612345678", CU),
            ("16712345678", CU),
            ("17002345678", CT),
            ("17012345678", CT),
            ("17022345678", CT),
            ("17032345678", CM),
            ("17042345678", CU),
            ("17052345678", CM),
            ("17062345678", CM),
            ("17072345678", CU),
            ("17082345678", CU),
            ("17092345678", CU),
            ("17112345678", CU),
            ("17212345678", CM),
            ("17312345678", CT),
            ("17400345678", CT),
            ("17405345678", CT),
            ("17512345678", CU),
            ("17612345678", CU),
            ("17712345678", CT),
            ("17812345678", CM),
            ("18012345678", CT),
            ("18112345678", CT),
            ("18412345678", CM),
            ("18512345678", CU),
            ("18612345678", CU),
            ("18812345678", CM),
            ("18912345678", CT),
            ("19012345678", CT),
            ("19112345678", CT),
            ("19212345678", BN),
            ("19312345678", CT),
            ("19512345678", CM),
            ("19612345678", CU),
            ("19712345678", CM),
            ("19812345678", CM),
            ("19912345678", CT),
        ];
        for (input, expected) in cases {
            assert_eq!(operator_of(input), expected, "input {input}");
        }
    }

    #[test]
    fn rejects_unallocated_iot_and_emergency_segments() {
        assert_eq!(unknown_prefix("12012345678"), "120");
        assert_eq!(unknown_prefix("10012345678"), "100");
        assert_eq!(unknown_prefix("11012345678"), "110");
        for iot in ["140", "141", "142", "143", "144", "146", "148"] {
            assert_eq!(unknown_prefix(&format!("{iot}12345678")), iot);
        }
        assert_eq!(unknown_prefix("15412345678"), "154");
        assert_eq!(unknown_prefix("16012345678"), "160");
        assert_eq!(unknown_prefix("16812345678"), "168");
        assert_eq!(unknown_prefix("17912345678"), "179");
        assert_eq!(unknown_prefix("19412345678"), "194");
        assert_eq!(unknown_prefix("17406345678"), "17406");
        assert_eq!(unknown_prefix("17412345678"), "17412");
        assert_eq!(unknown_prefix("17492345678"), "17492");
        assert_eq!(unknown_prefix("+86 120 1234 5678"), "120");
    }

    #[test]
    fn segment_table_is_unambiguous() {
        for (i, (segment, _)) in SEGMENTS.iter().enumerate() {
            assert!(
                (3..=PREFIX_DIGITS_MAX).contains(&segment.len())
                    && segment.starts_with('1')
                    && segment.bytes().all(|b| b.is_ascii_digit()),
                "bad segment {segment}"
            );
            for (other, _) in SEGMENTS.iter().skip(i + 1) {
                assert_ne!(segment, other, "segment listed twice");
                // A split segment is listed by its parts only, never also as a whole.
                assert!(
                    !other.starts_with(segment) && !segment.starts_with(other),
                    "{segment} overlaps {other}"
                );
            }
        }
    }

    #[test]
    fn every_operator_has_a_segment() {
        for operator in Operator::ALL {
            assert!(
                SEGMENTS
                    .iter()
                    .any(|(_, allocation)| *allocation == Subscriber(operator))
            );
        }
    }

    #[test]
    fn masks_the_middle_digits() {
        let phone = PhoneNumber::parse("+86 138 1234 5678").unwrap();
        assert_eq!(phone.masked(), "138****5678");
        assert_eq!(phone.to_string(), "13812345678");
    }

    #[test]
    fn operator_codes_and_names_round_trip() {
        for operator in Operator::ALL {
            assert_eq!(operator.as_str().parse::<Operator>(), Ok(operator));
            assert_eq!(operator.to_string(), operator.as_str());
            assert!(!operator.display_name_zh().is_empty());
            assert!(!operator.display_name_en().is_empty());
        }
        assert_eq!(Operator::ChinaMobile.display_name_zh(), "中国移动");
        assert_eq!(Operator::ChinaUnicom.display_name_zh(), "中国联通");
        assert_eq!(Operator::ChinaTelecom.display_name_zh(), "中国电信");
        assert_eq!(Operator::ChinaBroadnet.display_name_zh(), "中国广电");
        assert!(matches!(
            "china_mobile".parse::<Operator>(),
            Err(PhoneError::UnknownOperator { .. })
        ));
    }

    /// A valid national number: a listed subscriber segment padded with arbitrary digits.
    fn valid_national() -> impl Strategy<Value = String> {
        let segments: Vec<&'static str> = SEGMENTS
            .iter()
            .filter(|(_, allocation)| matches!(allocation, Subscriber(_)))
            .map(|(segment, _)| *segment)
            .collect();
        (proptest::sample::select(segments), "[0-9]{8}").prop_map(|(segment, rest)| {
            let mut number = segment.to_string();
            number.push_str(&rest[..NATIONAL_DIGITS - segment.len()]);
            number
        })
    }

    /// Writes a national number the way people do: with a country code, spaces and dashes.
    fn written(national: &str, country: usize, separators: &[u8]) -> String {
        let prefix = ["", "+86", "+86 ", "86", "86 ", "0086", "0086-"][country % 7];
        let mut out = prefix.to_string();
        for (i, c) in national.chars().enumerate() {
            out.push(c);
            match separators.get(i).copied().unwrap_or(0) % 4 {
                1 => out.push(' '),
                2 => out.push('-'),
                _ => {}
            }
        }
        out
    }

    proptest! {
        #[test]
        fn parse_never_panics(input in any::<String>()) {
            let _ = PhoneNumber::parse(&input);
        }

        #[test]
        fn parse_never_panics_on_phone_like_input(input in "[+0-9 \\-]{0,24}") {
            if let Ok(phone) = PhoneNumber::parse(&input) {
                prop_assert_eq!(phone.as_str().len(), NATIONAL_DIGITS);
            }
        }

        #[test]
        fn normalisation_round_trips(
            national in valid_national(),
            country in 0usize..7,
            separators in proptest::collection::vec(any::<u8>(), NATIONAL_DIGITS),
        ) {
            let input = written(&national, country, &separators);
            let phone = PhoneNumber::parse(&input).unwrap();
            prop_assert_eq!(phone.as_str(), national.as_str());
            let again = PhoneNumber::parse(phone.as_str()).unwrap();
            prop_assert_eq!(&again, &phone);
            prop_assert_eq!(PhoneNumber::parse(&phone.to_string()).unwrap(), phone);
        }
    }
}
