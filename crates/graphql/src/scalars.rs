//! `Money` and `Rate`: decimal strings on the wire, parsed strictly into `Fen` and `Rate`.

use async_graphql::{InputValueError, InputValueResult, Scalar, ScalarType, Value};
use creditloop_domain::{Fen, Rate as DomainRate};

/// An amount of CNY as a decimal string with at most two places, e.g. "12.30". Outputs may
/// be negative (postings, external accounts); inputs are checked by each operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Money(pub Fen);

#[Scalar(name = "Money")]
impl ScalarType for Money {
    fn parse(value: Value) -> InputValueResult<Self> {
        match value {
            Value::String(s) => Fen::parse(&s).map(Money).map_err(|e| InputValueError::custom(e.to_string())),
            _ => Err(InputValueError::custom("amounts are strings such as \"12.30\", never numbers")),
        }
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.to_decimal_string())
    }
}

/// A rate between 0 and 1 as a decimal string with at most four places, e.g. "0.9600".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rate(pub DomainRate);

#[Scalar(name = "Rate")]
impl ScalarType for Rate {
    fn parse(value: Value) -> InputValueResult<Self> {
        match value {
            Value::String(s) => DomainRate::parse(&s).map(Rate).map_err(|e| InputValueError::custom(e.to_string())),
            _ => Err(InputValueError::custom("rates are strings such as \"0.9600\"")),
        }
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.to_decimal_string())
    }
}
