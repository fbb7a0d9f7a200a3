//! CPU and memory amounts: exact integers in the model, Kubernetes quantity strings on the wire.
//! Every quantity form Kubernetes accepts is read exactly (`0.5`, `1`, `1.5Gi`, `500m`, `1e3`,
//! `1Ki`), and every computation on input is checked: an amount out of range is an error,
//! never a wrapped number.

use std::fmt;

/// Why a string is not a usable quantity.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum QuantityError {
    /// Not a Kubernetes quantity at all.
    Syntax(String),
    /// A quantity, but too large to be a real amount.
    OutOfRange(String),
    /// A CPU amount finer than a millicore, or a memory amount with a fraction of a byte.
    Precision(String),
    /// A negative amount.
    Negative(String),
}

impl fmt::Display for QuantityError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            QuantityError::Syntax(s) => {
                write!(f, "`{s}` is not a Kubernetes quantity (e.g. `100m`, `0.5`, `512Mi`, `1.5Gi`)")
            }
            QuantityError::OutOfRange(s) => write!(f, "`{s}` is out of range"),
            QuantityError::Precision(s) => {
                write!(f, "`{s}` is finer than the unit (a millicore of CPU, a byte of memory)")
            }
            QuantityError::Negative(s) => write!(f, "`{s}` is negative"),
        }
    }
}

impl std::error::Error for QuantityError {}

/// The largest amount the model holds, in base units (cores or bytes): 2^53, far above any
/// machine, so sums and products of a few amounts never overflow 128 bits.
const MAX_BASE_UNITS: u128 = 1 << 53;

/// A quantity in units of 10⁻⁹ (nano), exact. Kubernetes' grammar:
/// `[+-]<digits>[.<digits>]<suffix>`, the suffix binary (`Ki`..`Ei`), decimal (`n`, `u`, `m`,
/// ``, `k`, `M`..`E`) or an exponent (`e3`, `E-2`).
pub fn parse_nanos(s: &str) -> Result<u128, QuantityError> {
    const NANO: u128 = 1_000_000_000;
    let syntax = || QuantityError::Syntax(crate::names::printable(s));
    let t = s.trim();
    if t.len() > 64 {
        return Err(syntax());
    }
    let (negative, t) = match t.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    let split = t.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(t.len());
    let (number, suffix) = t.split_at(split);
    let (int, frac) = number.split_once('.').unwrap_or((number, ""));
    if (int.is_empty() && frac.is_empty()) || frac.contains('.') {
        return Err(syntax());
    }
    let range = || QuantityError::OutOfRange(crate::names::printable(s));
    let int: u128 = if int.is_empty() { 0 } else { int.parse().map_err(|_| range())? };
    let frac_digits = u32::try_from(frac.len()).map_err(|_| syntax())?;
    let frac_value: u128 = if frac.is_empty() { 0 } else { frac.parse().map_err(|_| range())? };
    let (mult, div): (u128, u128) = match suffix {
        "" => (1, 1),
        "n" => (1, NANO),
        "u" => (1, 1_000_000),
        "m" => (1, 1_000),
        "k" => (1_000, 1),
        "M" => (1_000_000, 1),
        "G" => (1_000_000_000, 1),
        "T" => (1_000_000_000_000, 1),
        "P" => (1_000_000_000_000_000, 1),
        "E" => (1_000_000_000_000_000_000, 1),
        "Ki" => (1 << 10, 1),
        "Mi" => (1 << 20, 1),
        "Gi" => (1 << 30, 1),
        "Ti" => (1 << 40, 1),
        "Pi" => (1 << 50, 1),
        "Ei" => (1 << 60, 1),
        e if e.len() > 1 && e.starts_with(['e', 'E']) => {
            let digits = e[1..].strip_prefix(['+', '-']).unwrap_or(&e[1..]);
            if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) || digits.len() > 3 {
                return Err(syntax());
            }
            let exp: i32 = e[1..].parse().map_err(|_| syntax())?;
            let p = 10u128.checked_pow(exp.unsigned_abs()).ok_or_else(range)?;
            if exp >= 0 { (p, 1) } else { (1, p) }
        }
        _ => return Err(syntax()),
    };
    let scale = 10u128.checked_pow(frac_digits).ok_or_else(range)?;
    let numerator = int
        .checked_mul(scale)
        .and_then(|v| v.checked_add(frac_value))
        .and_then(|v| v.checked_mul(NANO))
        .and_then(|v| v.checked_mul(mult))
        .ok_or_else(range)?;
    let denominator = scale.checked_mul(div).ok_or_else(range)?;
    // Rounded up, as Kubernetes rounds a quantity to its precision.
    let nanos = numerator.div_ceil(denominator);
    if nanos > MAX_BASE_UNITS * NANO {
        return Err(range());
    }
    if negative && nanos > 0 {
        return Err(QuantityError::Negative(crate::names::printable(s)));
    }
    Ok(nanos)
}

/// Millicores of a CPU quantity, rounded up to the millicore as Kubernetes does.
pub fn parse_cpu_millis(s: &str) -> Result<u64, QuantityError> {
    let nanos = parse_nanos(s)?;
    u64::try_from(nanos.div_ceil(1_000_000)).map_err(|_| QuantityError::OutOfRange(s.into()))
}

/// Bytes of a memory quantity, rounded up to the byte as Kubernetes does.
pub fn parse_memory_bytes(s: &str) -> Result<u64, QuantityError> {
    let nanos = parse_nanos(s)?;
    u64::try_from(nanos.div_ceil(1_000_000_000)).map_err(|_| QuantityError::OutOfRange(s.into()))
}

/// CPU in millicores (`250m`; `1` and `1000m` are equal).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Cpu(pub u32);

/// Memory in bytes (`512Mi`, `1.5Gi`, `1G`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Memory(pub u64);

impl Cpu {
    /// Millicores.
    pub const fn millis(self) -> u32 {
        self.0
    }
    /// Parses any CPU quantity exactly (`100m`, `0.5`, `1`); finer than a millicore is an error.
    pub fn parse(s: &str) -> Result<Self, QuantityError> {
        let nanos = parse_nanos(s)?;
        if nanos % 1_000_000 != 0 {
            return Err(QuantityError::Precision(s.into()));
        }
        u32::try_from(nanos / 1_000_000).map(Cpu).map_err(|_| QuantityError::OutOfRange(s.into()))
    }
}

impl Memory {
    /// One mebibyte.
    pub const MI: u64 = 1 << 20;
    /// One gibibyte.
    pub const GI: u64 = 1 << 30;
    /// Bytes.
    pub const fn bytes(self) -> u64 {
        self.0
    }
    /// `n` mebibytes.
    pub const fn mi(n: u64) -> Memory {
        Memory(n * Memory::MI)
    }
    /// Parses any memory quantity exactly (`512Mi`, `1.5Gi`, `1G`, `1e9`); a fraction of a
    /// byte is an error.
    pub fn parse(s: &str) -> Result<Self, QuantityError> {
        let nanos = parse_nanos(s)?;
        if nanos % 1_000_000_000 != 0 {
            return Err(QuantityError::Precision(s.into()));
        }
        u64::try_from(nanos / 1_000_000_000).map(Memory).map_err(|_| QuantityError::OutOfRange(s.into()))
    }
}

impl fmt::Display for Cpu {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}m", self.0)
    }
}

impl fmt::Display for Memory {
    /// The shortest exact binary form: `4Gi`, `768Mi`, `1536Ki`, or bytes.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let b = self.0;
        for (unit, size) in
            [("Ei", 1u64 << 60), ("Pi", 1 << 50), ("Ti", 1 << 40), ("Gi", 1 << 30), ("Mi", 1 << 20), ("Ki", 1 << 10)]
        {
            if b > 0 && b.is_multiple_of(size) {
                return write!(f, "{}{unit}", b / size);
            }
        }
        write!(f, "{b}")
    }
}

macro_rules! quantity_serde {
    ($t:ident, $what:literal) => {
        impl serde::Serialize for $t {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_str(self)
            }
        }
        impl<'de> serde::Deserialize<'de> for $t {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                struct V;
                impl serde::de::Visitor<'_> for V {
                    type Value = $t;
                    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                        f.write_str($what)
                    }
                    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<$t, E> {
                        $t::parse(v).map_err(E::custom)
                    }
                    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<$t, E> {
                        $t::parse(&v.to_string()).map_err(E::custom)
                    }
                    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<$t, E> {
                        $t::parse(&v.to_string()).map_err(E::custom)
                    }
                    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<$t, E> {
                        $t::parse(&v.to_string()).map_err(E::custom)
                    }
                }
                d.deserialize_any(V)
            }
        }
        #[cfg(feature = "schema")]
        impl schemars::JsonSchema for $t {
            fn schema_name() -> std::borrow::Cow<'static, str> {
                stringify!($t).into()
            }
            fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
                schemars::json_schema!({
                    "description": concat!($what, ", as Kubernetes writes it"),
                    "type": ["string", "number"],
                    "pattern": "^[+]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)(([KMGTPE]i)|[numkMGTPE]|[eE][+-]?[0-9]+)?$"
                })
            }
        }
    };
}

quantity_serde!(Cpu, "a CPU quantity such as \"100m\" or \"0.5\"");
quantity_serde!(Memory, "a memory quantity such as \"512Mi\" or \"1.5Gi\"");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpu_quantities() {
        assert_eq!(parse_cpu_millis("100m"), Ok(100));
        assert_eq!(parse_cpu_millis("1"), Ok(1000));
        assert_eq!(parse_cpu_millis("0.25"), Ok(250));
        assert_eq!(parse_cpu_millis(".5"), Ok(500));
        assert!(parse_cpu_millis("abc").is_err());
        assert_eq!(parse_cpu_millis("1k"), Ok(1_000_000));
        assert_eq!(parse_cpu_millis("1Ki"), Ok(1_024_000));
        assert_eq!(parse_cpu_millis("1e-1"), Ok(100));
        assert_eq!(parse_cpu_millis("1e9"), Ok(1_000_000_000_000));
        assert_eq!(parse_cpu_millis("1500u"), Ok(2), "rounded up");
        assert!(parse_cpu_millis("1.2.3").is_err());
        assert!(matches!(parse_cpu_millis("-1"), Err(QuantityError::Negative(_))));
        assert!(matches!(parse_cpu_millis("9223372036854775807"), Err(QuantityError::OutOfRange(_))));
        assert!(parse_cpu_millis("1e999").is_err());
        assert!(parse_cpu_millis("1e9999").is_err());
        assert!(matches!(
            parse_cpu_millis("99999999999999999999999999999999999999999"),
            Err(QuantityError::OutOfRange(_))
        ));
        assert_eq!(Cpu::parse("2").unwrap(), Cpu(2000));
        assert_eq!(Cpu::parse("0.5").unwrap(), Cpu(500));
        assert!(matches!(Cpu::parse("0.0005"), Err(QuantityError::Precision(_))));
        assert_eq!(Cpu(1000).to_string(), "1000m");
    }

    #[test]
    fn memory_quantities() {
        assert_eq!(parse_memory_bytes("128Mi"), Ok(128 << 20));
        assert_eq!(parse_memory_bytes("1Gi"), Ok(1 << 30));
        assert_eq!(parse_memory_bytes("1G"), Ok(1_000_000_000));
        assert_eq!(parse_memory_bytes("1.5Gi"), Ok(3 << 29));
        assert_eq!(parse_memory_bytes("0.5Gi"), Ok(1 << 29));
        assert!(parse_memory_bytes("x").is_err());
        assert_eq!(parse_memory_bytes("1e9"), Ok(1_000_000_000));
        assert_eq!(parse_memory_bytes("1500m"), Ok(2), "rounded up");
        assert_eq!(Memory::parse("1Gi").unwrap(), Memory(1 << 30));
        assert_eq!(Memory::parse("1.5Gi").unwrap().to_string(), "1536Mi");
        assert_eq!(Memory(1 << 30).to_string(), "1Gi");
        assert_eq!(Memory(128 << 20).to_string(), "128Mi");
        assert_eq!(Memory(1_000_000_000).to_string(), "1000000000");
        assert_eq!(Memory(1_024_000).to_string(), "1000Ki");
        assert_eq!(Memory(1001).to_string(), "1001");
        assert!(matches!(Memory::parse("0.5"), Err(QuantityError::Precision(_))));
    }

    #[test]
    fn serde_reads_strings_and_numbers() {
        let c: Cpu = serde_json::from_str("\"0.5\"").unwrap();
        assert_eq!(c, Cpu(500));
        let c: Cpu = serde_json::from_str("1").unwrap();
        assert_eq!(c, Cpu(1000));
        let m: Memory = serde_json::from_str("\"1.5Gi\"").unwrap();
        assert_eq!(serde_json::to_string(&m).unwrap(), "\"1536Mi\"");
        assert!(serde_json::from_str::<Memory>("\"lots\"").is_err());
    }
}
